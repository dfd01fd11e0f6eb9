/// Random secrets as lowercase hex, from the system's generator.
public enum RandomToken {
    /// 64 hex characters (256 bits): camera keys, the admin token, generated secrets.
    public static func hex256() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}

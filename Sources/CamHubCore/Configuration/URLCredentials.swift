/// The credentials in a URL's authority (`scheme://user:password@host/...`), found without
/// requiring the URL to be valid.
///
/// Camera passwords are full of characters a URL parser refuses or misreads (`#`, `%`, spaces,
/// `/`, `@`), and `URL(string:)` then gives nothing, so a password it cannot parse would be missed
/// and shown everywhere. This reader takes everything between the scheme's `//` and the last `@`
/// that is followed by something shaped like a host as the userinfo. When in doubt it finds
/// credentials where there are none (a query with an `@` in it), which errs on the side of hiding.
public struct URLCredentials: Sendable, Equatable {
    /// Everything up to and including the scheme's `://` (`ffmpeg:rtsp://` included).
    public let prefix: Substring
    /// The raw userinfo, `user:password`, without its `@`; nil when the URL has none.
    public let userInfo: Substring?
    /// What follows the userinfo: host, port, path, query.
    public let remainder: Substring

    public static let mask = "***"

    /// Nil when the text has no `scheme://`.
    public init?(_ text: String) {
        guard let separator = text.range(of: "://") else { return nil }
        let scheme = text[..<separator.lowerBound].split(separator: ":").last ?? ""
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) else { return nil }
        prefix = text[..<separator.upperBound]
        let rest = text[separator.upperBound...]
        var end = rest.endIndex
        while let at = rest[..<end].lastIndex(of: "@") {
            let afterAt = rest.index(after: at)
            if Self.isHostLike(Self.authority(rest[afterAt...])) {
                userInfo = rest[..<at]
                remainder = rest[afterAt...]
                return
            }
            end = at
        }
        userInfo = nil
        remainder = rest
    }

    /// The host and port: the remainder up to its path, query or fragment.
    public var hostAndPort: Substring { Self.authority(remainder) }

    /// The user name, percent-decoded; nil without userinfo.
    public var username: String? {
        userInfo.map { Self.percentDecoded($0.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]) }
    }

    /// The password, percent-decoded; nil without one.
    public var password: String? {
        guard let userInfo, let colon = userInfo.firstIndex(of: ":") else { return nil }
        return Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
    }

    /// The URL with its password (or, without a `:`, its whole userinfo, which may be a token)
    /// replaced by `***`; unchanged without userinfo.
    public var redacted: String {
        guard let userInfo else { return String(prefix + remainder) }
        let shown = userInfo.firstIndex(of: ":").map { userInfo[..<$0] + ":" + Self.mask } ?? Self.mask[...]
        return String(prefix + shown + "@" + remainder)
    }

    /// The URL with its user name and password percent-encoded where a strict reader needs it
    /// (`#`, `/`, `?`, `@`, spaces, a `%` that starts no escape, a `:` inside the password), as
    /// ffmpeg needs them. Escapes already there are kept.
    public var percentEncoded: String {
        guard let userInfo else { return String(prefix + remainder) }
        let parts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let encoded = parts.map(Self.percentEncoded).joined(separator: ":")
        return String(prefix) + encoded + "@" + String(remainder)
    }

    /// The URL without any userinfo.
    public var withoutUserInfo: String { String(prefix + remainder) }

    /// `text` with its credentials replaced by `***` (text that is not a URL unchanged).
    public static func redact(_ text: String) -> String {
        URLCredentials(text)?.redacted ?? text
    }

    /// The userinfo of `text`, or nil.
    public static func userInfo(of text: String) -> String? {
        URLCredentials(text)?.userInfo.map(String.init)
    }

    /// The URL that `redact` turned into `redacted`, given the userinfo it had (kept sealed apart).
    public static func restoring(_ userInfo: String, into redacted: String) -> String {
        guard let url = URLCredentials(redacted) else { return redacted }
        return String(url.prefix) + userInfo + "@" + String(url.remainder)
    }

    private static func authority(_ text: Substring) -> Substring {
        text[..<(text.firstIndex { "/?#".contains($0) } ?? text.endIndex)]
    }

    /// A host name, an IPv4 or bracketed IPv6 address, with an optional port.
    private static func isHostLike(_ authority: Substring) -> Bool {
        !authority.isEmpty && authority.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".-_~%:[]".contains($0)) }
    }

    private static func percentEncoded(_ text: Substring) -> String {
        let bytes = Array(text.utf8)
        var result = ""
        for (index, byte) in bytes.enumerated() {
            let character = Character(Unicode.Scalar(byte))
            if byte < 0x80, character.isLetter || character.isNumber || "-._~!$&'()*+,;=".contains(character) {
                result.append(character)
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) {
                result.append("%")
            } else {
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }

    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

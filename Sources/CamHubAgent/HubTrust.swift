import NIOSSL

/// Which certificates an agent trusts for an `https://` hub: the system's, or only the CA in
/// `--ca-file` (a hub with a certificate from a private CA, or self-signed).
enum HubTrust {
    static func configuration(caFile: String?) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile { configuration.trustRoots = .file(caFile) }
        return configuration
    }
}

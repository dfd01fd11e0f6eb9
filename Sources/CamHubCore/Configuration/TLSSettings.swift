/// HTTPS and WSS on the server's port (`server.tls`): a PEM certificate chain and its private key.
/// Both or neither; the files are read at start and again on SIGHUP (a certbot renewal).
public struct TLSSettings: Sendable, Equatable, Codable {
    public var certFile: String?
    public var keyFile: String?

    public init(certFile: String? = nil, keyFile: String? = nil) {
        self.certFile = certFile
        self.keyFile = keyFile
    }

    /// Whether the hub serves TLS.
    public var isEnabled: Bool { certFile != nil || keyFile != nil }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case certFile = "cert_file"
        case keyFile = "key_file"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(certFile, forKey: .certFile)
        try c.encode(keyFile, forKey: .keyFile)
    }

    public init(from decoder: any Decoder) throws {
        let c = try ConfigSection<CodingKeys>(decoder)
        self.init()
        certFile = try c.value(.certFile, default: certFile)
        keyFile = try c.value(.keyFile, default: keyFile)
    }

    public var problem: (key: String, message: String)? {
        switch (certFile, keyFile) {
        case (nil, nil), (.some, .some): nil
        case (nil, .some): ("server.tls.cert_file", "is required with server.tls.key_file")
        case (.some, nil): ("server.tls.key_file", "is required with server.tls.cert_file")
        }
    }
}

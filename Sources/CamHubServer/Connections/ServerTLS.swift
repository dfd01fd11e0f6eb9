public import CamHubCore
import NIOSSL
import Synchronization

/// The server's TLS certificate and key (`server.tls`), read from their PEM files at start and
/// again on SIGHUP, so a renewed certificate is served without a restart. Connections made
/// before a reload keep the certificate they started with.
public final class ServerTLS: Sendable {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public let settings: TLSSettings
    private let context: Mutex<NIOSSLContext>

    /// Refuses unreadable files, files that are not PEM, and a key that is not the certificate's.
    public init(settings: TLSSettings) throws(LoadError) {
        self.settings = settings
        context = Mutex(try Self.load(settings))
    }

    var current: NIOSSLContext { context.withLock { $0 } }

    /// Reads the files again; on a problem the certificate in use stays, and the error says why.
    public func reload() throws(LoadError) {
        let fresh = try Self.load(settings)
        context.withLock { $0 = fresh }
    }

    private static func load(_ settings: TLSSettings) throws(LoadError) -> NIOSSLContext {
        guard let certFile = settings.certFile, let keyFile = settings.keyFile else {
            throw LoadError(description: "server.tls needs both cert_file and key_file")
        }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certFile)
        } catch {
            throw LoadError(description: "server.tls.cert_file: cannot read a PEM certificate from \(certFile): \(error)")
        }
        guard !chain.isEmpty else { throw LoadError(description: "server.tls.cert_file: \(certFile) holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw LoadError(description: "server.tls.key_file: cannot read a PEM private key from \(keyFile): \(error)")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw LoadError(description: "server.tls: the key in \(keyFile) does not belong to the certificate in \(certFile) (\(error))")
        }
    }
}

import CamHubCore
import Foundation

/// Credentials a camera came with (a user name and password, the userinfo of its URL), sealed
/// with the data key for the registry: usable later by the hub, never shown nor readable from the
/// database alone.
struct SealedCredentials: Codable, Equatable {
    var username = ""
    var password = ""
    /// The URL's `user:password`, taken out of the URL the registry shows (`***` in its place).
    var urlUserInfo: String?

    enum CodingKeys: String, CodingKey {
        case username, password
        case urlUserInfo = "url_userinfo"
    }

    /// The sealed text, or nil when there is nothing to seal.
    func sealed(with key: DataKey) throws -> String? {
        guard !username.isEmpty || !password.isEmpty || urlUserInfo != nil else { return nil }
        return try key.seal(String(decoding: try JSONEncoder().encode(self), as: UTF8.self))
    }

    static func open(_ sealed: String, with key: DataKey) throws -> SealedCredentials {
        try JSONDecoder().decode(SealedCredentials.self, from: Data(try key.open(sealed).utf8))
    }
}

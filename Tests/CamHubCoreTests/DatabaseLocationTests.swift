import CamHubCore
import Foundation
import Testing

@Suite("database.url")
struct DatabaseLocationTests {
    @Test func sqliteIsTheDefaultAndPathsAreTakenFromTheDataDir() throws {
        let data = URL(fileURLWithPath: "/srv/camhub")
        #expect(try DatabaseLocation(parsing: nil).sqliteFile(in: data)?.path == "/srv/camhub/camhub.sqlite")
        #expect(try DatabaseLocation(parsing: "sqlite:").sqliteFile(in: data)?.path == "/srv/camhub/camhub.sqlite")
        #expect(try DatabaseLocation(parsing: "sqlite:other.sqlite").sqliteFile(in: data)?.path == "/srv/camhub/other.sqlite")
        #expect(try DatabaseLocation(parsing: "sqlite:/var/lib/hub.sqlite").sqliteFile(in: data)?.path == "/var/lib/hub.sqlite")
    }

    @Test func aPostgresURLGivesEveryPart() throws {
        let location = try DatabaseLocation(parsing: "postgres://cam%40hub:p%23ss@db.example.com:6543/hub?sslmode=require&schema=site_a")
        guard case .postgres(let address) = location else { Issue.record("not postgres"); return }
        #expect(address == PostgresAddress(
            host: "db.example.com", port: 6543, user: "cam@hub", password: "p#ss", database: "hub", sslMode: .require, schema: "site_a"
        ))
        #expect(address.description == "db.example.com:6543/hub")
        guard case .postgres(let plain) = try DatabaseLocation(parsing: "postgresql://u@127.0.0.1/d") else { return }
        #expect(plain.port == 5432 && plain.password == nil && plain.sslMode == .prefer && plain.schema == "public")
    }

    @Test(arguments: [
        "mysql://u:p@h/d", "postgres://u:secret@/d", "postgres://:secret@h/d", "postgres://u:secret@h", "postgres://u:secret@h/d?sslmode=maybe",
        "postgres://u:secret@h/d?schema=Bad-Name", "postgres://u:secret@h/d?search_path=x", "sqlite://",
    ])
    func badURLsAreNamedWithoutTheirPassword(_ url: String) {
        do {
            _ = try DatabaseLocation(parsing: url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(!error.description.contains("secret"), "\(error.description)")
        }
        var configuration = HubConfiguration()
        configuration.database.url = url
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }
}

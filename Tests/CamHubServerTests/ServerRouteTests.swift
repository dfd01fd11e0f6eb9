import CamHubCore
@testable import CamHubServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Seed 001 process management")
struct ServerRouteTests {
    @Test func operatorCallsAnswerWithThePidTheRedactedConfigAndAShutdown() async throws {
        let test = try await TestHub {
            $0.vlm.url = "http://127.0.0.1:9/v1"
            $0.vlm.model = "llava"
            $0.vlm.apiKey = "sk-very-secret"
            $0.registration.token = "enrollment-secret"
        }
        try await test.application().test(.router) { client in
            for (method, uri) in [(HTTPRequest.Method.get, "/server/pid"), (.get, "/config"), (.post, "/server/shutdown")] {
                try await client.execute(uri: uri, method: method) { #expect($0.status == .unauthorized, "\(uri)") }
            }
            try await client.execute(uri: "/server/pid", method: .get, headers: RegistrationRouteTests.admin) { response in
                let body = try response.json
                #expect(body["pid"] as? Int == Int(ProcessInfo.processInfo.processIdentifier))
                #expect(body["config_file"] as? String == test.hub.paths.configFile.path)
            }
            try await client.execute(uri: "/config", method: .get, headers: RegistrationRouteTests.admin) { response in
                let text = String(buffer: response.body)
                #expect(!text.contains("sk-very-secret"))
                #expect(!text.contains("enrollment-secret"))
                let body = try response.json
                #expect(((body["vlm"] as? [String: Any])?["api_key"] as? String) == "***")
                #expect(((body["vlm"] as? [String: Any])?["model"] as? String) == "llava")
                #expect((body["cameras"] as? [[String: Any]])?.first?["id"] as? String == "testpattern")
            }
            #expect(!test.shutdown.wasPulled)
            try await client.execute(uri: "/server/shutdown", method: .post, headers: RegistrationRouteTests.admin) { response in
                // Seed 001's answer: 200 and its message.
                let body = try response.json
                #expect(response.status == .ok)
                #expect(body["message"] as? String == "Graceful shutdown initiated")
            }
            let deadline = ContinuousClock.now + .seconds(5)
            while !test.shutdown.wasPulled, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(test.shutdown.wasPulled)
        }
    }
}

import CamHubCapture
import CamHubCore
import Foundation
import Logging

/// Applies a new configuration while the hub runs (`PUT /config`, `POST /server/reload-config`,
/// SIGHUP). The cameras change live, one by one (see `LocalCameras.apply`); so do the values read
/// per request. Values the hub takes at start are written to the file but reported as
/// `restart_required`.
extension Hub {
    /// Keys that take effect without a restart; every other changed key needs one.
    static let liveKeys: [String] = [
        "cameras", "motion", "hub.max_frame_bytes", "hub.inactive_after", "registration.token", "lpr.token", "server.public_url", "server.max_body_bytes", "logging.access",
        "events.retention_days", "events.max_bytes", "webhooks",
    ]

    /// The answer to `PUT /config`, `/server/reload-config`: seed 001's `success`, `message` and
    /// `restart_required` (a sentence there), with camhub's cameras changed and the keys that take
    /// effect at the next start.
    struct Reconfiguration: Encodable {
        let cameras: LocalCameras.Change
        let restartRequiredKeys: [String]
        let success = true
        let message = "Configuration reloaded"
        let restartRequired: String

        init(cameras: LocalCameras.Change, restartRequiredKeys: [String]) {
            self.cameras = cameras
            self.restartRequiredKeys = restartRequiredKeys
            restartRequired = restartRequiredKeys.isEmpty
                ? "No restart required: every change is applied"
                : "Restart camhub for: " + restartRequiredKeys.joined(separator: ", ")
        }

        enum CodingKeys: String, CodingKey {
            case cameras, success, message
            case restartRequired = "restart_required"
            case restartRequiredKeys = "restart_required_keys"
        }
    }

    /// Validates `file` (with the environment and the command line on top), writes it to the config
    /// file atomically when `write` is set, and applies it. A bad value throws naming its key, and
    /// nothing changes.
    func reconfigure(with file: HubConfiguration, write: Bool, logger: Logger) async throws -> Reconfiguration {
        let old = configuration
        let new = try ConfigurationLoader.effective(file, environment: environment, overrides: overrides)
        if write {
            // It holds secrets (tokens, the model's key, camera passwords): 0600. A full disk leaves
            // the old file and the configuration in force as they were (507).
            try PrivateFile.writeAtomically(try ConfigurationLoader.encode(file), to: paths.configFile)
        }
        configurationStore.current = new
        let change = localCameras.apply(new.effectiveCameras)
        try await HubApplication.registerLocalCameras(new.effectiveCameras, in: self)
        let restart = Self.changedKeys(old, new).filter { key in !Self.liveKeys.contains { key == $0 || key.hasPrefix($0 + ".") || key.hasPrefix($0 + "[") } }
        logger.notice(
            "configuration applied",
            metadata: [
                "added": "\(change.added)", "removed": "\(change.removed)", "changed": "\(change.changed)",
                "restart_required": "\(restart)",
            ]
        )
        return Reconfiguration(cameras: change, restartRequiredKeys: restart)
    }

    /// Reads the config file again and applies it.
    func reloadConfigurationFile(logger: Logger) async throws -> Reconfiguration {
        try await reconfigure(with: try ConfigurationLoader.read(paths.configFile), write: false, logger: logger)
    }

    /// The dotted keys whose values differ.
    static func changedKeys(_ old: HubConfiguration, _ new: HubConfiguration) -> [String] {
        let before = flatten(old), after = flatten(new)
        return Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
    }

    private static func flatten(_ configuration: HubConfiguration) -> [String: String] {
        guard let data = try? ConfigurationLoader.encode(configuration),
            let object = try? JSONSerialization.jsonObject(with: data)
        else { return [:] }
        var result: [String: String] = [:]
        func walk(_ value: Any, _ path: String) {
            switch value {
            case let object as [String: Any]:
                for (key, inner) in object { walk(inner, path.isEmpty ? key : "\(path).\(key)") }
            case let array as [Any]:
                // A camera list is compared as a whole under its own key.
                result[path] = JSONText.encode(array)
            default:
                result[path] = JSONText.encode(value)
            }
        }
        walk(object, "")
        return result
    }
}

import Foundation

/// Seed 001's own `config.json` (`{"camera": {...}, "server": {...}}`, as the original USB Camera
/// Server writes it), read as camhub's configuration. A user moving from that server brings the
/// file as it is: as the config file at start, or in `PUT /config`.
///
/// Its camera becomes camhub's one camera (`id` "camera"), its server section camhub's server
/// and logging. `buffer_size` (OpenCV's capture buffer) has no equivalent and is ignored; any other
/// key is refused by name, as camhub's own keys are.
enum USBCameraServerConfig {
    static let cameraKeys: [String: String] = [
        "width": "width", "height": "height", "fps": "fps", "jpeg_quality": "jpeg_quality", "auto_reconnect": "auto_reconnect",
        "reconnect_interval": "reconnect_interval", "max_reconnect_attempts": "max_reconnect_attempts",
    ]
    static let ignoredCameraKeys: Set<String> = ["buffer_size", "device_index", "device_path"]
    static let serverKeys: [String: String] = ["host": "host", "port": "port", "cors_origins": "cors_origins", "trusted_hosts": "trusted_hosts"]
    static let ignoredServerKeys: Set<String> = ["log_level", "log_file", "max_frame_age"]

    /// True for a file in seed 001's shape: a `camera` object and none of camhub's `cameras`.
    static func matches(_ object: [String: Any]) -> Bool {
        object["camera"] is [String: Any] && object["cameras"] == nil
    }

    /// The same configuration in camhub's shape.
    static func translate(_ object: [String: Any]) throws(ConfigurationError) -> [String: Any] {
        if let unknown = object.keys.first(where: { !["camera", "server"].contains($0) }) {
            throw ConfigurationError(key: unknown, "unknown key in a seed 001 config file; known keys here: camera, server")
        }
        let camera = object["camera"] as? [String: Any] ?? [:]
        let server = object["server"] as? [String: Any] ?? [:]
        var translatedCamera: [String: Any] = ["id": "camera", "name": "USB camera"]
        for (key, value) in camera {
            if let camhubKey = cameraKeys[key] {
                translatedCamera[camhubKey] = value
            } else if !ignoredCameraKeys.contains(key) {
                throw ConfigurationError(key: "camera.\(key)", "unknown key in a seed 001 config file")
            }
        }
        if let path = camera["device_path"] as? String, !path.isEmpty {
            translatedCamera["source"] = path
        } else if let index = camera["device_index"] as? Int {
            translatedCamera["source"] = "/dev/video\(index)"
        }
        if let age = server["max_frame_age"] { translatedCamera["max_frame_age"] = age }
        var translatedServer: [String: Any] = [:]
        for (key, value) in server {
            if let camhubKey = serverKeys[key] {
                translatedServer[camhubKey] = value
            } else if !ignoredServerKeys.contains(key) {
                throw ConfigurationError(key: "server.\(key)", "unknown key in a seed 001 config file")
            }
        }
        var logging: [String: Any] = [:]
        if let level = server["log_level"] as? String { logging["level"] = level.lowercased() }
        if let file = server["log_file"] { logging["file"] = file is NSNull ? "" : file }
        return ["server": translatedServer, "logging": logging, "cameras": [translatedCamera]]
    }
}

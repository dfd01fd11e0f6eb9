import CamHubCore
import Foundation

/// A camera with a network source declared for the whole site (`POST /cameras` with a `source`):
/// stored in the registry with its credentials sealed, and captured by one hub at a time
/// (`SiteCameras`).
///
/// Only `http(s)://` (MJPEG) and `rtsp(s)://` are taken from the API: a file, a device or an
/// arbitrary ffmpeg input names something on one machine, and would let an API caller make a hub
/// read its own files. Those stay in each hub's config file.
enum NetworkCamera {
    static let schemes = ["http://", "https://", "rtsp://", "rtsps://"]

    /// The source and capture settings in a `POST /cameras` body, checked as the config file's
    /// cameras are; nil when the body has no `source`. Problems are recorded on `body`.
    static func settings(in body: JSONObject, id: CameraID, name: String?) -> LocalCameraSettings? {
        guard let source = body.string("source", length: 1...2048) else { return nil }
        let size = body.size("resolution", range: 16...7680)
        let fps = body.integer("fps", range: 1...60)
        guard schemes.contains(where: { source.lowercased().hasPrefix($0) }) else {
            body.reject("source", "must be an http(s):// MJPEG stream or an rtsp(s):// stream; other sources go in a hub's config file")
            return nil
        }
        var settings = LocalCameraSettings(id: id.isEmpty ? "new" : id, name: name ?? "camera")
        settings.source = source
        if let size { (settings.width, settings.height) = size }
        if let fps { settings.fps = fps }
        do {
            try settings.validate(key: "camera")
        } catch {
            body.reject(String(error.key.dropFirst("camera.".count)), error.message)
            return nil
        }
        return settings
    }

    /// The registry's entry for it: the source with `***` for its password, the credentials sealed.
    static func camera(_ settings: LocalCameraSettings, location: String, capabilities: [String], metadata: [String: String], key: DataKey) throws -> Camera {
        let shown = URLCredentials.redact(settings.source)
        let sourceType = settings.source.lowercased().hasPrefix("rtsp") ? "rtsp" : "http"
        return Camera(
            id: settings.id, name: settings.name, location: location, kind: .network, source: shown, state: .registered,
            capabilities: capabilities, metadata: metadata,
            settings: CameraSettings(sourceType: sourceType, url: shown, width: settings.width, height: settings.height, fps: settings.fps),
            sealedCredentials: try SealedCredentials(urlUserInfo: URLCredentials.userInfo(of: settings.source)).sealed(with: key)
        )
    }

    /// What the hub that holds the camera captures: the registry's entry with its credentials
    /// opened again.
    static func capture(_ camera: Camera, key: DataKey) throws -> LocalCameraSettings {
        var settings = LocalCameraSettings(id: camera.id, name: camera.name)
        settings.location = camera.location
        settings.source = camera.settings.url ?? camera.source
        if let sealed = camera.sealedCredentials, let userInfo = try SealedCredentials.open(sealed, with: key).urlUserInfo {
            settings.source = URLCredentials.restoring(userInfo, into: settings.source)
        }
        settings.width = camera.settings.width ?? settings.width
        settings.height = camera.settings.height ?? settings.height
        settings.fps = camera.settings.fps ?? settings.fps
        return settings
    }
}

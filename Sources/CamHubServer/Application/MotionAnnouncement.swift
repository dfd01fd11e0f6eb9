import CamHubCore
import Foundation

/// A motion event as the web page's live socket hears it, from this hub or another of the site:
/// `{"type": "motion", "data": {"type": "motion_start" | "motion_end", "event": {...}}}`.
enum MotionAnnouncement {
    static let topic = "motion"

    static func json(_ type: String, _ event: CameraEvent) -> String {
        struct Announcement: Encodable {
            let type: String
            let event: EventJSON
        }
        return encode(Announcement(type: type, event: EventJSON(event)))
    }

    /// The event as the API shows it: a webhook's `data`.
    static func eventJSON(_ event: CameraEvent) -> String {
        encode(EventJSON(event))
    }

    private static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

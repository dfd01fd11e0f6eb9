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
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(Announcement(type: type, event: EventJSON(event)))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

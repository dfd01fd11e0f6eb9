public import CamHubCore
import Foundation

/// Records as JSON text, the same for the REST answers and the live Socket.IO events.
public enum RecordJSON {
    /// A detection: its own fields, then the stored detections (`vehicle_detections`,
    /// `plate_detections`, `ocr_results`) spliced in from their JSON text without parsing it again.
    public static func detection(_ record: DetectionRecord) -> String {
        let fields: [String: Any] = [
            "id": record.id, "detection_id": record.id, "camera_id": record.cameraID, "checkpoint_id": record.checkpointID,
            "timestamp": record.timestamp, "received_at": JSONText.timestamp(record.receivedAt),
            "vehicles_count": record.vehiclesCount, "plates_count": record.platesCount, "plates": record.plates,
            "processing_time_ms": record.processingTimeMS.map { $0 as Any } ?? NSNull(),
            "annotated_image_url": record.annotatedImage.map(url) ?? NSNull(),
            "cropped_plate_urls": record.croppedPlates.map(url),
        ]
        var text = JSONText.encode(fields)
        let details = record.detailsJSON.trimmingCharacters(in: .whitespaces)
        if details.hasPrefix("{"), details.hasSuffix("}"), details.count > 2 {
            text.removeLast()
            text += "," + details.dropFirst()
        }
        return text
    }

    public static func health(_ report: HealthReport) -> String {
        JSONText.encode([
            "id": report.id, "health_id": report.id, "camera_id": report.cameraID, "checkpoint_id": report.checkpointID,
            "timestamp": report.timestamp, "received_at": JSONText.timestamp(report.receivedAt), "component": report.component,
            "status": report.status, "message": report.message, "details": JSONText.Raw(text: report.detailsJSON),
        ] as [String: Any])
    }

    public static func url(_ blob: String) -> String { "/blobs/" + blob }

    public static func text(_ object: Any) -> String {
        JSONText.encode(object)
    }
}

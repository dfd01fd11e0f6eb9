import CamHubCore
import Foundation

/// Records as JSON objects, the same for the REST answers and the live Socket.IO events.
enum RecordJSON {
    static func detection(_ record: DetectionRecord) -> [String: Any] {
        var object: [String: Any] = [
            "id": record.id, "detection_id": record.id, "camera_id": record.cameraID, "checkpoint_id": record.checkpointID,
            "timestamp": record.timestamp, "received_at": JSONResponse.timestamp(record.receivedAt),
            "vehicles_count": record.vehiclesCount, "plates_count": record.platesCount, "plates": record.plates,
            "processing_time_ms": record.processingTimeMS ?? NSNull(),
            "annotated_image_url": record.annotatedImage.map(url) ?? NSNull(),
            "cropped_plate_urls": record.croppedPlates.map(url),
        ]
        if let data = record.detailsJSON.data(using: .utf8), let details = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            object.merge(details) { current, _ in current }
        }
        return object
    }

    static func health(_ report: HealthReport) -> [String: Any] {
        var object: [String: Any] = [
            "id": report.id, "health_id": report.id, "camera_id": report.cameraID, "checkpoint_id": report.checkpointID,
            "timestamp": report.timestamp, "received_at": JSONResponse.timestamp(report.receivedAt), "component": report.component,
            "status": report.status, "message": report.message,
        ]
        if let data = report.detailsJSON.data(using: .utf8), let details = try? JSONSerialization.jsonObject(with: data) {
            object["details"] = details
        }
        return object
    }

    static func url(_ blob: String) -> String { "/blobs/" + blob }

    static func text(_ object: Any) -> String {
        LPRIngest.json(object)
    }
}

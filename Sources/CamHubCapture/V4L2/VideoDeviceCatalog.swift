import Foundation

/// What `camhub devices` shows about one video device.
public struct VideoDeviceReport: Sendable, Equatable {
    public struct Format: Sendable, Equatable {
        public var format: FourCC
        public var description: String
        public var sizes: [VideoFrameSize]
        /// camhub reads it (MJPEG passed through, YUYV encoded).
        public var isUsable: Bool
    }

    public var path: String
    public var capabilities: VideoDeviceCapabilities?
    public var formats: [Format] = []
    /// Why the device could not be read, when it could not.
    public var problem: String?
}

/// Finds the V4L2 devices and describes them.
public enum VideoDeviceCatalog {
    /// `/dev/video0`, `/dev/video1`, ... in number order.
    public static func devicePaths(in folder: String = "/dev") -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names
            .filter { $0.hasPrefix("video") && Int($0.dropFirst("video".count)) != nil }
            .sorted { Int($0.dropFirst(5))! < Int($1.dropFirst(5))! }
            .map { "\(folder)/\($0)" }
    }

    /// Every device in `folder`, opened with `open` (the real ioctls unless a test says otherwise).
    public static func reports(
        in folder: String = "/dev", open: (String) throws -> any VideoDevice = { try LinuxVideoDevice(path: $0) }
    ) -> [VideoDeviceReport] {
        devicePaths(in: folder).map { path in
            do {
                return report(try open(path))
            } catch {
                return VideoDeviceReport(path: path, problem: "\(error)")
            }
        }
    }

    public static func report(_ device: any VideoDevice) -> VideoDeviceReport {
        var report = VideoDeviceReport(path: device.path)
        do {
            let capabilities = try device.capabilities()
            report.capabilities = capabilities
            guard capabilities.canCapture else {
                report.problem = "not a capture device (often the metadata node of a USB camera)"
                return report
            }
            report.formats = try device.formats().map { format in
                VideoDeviceReport.Format(
                    format: format.format, description: format.description,
                    sizes: (try? device.frameSizes(of: format.format)) ?? [],
                    isUsable: V4L2Capture.preferredFormats.contains(format.format)
                )
            }
        } catch {
            report.problem = "\(error)"
        }
        return report
    }

    /// The reports as text, one block per device, with the source string to put in the config.
    public static func text(_ reports: [VideoDeviceReport]) -> String {
        guard !reports.isEmpty else { return "No video devices found (/dev/video*).\n" }
        var text = ""
        for report in reports {
            let card = report.capabilities.map { " — \($0.card) (\($0.driver), \($0.busInfo))" } ?? ""
            text += "\(report.path)\(card)\n"
            if let problem = report.problem {
                text += "  \(problem)\n"
                continue
            }
            for format in report.formats {
                let sizes = format.sizes.isEmpty ? "any size in the driver's range" : format.sizes.map(\.description).joined(separator: " ")
                let use = format.isUsable ? (format.format == .yuyv ? "encoded" : "passed through") : "not read by camhub"
                text += "  \(format.format)  \(format.description) [\(use)]: \(sizes)\n"
            }
            if report.formats.contains(where: \.isUsable) {
                text += "  config: \"source\": \"\(report.path)\"\n"
            }
        }
        return text
    }
}

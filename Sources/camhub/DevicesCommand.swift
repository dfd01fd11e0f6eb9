import ArgumentParser
import CamHubCapture

/// `camhub devices`: the V4L2 cameras on this machine, their formats and sizes.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the video devices (/dev/video*) with their formats and frame sizes."
    )

    @Option(help: "The folder to look in.")
    var folder: String = "/dev"

    func run() throws {
        print(VideoDeviceCatalog.text(VideoDeviceCatalog.reports(in: folder)), terminator: "")
    }
}

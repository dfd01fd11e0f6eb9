public import CamHubCore
import Foundation
import Synchronization

/// Anything ffmpeg opens (`rtsp://…`, or `ffmpeg:<input>` such as a file, a device or a URL),
/// through an `ffmpeg` child process that writes MJPEG parts (`-f mpjpeg`) to a pipe; the parts are
/// split with `MJPEGStreamParser`. The child is killed when the camera stops and reaped by
/// Foundation's `Process`. A child that exits ends the source with an error, so the supervisor
/// starts it again.
public struct FFmpegSource: FrameSource {
    public let input: String
    public let settings: LocalCameraSettings
    public static let executable = "/usr/bin/ffmpeg"

    public init(input: String, settings: LocalCameraSettings) {
        self.input = input
        self.settings = settings
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The command line: no audio, the camera's size and rate, JPEGs of its quality. An input with
    /// credentials is not on it: ffmpeg reads it from a concat script on its standard input.
    func arguments() -> [String] {
        var arguments = ["-hide_banner", "-loglevel", "error"]
        if hasCredentials {
            arguments += ["-f", "concat", "-safe", "0", "-protocol_whitelist", "pipe," + protocols, "-i", "pipe:0"]
        } else {
            arguments += ["-nostdin"]
            if input.hasPrefix("rtsp://") { arguments += ["-rtsp_transport", "tcp"] }
            // A file is played at its own pace, over and over, like a camera.
            if input.hasPrefix("/") { arguments += ["-re", "-stream_loop", "-1"] }
            arguments += ["-protocol_whitelist", protocols, "-i", input]
        }
        let quality = max(2, min(31, 31 - settings.jpegQuality * 29 / 100))
        arguments += [
            "-an", "-vf", "scale=\(settings.width):\(settings.height)", "-r", String(settings.fps),
            "-c:v", "mjpeg", "-q:v", String(quality), "-f", "mpjpeg", "pipe:1",
        ]
        return arguments
    }

    // MARK: Keeping passwords out of `ps` and off the disk

    /// What ffmpeg may open for this input: the network's protocols for a network URL, the local
    /// file's otherwise, so `concat:`, `subfile:` and the like never reach other files (the
    /// concat script with the credentials arrives on the pipe, allowed beside these).
    var protocols: String {
        SourceKind.isNetwork(input) ? "tcp,udp,rtp,rtsp,tls,https,http" : "file,crypto,data"
    }

    /// The input has a user or password, which `ps` would show to every user on the machine. Found
    /// by `URLCredentials`, so a password that `URL(string:)` cannot parse counts too.
    var hasCredentials: Bool {
        URLCredentials(input)?.userInfo != nil
    }

    /// An ffconcat script naming the input. It goes to ffmpeg through a pipe, so the credentials
    /// are never on a command line nor in a file.
    /// The user name and password are percent-encoded, since ffmpeg cuts the URL at a raw `#`, `/`
    /// or `@` and decodes the escapes.
    var concatScript: String {
        let url = URLCredentials(input)?.percentEncoded ?? input
        let quoted = url.replacingOccurrences(of: "'", with: "'\\''")
        var script = "ffconcat version 1.0\nfile '\(quoted)'\n"
        if input.hasPrefix("rtsp://") { script += "option rtsp_transport tcp\n" }
        return script
    }

    public func run(into output: CaptureOutput) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = arguments()
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        let script = hasCredentials ? Pipe() : nil
        process.standardInput = script ?? FileHandle.nullDevice
        try process.run()
        if let script {
            // A few hundred bytes: the pipe's buffer takes them at once, so this never blocks. Closing
            // the write end is the script's end of file.
            try? script.fileHandleForWriting.write(contentsOf: Data(concatScript.utf8))
            try? script.fileHandleForWriting.close()
        }
        let pid = process.processIdentifier
        let chunks = Self.chunks(of: pipe.fileHandleForReading)
        do {
            try await withTaskCancellationHandler {
                var parser = MJPEGStreamParser(boundary: "ffmpeg", maxFrameBytes: 16 * 1024 * 1024)
                for await chunk in chunks {
                    try Task.checkCancellation()
                    parser.append(chunk)
                    while let jpeg = try parser.next() {
                        guard let header = JPEGHeader(jpeg) else {
                            output.drop()
                            continue
                        }
                        output.publish(jpeg: jpeg, width: header.width, height: header.height)
                    }
                }
            } onCancel: {
                kill(pid, SIGTERM)
            }
        } catch {
            await Self.stop(process)
            throw error
        }
        await Self.stop(process)
        try Task.checkCancellation()
        throw Failure(description: "ffmpeg exited with status \(process.terminationStatus) reading \(SourceAddress.redacted(input))")
    }

    /// SIGTERM, then SIGKILL if the child has not gone within two seconds. Foundation's `Process`
    /// reaps it; this only waits, without blocking a thread. The wait runs outside the caller's
    /// (possibly cancelled) task, so its sleeps really sleep.
    static func stop(_ process: Process) async {
        let pid = process.processIdentifier
        await Task.detached {
            if process.isRunning { kill(pid, SIGTERM) }
            let deadline = ContinuousClock.now + .seconds(2)
            while process.isRunning, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
            if process.isRunning { kill(pid, SIGKILL) }
            while process.isRunning {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }.value
    }

    /// The pipe's bytes as they come, read on a thread of its own so no task blocks.
    static func chunks(of handle: FileHandle) -> AsyncStream<Data> {
        // Unbounded: dropping a chunk would cut a JPEG in half. ffmpeg writes at the camera's rate.
        AsyncStream(bufferingPolicy: .unbounded) { continuation in
            let thread = Thread {
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    continuation.yield(data)
                }
                continuation.finish()
            }
            thread.name = "camhub-ffmpeg-reader"
            thread.start()
        }
    }
}

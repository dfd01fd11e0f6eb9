import CamHubCapture
import CamHubCore
import CamHubMotion
import Foundation
import Logging
import Synchronization
import Testing

/// The service on a real frame hub, fed JPEGs with chosen timestamps, ticked by hand.
@Suite("Motion service")
struct MotionServiceTests {
    static let epoch = 1_800_000_000.0

    /// A 160x120 grey scene, with a bright 24x24 box at `box` when given.
    static func jpeg(box: (x: Int, y: Int)? = nil) throws -> [UInt8] {
        var picture = YUV420Picture(width: 160, height: 120)
        picture.fill(x: 0, y: 0, width: 160, height: 120, color: YUVColor(y: 80, u: 128, v: 128))
        if let box { picture.fill(x: box.x, y: box.y, width: 24, height: 24, color: YUVColor(y: 230, u: 128, v: 128)) }
        return try JPEGEncoder().encode(picture, quality: 90)
    }

    static func settings() -> MotionSettings {
        var settings = MotionSettings()
        settings.enabled = true
        settings.minFrames = 2
        settings.eventGap = 0.3
        settings.zones = [MotionZone(name: "right", polygon: MotionPolygon([(0.5, 0), (1, 0), (1, 1), (0.5, 1)]))]
        return settings
    }

    struct Run {
        let frames = FrameHub()
        let events: any EventRepository = MemoryEventRepository()
        let blobs: any BlobRepository = MemoryBlobRepository()
        let service: MotionService

        init() {
            service = MotionService(frames: frames, events: events, blobs: blobs, logger: Logger(label: "test")) { (5, []) }
        }

        func show(_ jpeg: [UInt8], at seconds: Double) async {
            frames.feed(for: "yard").publish(jpeg: jpeg, width: 160, height: 120, at: FrameTimestamp(microseconds: Int64((MotionServiceTests.epoch + seconds) * 1_000_000)))
            await service.tick([MotionService.Target(cameraID: "yard", settings: MotionServiceTests.settings())])
        }
    }

    @Test func aBoxCrossingTheSceneIsOneEventWithItsZoneAndPictures() async throws {
        let run = Run()
        let still = try Self.jpeg()
        await run.show(still, at: 0)
        await run.show(still, at: 0.1)
        for (index, x) in [90, 100, 110].enumerated() {
            await run.show(try Self.jpeg(box: (x, 40)), at: 0.2 + Double(index) * 0.1)
        }
        let started = try #require(try await run.events.events(EventQuery()).first)
        #expect(started.end == nil && started.start == Date(timeIntervalSince1970: Self.epoch + 0.2) && started.zones == ["right"])
        let startSnapshot = try #require(started.snapshot)
        #expect(try await run.blobs.get(startSnapshot) != nil)
        // A tick with no new frame looks at nothing.
        let analysed = run.service.statistics.framesAnalysed
        await run.service.tick([MotionService.Target(cameraID: "yard", settings: Self.settings())])
        #expect(run.service.statistics.framesAnalysed == analysed)

        for step in 1...5 { await run.show(still, at: 0.4 + Double(step) * 0.1) }
        let events = try await run.events.events(EventQuery())
        #expect(events.count == 1)
        let ended = try #require(events.first)
        #expect(ended.end == Date(timeIntervalSince1970: Self.epoch + 0.4))
        #expect(ended.peakArea > 0 && ended.boxes.count == 1 && ended.boxes[0].x >= 0.5 && !ended.unfinished)
        let peakSnapshot = try #require(ended.snapshot)
        let peak = try await run.blobs.get(peakSnapshot)
        #expect((peak?.count ?? 0) > 100 && peakSnapshot != startSnapshot)
        #expect(run.service.statistics == MotionService.Counters(framesAnalysed: 10, eventsStarted: 1, eventsEnded: 1, storeFailures: 0))
    }

    @Test func aCameraNoLongerAnalysedEndsItsEvent() async throws {
        let run = Run()
        await run.show(try Self.jpeg(), at: 0)
        await run.show(try Self.jpeg(box: (100, 40)), at: 0.1)
        await run.show(try Self.jpeg(box: (110, 40)), at: 0.2)
        #expect(try await run.events.events(EventQuery()).count == 1)
        #expect(try await run.events.events(EventQuery()).first?.end == nil)
        await run.service.tick([])  // motion turned off for it
        #expect(try await run.events.events(EventQuery()).first?.end == Date(timeIntervalSince1970: Self.epoch + 0.2))
    }

    @Test func aFrameThatIsNotAJPEGIsSkipped() async throws {
        let run = Run()
        run.frames.feed(for: "yard").publish(jpeg: [0xFF, 0xD8, 1, 2, 3], width: 160, height: 120)
        await run.service.tick([MotionService.Target(cameraID: "yard", settings: Self.settings())])
        #expect(run.service.statistics.framesAnalysed == 0)
        #expect(try await run.events.events(EventQuery()).isEmpty)
    }
}

@Suite("Motion captions")
struct MotionCaptionTests {
    @Test func anEventIsCaptionedOnceItEndsWhenTheCameraAsksAndNeverInventedWithoutAModel() async throws {
        for (asks, model) in [(true, "a box crosses the yard"), (true, nil), (false, "never asked")] as [(Bool, String?)] {
            let frames = FrameHub()
            let events: any EventRepository = MemoryEventRepository()
            var wanted = MotionServiceTests.settings()
            wanted.caption = asks
            let settings = wanted
            let asked = Mutex(0)
            let service = MotionService(
                frames: frames, events: events, blobs: MemoryBlobRepository(), logger: Logger(label: "test"),
                caption: { jpeg, _ in
                    asked.withLock { $0 += 1 }
                    #expect(jpeg.count > 100)
                    return model
                },
                targets: { (20, [MotionService.Target(cameraID: "yard", settings: settings)]) }
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                let pictures = [try MotionServiceTests.jpeg(), try MotionServiceTests.jpeg(box: (90, 40)), try MotionServiceTests.jpeg(box: (110, 40))]
                    + Array(repeating: try MotionServiceTests.jpeg(), count: 5)
                for (index, picture) in pictures.enumerated() {
                    let before = service.statistics.framesAnalysed
                    frames.feed(for: "yard").publish(jpeg: picture, width: 160, height: 120,
                                                     at: FrameTimestamp(microseconds: Int64((MotionServiceTests.epoch + Double(index) * 0.1) * 1_000_000)))
                    // Each frame is analysed before the next comes.
                    for _ in 0..<200 where service.statistics.framesAnalysed == before { try await Task.sleep(for: .milliseconds(10)) }
                }
                for _ in 0..<200 where try await events.events(EventQuery()).first?.end == nil { try await Task.sleep(for: .milliseconds(10)) }
                if asks, model != nil {
                    for _ in 0..<200 where service.statistics.captions == 0 { try await Task.sleep(for: .milliseconds(10)) }
                }
                group.cancelAll()
            }
            let event = try #require(try await events.events(EventQuery()).first)
            #expect(event.end != nil)
            #expect(event.caption == (asks ? model : nil), "asks \(asks), model \(model ?? "none")")
            #expect(asked.withLock { $0 } == (asks ? 1 : 0))
        }
    }
}

@Suite("Motion clips")
struct MotionClipTests {
    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("camhub-clips-\(UUID().uuidString)")
    }

    @Test func aClipHoldsThePreCaptureTheEventAndThePostCaptureAsTheFramesArrived() async throws {
        let directory = Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let frames = FrameHub()
        let events = MemoryEventRepository()
        let clips = ClipRecorder(store: ClipStore(directory: directory), logger: Logger(label: "test"))
        let service = MotionService(frames: frames, events: events, blobs: MemoryBlobRepository(), clips: clips, logger: Logger(label: "test")) { (5, []) }
        var settings = MotionServiceTests.settings()
        (settings.preCapture, settings.postCapture) = (0.35, 0.35)
        var published: [Int64: [UInt8]] = [:]
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await clips.run() }
            let still = try MotionServiceTests.jpeg()
            for step in 0...25 {
                let seconds = Double(step) / 10
                let box: (Int, Int)? = (10...12).contains(step) ? (90 + (step - 10) * 10, 40) : nil
                let jpeg = try box.map { try MotionServiceTests.jpeg(box: $0) } ?? still
                let frame = frames.feed(for: "yard").publish(
                    jpeg: jpeg, width: 160, height: 120, at: FrameTimestamp(microseconds: Int64((MotionServiceTests.epoch + seconds) * 1_000_000))
                )
                published[frame.timestamp.microseconds] = jpeg
                await service.tick([MotionService.Target(cameraID: "yard", settings: settings)])
            }
            clips.finish()
            try await group.waitForAll()
        }
        let event = try #require(await events.events(EventQuery()).first)
        #expect(event.end == Date(timeIntervalSince1970: MotionServiceTests.epoch + 1.2))
        let name = try #require(event.clip)
        let clip = try #require(ClipStore(directory: directory).frames(of: name))
        let seconds = clip.map { (Double($0.timestamp.microseconds) / 1_000_000 - MotionServiceTests.epoch) * 10 }.map { Int($0.rounded()) }
        // 0.35 s before the start at 1.0 to 0.35 s after the end at 1.2; the frame at 1.6 that showed
        // the gap was over had been written before the end was known.
        #expect(seconds == Array(7...16))
        #expect(clip.allSatisfy { published[$0.timestamp.microseconds] == $0.jpeg }, "the camera's own bytes")
        #expect(clips.statistics.framesWritten == 10 && clips.statistics.clipsStarted == 1 && clips.statistics.writeFailures == 0)
    }

    @Test func aClipCutShortReadsUpToItsLastWholeFrame() throws {
        let frames = (1...3).map { ClipFile.Frame(timestamp: FrameTimestamp(microseconds: Int64($0) * 1000), jpeg: Array(repeating: UInt8($0), count: 100 * $0)) }
        let bytes = ClipFile.magic + frames.flatMap(ClipFile.encode)
        #expect(ClipFile.decode(Data(bytes)) == frames)
        #expect(ClipFile.decode(Data(bytes.dropLast(1))) == Array(frames.prefix(2)))
        #expect(ClipFile.decode(Data(ClipFile.magic + [0, 1])) == [])
        #expect(ClipFile.decode(Data("not a clip".utf8)) == nil)
    }
}

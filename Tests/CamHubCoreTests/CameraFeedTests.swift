import CamHubCore
import Synchronization
import Testing

@Suite("Camera feed: newest frame, ring, fan-out and skipping")
struct CameraFeedTests {
    func jpeg(_ marker: UInt8, size: Int = 64) -> [UInt8] {
        [0xFF, 0xD8] + Array(repeating: marker, count: size) + [0xFF, 0xD9]
    }

    @Test func keepsTheNewestFrameAndABoundedRing() {
        let feed = CameraFeed(cameraID: "cam", ringCapacity: 4)
        #expect(feed.newest == nil)
        for index in 1...10 {
            feed.publish(jpeg: jpeg(UInt8(index)), width: 640, height: 480)
        }
        #expect(feed.newest?.sequence == 10)
        #expect(feed.newest?.jpeg == jpeg(10))
        #expect(feed.recentFrames.map(\.sequence) == [7, 8, 9, 10])
        let stats = feed.statistics()
        #expect(stats.framesIn == 10)
        #expect(stats.bytesIn == UInt64(10 * jpeg(0).count))
    }

    @Test func everyViewerGetsTheSameFrameInstance() async {
        let feed = CameraFeed(cameraID: "cam")
        let published = feed.publish(jpeg: jpeg(1), width: 2, height: 2)
        let first = await feed.withViewer { await $0.next() }
        let second = await feed.withViewer { await $0.next() }
        #expect(first === published)
        #expect(second === published)
    }

    @Test func aWaitingViewerIsWokenByTheNextPublish() async throws {
        let feed = CameraFeed(cameraID: "cam")
        feed.publish(jpeg: jpeg(1), width: 2, height: 2)
        let sequences = try await feed.withViewer { viewer in
            let first = await viewer.next()
            async let second = viewer.next()
            try await waitUntil { feed.statistics().viewers == 1 && feed.newest?.sequence == 1 }
            try await Task.sleep(for: .milliseconds(20))
            feed.publish(jpeg: jpeg(2), width: 2, height: 2)
            return [first?.sequence, await second?.sequence]
        }
        #expect(sequences == [1, 2])
    }

    @Test func aSlowViewerSkipsToTheNewestFrameAndCountsWhatItMissed() async {
        let feed = CameraFeed(cameraID: "cam")
        await feed.withViewer { viewer in
            feed.publish(jpeg: jpeg(1), width: 2, height: 2)
            #expect(await viewer.next()?.sequence == 1)
            for index in 2...6 { feed.publish(jpeg: jpeg(UInt8(index)), width: 2, height: 2) }
            #expect(await viewer.next()?.sequence == 6)
            let mine = feed.statistics().viewerStatistics.first { $0.id == viewer.id }
            #expect(mine?.delivered == 2)
            #expect(mine?.skipped == 4)
        }
        let totals = feed.statistics()
        #expect(totals.viewers == 0)
        #expect(totals.framesDelivered == 2)
        #expect(totals.framesSkipped == 4)
    }

    /// A viewer that never asks again must not hold frames back or make the feed keep more of them.
    @Test func aStalledViewerNeitherBlocksThePublisherNorGrowsTheFeed() async {
        let feed = CameraFeed(cameraID: "cam", ringCapacity: 3)
        await feed.withViewer { stalled in
            feed.publish(jpeg: jpeg(0), width: 2, height: 2)
            _ = await stalled.next()
            await feed.withViewer { live in
                for index in 1...1000 {
                    feed.publish(jpeg: jpeg(UInt8(truncatingIfNeeded: index)), width: 2, height: 2)
                    #expect(await live.next()?.sequence == UInt64(index + 1))
                }
            }
            #expect(feed.recentFrames.count == 3)
            // Counted while it is still stuck, before it asks again.
            #expect(feed.statistics().viewerStatistics.first?.skipped == 999)
            #expect(await stalled.next()?.sequence == 1001)
            #expect(feed.statistics().viewerStatistics.first?.skipped == 999)
        }
    }

    @Test func closingTheFeedEndsWaitingViewersAfterTheirLastUnseenFrame() async {
        let feed = CameraFeed(cameraID: "cam")
        feed.publish(jpeg: jpeg(1), width: 2, height: 2)
        feed.close()
        let frames = await feed.withViewer { viewer in
            var sequences: [UInt64] = []
            while let frame = await viewer.next() { sequences.append(frame.sequence) }
            return sequences
        }
        #expect(frames == [1])
    }

    @Test func closingOneViewerEndsOnlyThatViewer() async throws {
        let feed = CameraFeed(cameraID: "cam")
        try await feed.withViewer { first in
            try await feed.withViewer { second in
                async let ended = first.next()
                try await waitUntil { feed.statistics().viewers == 2 }
                try await Task.sleep(for: .milliseconds(20))
                first.close()
                #expect(await ended == nil)
                feed.publish(jpeg: jpeg(1), width: 2, height: 2)
                #expect(await second.next()?.sequence == 1)
                #expect(await first.next() == nil)
            }
        }
    }

    @Test func cancellingAWaitingViewerReturnsNil() async throws {
        let feed = CameraFeed(cameraID: "cam")
        let task = Task { await feed.withViewer { await $0.next() } }
        try await waitUntil { feed.statistics().viewers == 1 }
        task.cancel()
        #expect(await task.value == nil)
        #expect(feed.statistics().viewers == 0)
    }

    @Test func derivedValuesAreComputedOnceAndSharedByEveryCaller() async {
        enum Doubled: FrameDerivation { typealias Value = [UInt8] }
        enum Counted: FrameDerivation { typealias Value = Int }
        let feed = CameraFeed(cameraID: "cam")
        let frame = feed.publish(jpeg: [1, 2, 3], width: 1, height: 1)
        let calls = Counter()
        for _ in 0..<5 {
            #expect(frame.derived(Doubled.self) { calls.increment(); return $0.jpeg + $0.jpeg } == [1, 2, 3, 1, 2, 3])
        }
        #expect(calls.value == 1)
        // Racing callers may each compute, but all of them get the one value stored first.
        let seen = await withTaskGroup(of: Int.self) { group in
            for index in 0..<20 {
                group.addTask { frame.derived(Counted.self) { _ in index } }
            }
            return await group.reduce(into: Set<Int>()) { $0.insert($1) }
        }
        #expect(seen.count == 1)
    }

    @Test func framesPerSecondFollowsThePublishTimes() {
        let feed = CameraFeed(cameraID: "cam")
        let start: Int64 = 1_000_000_000_000
        for index in 0..<31 {
            feed.publish(jpeg: jpeg(0), width: 1, height: 1, at: FrameTimestamp(microseconds: start + Int64(index) * 33_333))
        }
        let fps = feed.statistics(now: FrameTimestamp(microseconds: start + 1_000_000)).framesPerSecond
        #expect(abs(fps - 30) < 0.1)
        #expect(feed.statistics(now: FrameTimestamp(microseconds: start + 10_000_000)).framesPerSecond == 0)
    }

    @Test func timestampHeaderHasMicrosecondPrecision() {
        #expect(FrameTimestamp(microseconds: 1_700_000_000_000_042).headerValue == "1700000000.000042")
        #expect(FrameTimestamp(microseconds: 1_700_000_000_123_456).headerValue == "1700000000.123456")
    }
}

@Suite("Frame hub")
struct FrameHubTests {
    @Test func feedsAreCreatedOncePerCameraAndRemovable() async {
        let hub = FrameHub(ringCapacity: 2)
        let feed = hub.feed(for: "a")
        #expect(hub.feed(for: "a") === feed)
        #expect(hub.existingFeed(for: "b") == nil)
        _ = hub.feed(for: "b")
        #expect(hub.cameraIDs == ["a", "b"])
        feed.publish(jpeg: [0xFF, 0xD8, 0xFF, 0xD9], width: 1, height: 1)
        hub.removeFeed(for: "a")
        #expect(hub.existingFeed(for: "a") == nil)
        #expect(await feed.withViewer(startingAfter: 1) { await $0.next() } == nil)
        #expect(hub.statistics().map(\.cameraID) == ["b"])
    }
}

@Suite("Frame sinks")
struct FrameSinkTests {
    final class RecordingSink: FrameSink {
        let arrived = Mutex<[UInt64]>([])
        let closed = Mutex(false)
        let progress = Mutex(ViewerProgress())

        func frameDidArrive(_ frame: Frame) {
            arrived.withLock { $0.append(frame.sequence) }
            if frame.sequence % 2 == 1 { progress.withLock { $0.deliver(frame.sequence) } }  // a viewer that takes every other frame
        }

        func feedDidClose() { closed.withLock { $0 = true } }

        func sinkStatistics(newestSequence: UInt64?) -> SinkStatistics {
            SinkStatistics(
                viewers: [progress.withLock { $0.statistics(id: 1, newestSequence: newestSequence) }],
                retiredDelivered: 0, retiredSkipped: 0
            )
        }
    }

    @Test func sinksHearEveryFrameAndTheClose() {
        let feed = CameraFeed(cameraID: "cam")
        let sink = RecordingSink()
        feed.addSink(sink)
        for _ in 0..<5 { feed.publish(jpeg: [0xFF, 0xD8, 0xFF, 0xD9], width: 1, height: 1) }
        #expect(sink.arrived.withLock { $0 } == [1, 2, 3, 4, 5])
        let stats = feed.statistics()
        #expect(stats.viewers == 1)
        #expect(stats.framesDelivered == 3)
        #expect(stats.framesSkipped == 2)
        feed.close()
        #expect(sink.closed.withLock { $0 })
    }

    @Test func removingASinkKeepsItsCountsInTheTotals() {
        let feed = CameraFeed(cameraID: "cam")
        let sink = RecordingSink()
        feed.addSink(sink)
        for _ in 0..<3 { feed.publish(jpeg: [0xFF, 0xD8, 0xFF, 0xD9], width: 1, height: 1) }
        feed.removeSink(sink)
        feed.publish(jpeg: [0xFF, 0xD8, 0xFF, 0xD9], width: 1, height: 1)
        #expect(sink.arrived.withLock { $0 } == [1, 2, 3])
        let stats = feed.statistics()
        #expect(stats.viewers == 0)
        #expect(stats.framesDelivered == 2)
        #expect(stats.framesSkipped == 1)
    }
}

@Suite("Frame derivations")
struct FrameDerivationTests {
    /// An optional value must be computed on first use, not read as a cached nil.
    @Test func optionalValuesAreComputedAndCachedPerKey() {
        let frame = Frame(cameraID: "c", sequence: 1, jpeg: [1, 2, 3], width: 1, height: 1, timestamp: .now())
        let calls = Counter()
        let first: [UInt8]? = frame.derived("double") { calls.increment(); return $0.jpeg + $0.jpeg }
        let again: [UInt8]? = frame.derived("double") { _ in calls.increment(); return nil }
        let other: [UInt8]? = frame.derived("none") { _ in calls.increment(); return nil }
        #expect(first == [1, 2, 3, 1, 2, 3])
        #expect(again == first)
        #expect(other == nil)
        #expect(calls.value == 2)
    }
}

@Suite("Feed demand: who watches")
struct FeedDemandTests {
    @Test func demandCountsPullViewersAndRetainedWatchers() async throws {
        let feed = CameraFeed(cameraID: "c")
        #expect(feed.demand == 0)
        await feed.waitUntilUnwatched()  // nobody watches: returns at once
        let woken = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await feed.waitUntilWatched()
                woken.increment()
            }
            try await Task.sleep(for: .milliseconds(50))
            #expect(woken.value == 0)
            await feed.withViewer { _ in
                #expect(feed.demand == 1)
                try? await waitUntil { woken.value == 1 }
            }
            #expect(woken.value == 1)
            #expect(feed.demand == 0)
            try await group.waitForAll()
        }
        feed.retainDemand()
        feed.retainDemand()
        feed.releaseDemand()
        #expect(feed.demand == 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await feed.waitUntilUnwatched()
                woken.increment()
            }
            try await Task.sleep(for: .milliseconds(50))
            #expect(woken.value == 1)
            feed.releaseDemand()
            try await group.waitForAll()
        }
        #expect(woken.value == 2)
        #expect(feed.demand == 0)
    }

    @Test func aCancelledDemandWaitReturns() async {
        let feed = CameraFeed(cameraID: "c")
        let waiting = Task { await feed.waitUntilWatched() }
        waiting.cancel()
        await waiting.value
        #expect(feed.demand == 0)
    }

    @Test func discardedFramesAreNotHandedOutButSequencesGoOn() {
        let feed = CameraFeed(cameraID: "c")
        feed.publish(jpeg: [0xFF, 0xD8, 1, 0xFF, 0xD9], width: 2, height: 2)
        feed.discardFrames()
        #expect(feed.newest == nil)
        #expect(feed.recentFrames.isEmpty)
        #expect(feed.publish(jpeg: [0xFF, 0xD8, 2, 0xFF, 0xD9], width: 2, height: 2).sequence == 2)
    }
}

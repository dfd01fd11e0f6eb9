/// Frames per second over a short sliding window of publish times.
///
/// It keeps a fixed number of timestamps, so its memory never grows with the frame rate.
struct RateMeter: Sendable {
    private var stamps: [Int64]
    private var next = 0
    private var filled = 0
    private let windowMicroseconds: Int64

    init(capacity: Int = 64, windowSeconds: Double = 2) {
        stamps = Array(repeating: 0, count: capacity)
        windowMicroseconds = Int64(windowSeconds * 1_000_000)
    }

    mutating func record(_ time: FrameTimestamp) {
        stamps[next] = time.microseconds
        next = (next + 1) % stamps.count
        filled = min(filled + 1, stamps.count)
    }

    /// The rate over the window ending at `now`; zero when fewer than two frames fall in it.
    func rate(now: FrameTimestamp) -> Double {
        let cutoff = now.microseconds - windowMicroseconds
        var count = 0
        var oldest = Int64.max
        var newest = Int64.min
        for index in 0..<filled where stamps[index] >= cutoff {
            count += 1
            oldest = min(oldest, stamps[index])
            newest = max(newest, stamps[index])
        }
        guard count >= 2, newest > oldest else { return 0 }
        return Double(count - 1) * 1_000_000 / Double(newest - oldest)
    }
}

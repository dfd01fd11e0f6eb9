/// A fixed-capacity ring of the most recent frames of one camera.
struct FrameRing: Sendable {
    private var storage: [Frame?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        precondition(capacity >= 1, "a frame ring holds at least one frame")
        storage = Array(repeating: nil, count: capacity)
    }

    var capacity: Int { storage.count }

    mutating func append(_ frame: Frame) {
        storage[head] = frame
        head = (head + 1) % storage.count
        count = min(count + 1, storage.count)
    }

    mutating func removeAll() {
        storage = Array(repeating: nil, count: storage.count)
        count = 0
    }

    var newest: Frame? {
        count == 0 ? nil : storage[(head - 1 + storage.count) % storage.count]
    }

    /// Oldest first.
    var frames: [Frame] {
        (0..<count).compactMap { storage[(head - count + $0 + storage.count) % storage.count] }
    }
}

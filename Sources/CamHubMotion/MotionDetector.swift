public import CamHubCore

/// Finds motion in a camera's small luminance frames, one after another.
///
/// A running-average background (each frame weighs `frame_alpha`), a per-pixel `threshold`, a
/// 3x3 dilation so a moving object's broken outline makes one region, then connected regions
/// (8 neighbours); a region counts when its area is at least `min_area` of the picture. Masked
/// pixels never count. When more than `lightning_threshold` of the picture changes at once (lights,
/// auto exposure, lightning), the background is reset to the new frame and no motion is reported.
/// Boxes and areas are fractions of the picture, so they fit the camera's own size.
///
/// A detector is one camera's and is used by one task at a time. It costs well under a millisecond
/// for an 80x60 plane (a 640x480 frame decoded at 1/8).
public struct MotionDetector: Sendable {
    public var settings: MotionSettings {
        didSet { if settings.masks != oldValue.masks || settings.zones != oldValue.zones { layout = nil } }
    }

    private var background: [Float] = []
    private var layout: Layout?

    /// The masks and zones drawn at the plane's size, made once per size.
    private struct Layout: Sendable {
        let width: Int
        let height: Int
        let counted: [Bool]
        let countedPixels: Int
        let zones: [(name: String, covered: [Bool])]
    }

    public init(settings: MotionSettings) {
        self.settings = settings
    }

    /// The motion in `plane` against the frames before it; the first frame (or one of a new size)
    /// only starts the background.
    public mutating func analyse(_ plane: LumaPlane) -> MotionResult {
        let layout = layoutFor(plane)
        guard background.count == plane.pixels.count else {
            background = plane.pixels.map(Float.init)
            return MotionResult()
        }
        let threshold = Float(settings.threshold)
        var changed = [Bool](repeating: false, count: plane.pixels.count)
        var changedCount = 0
        plane.pixels.withUnsafeBufferPointer { pixels in
            background.withUnsafeBufferPointer { background in
                for index in 0..<pixels.count where layout.counted[index] && abs(Float(pixels[index]) - background[index]) > threshold {
                    changed[index] = true
                    changedCount += 1
                }
            }
        }
        if Double(changedCount) > settings.lightningThreshold * Double(layout.countedPixels) {
            background = plane.pixels.map(Float.init)
            return MotionResult(backgroundReset: true)
        }
        let grown = Self.dilated(changed, width: plane.width, height: plane.height, counted: layout.counted)
        let result = regions(grown, layout: layout)
        learn(plane)
        return result
    }

    /// Moves the background toward the frame by `frame_alpha`.
    private mutating func learn(_ plane: LumaPlane) {
        let alpha = Float(settings.frameAlpha)
        plane.pixels.withUnsafeBufferPointer { pixels in
            background.withUnsafeMutableBufferPointer { background in
                for index in 0..<pixels.count {
                    background[index] += alpha * (Float(pixels[index]) - background[index])
                }
            }
        }
    }

    private mutating func layoutFor(_ plane: LumaPlane) -> Layout {
        if let layout, layout.width == plane.width, layout.height == plane.height { return layout }
        var counted = [Bool](repeating: true, count: plane.width * plane.height)
        for mask in settings.masks {
            for (index, covered) in mask.raster(width: plane.width, height: plane.height).enumerated() where covered {
                counted[index] = false
            }
        }
        let made = Layout(
            width: plane.width, height: plane.height, counted: counted, countedPixels: max(1, counted.count(where: { $0 })),
            zones: settings.zones.map { ($0.name, $0.polygon.raster(width: plane.width, height: plane.height)) }
        )
        layout = made
        if background.count != plane.pixels.count { background = [] }
        return made
    }

    /// Each changed pixel grows to its 8 neighbours (not into masked ones).
    static func dilated(_ changed: [Bool], width: Int, height: Int, counted: [Bool]) -> [Bool] {
        var grown = changed
        for y in 0..<height {
            for x in 0..<width where changed[y * width + x] {
                for ny in max(0, y - 1)...min(height - 1, y + 1) {
                    for nx in max(0, x - 1)...min(width - 1, x + 1) where counted[ny * width + nx] {
                        grown[ny * width + nx] = true
                    }
                }
            }
        }
        return grown
    }

    /// The connected regions of `grown` that are large enough (and touch a zone, when required).
    private func regions(_ grown: [Bool], layout: Layout) -> MotionResult {
        let width = layout.width, height = layout.height
        let total = Double(width * height)
        var seen = [Bool](repeating: false, count: grown.count)
        var stack: [Int] = []
        var result = MotionResult()
        var zonesTouched = Set<String>()
        for start in 0..<grown.count where grown[start] && !seen[start] {
            var minX = width, minY = height, maxX = 0, maxY = 0, pixels = 0
            var touched = Set<String>()
            seen[start] = true
            stack.append(start)
            while let index = stack.popLast() {
                let x = index % width, y = index / width
                pixels += 1
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
                for zone in layout.zones where zone.covered[index] { touched.insert(zone.name) }
                for ny in max(0, y - 1)...min(height - 1, y + 1) {
                    for nx in max(0, x - 1)...min(width - 1, x + 1) {
                        let neighbour = ny * width + nx
                        if grown[neighbour] && !seen[neighbour] {
                            seen[neighbour] = true
                            stack.append(neighbour)
                        }
                    }
                }
            }
            let area = Double(pixels) / total
            guard area >= settings.minArea, !settings.requireZone || !touched.isEmpty else { continue }
            result.boxes.append(
                MotionBox(
                    x: Double(minX) / Double(width), y: Double(minY) / Double(height),
                    width: Double(maxX - minX + 1) / Double(width), height: Double(maxY - minY + 1) / Double(height), area: area
                )
            )
            result.area += area
            zonesTouched.formUnion(touched)
        }
        result.zones = zonesTouched.sorted()
        result.boxes.sort { $0.area > $1.area }
        return result
    }
}

/// What one analysed frame showed.
public struct MotionResult: Sendable, Equatable {
    /// The regions that count, largest first.
    public var boxes: [MotionBox] = []
    /// Their area together, as a fraction of the picture.
    public var area: Double = 0
    /// The zones they touched, by name.
    public var zones: [String] = []
    /// The picture changed nearly everywhere at once: the background was reset, no motion reported.
    public var backgroundReset = false

    public init(boxes: [MotionBox] = [], area: Double = 0, zones: [String] = [], backgroundReset: Bool = false) {
        self.boxes = boxes
        self.area = area
        self.zones = zones
        self.backgroundReset = backgroundReset
    }

    public var hasMotion: Bool { !boxes.isEmpty }
}

/// A region of motion, in fractions of the picture (multiply by the camera's size for pixels).
public struct MotionBox: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    /// The region's own area (its pixels, not its box), as a fraction of the picture.
    public var area: Double

    public init(x: Double, y: Double, width: Double, height: Double, area: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.area = area
    }
}

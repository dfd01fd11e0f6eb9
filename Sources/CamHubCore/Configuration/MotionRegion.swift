/// A polygon in normalized coordinates (0...1 from the picture's left and top edges), the shape
/// of a zone or a mask drawn on a camera's picture.
public struct MotionPolygon: Sendable, Equatable {
    public var points: [Point]

    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double

        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    public init(_ points: [Point]) {
        self.points = points
    }

    public init(_ pairs: [(Double, Double)]) {
        self.points = pairs.map { Point(x: $0.0, y: $0.1) }
    }

    /// Whether the point (normalized) is inside, by the even-odd rule.
    public func contains(x: Double, y: Double) -> Bool {
        var inside = false
        var previous = points[points.count - 1]
        for point in points {
            if (point.y > y) != (previous.y > y),
                x < (previous.x - point.x) * (y - point.y) / (previous.y - point.y) + point.x
            {
                inside.toggle()
            }
            previous = point
        }
        return inside
    }

    /// Which pixels of a `width` x `height` plane it covers (by each pixel's centre).
    public func raster(width: Int, height: Int) -> [Bool] {
        var covered = [Bool](repeating: false, count: width * height)
        for y in 0..<height {
            let centreY = (Double(y) + 0.5) / Double(height)
            for x in 0..<width where contains(x: (Double(x) + 0.5) / Double(width), y: centreY) {
                covered[y * width + x] = true
            }
        }
        return covered
    }
}

/// A named area of a camera's picture: an event names the zones its motion touched.
public struct MotionZone: Sendable, Equatable {
    public var name: String
    public var polygon: MotionPolygon

    public init(name: String, polygon: MotionPolygon) {
        self.name = name
        self.polygon = polygon
    }
}

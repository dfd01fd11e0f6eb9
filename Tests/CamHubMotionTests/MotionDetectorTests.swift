import CamHubCore
import CamHubMotion
import Testing

/// Synthetic 80x60 planes (a 640x480 frame at 1/8): a grey scene, a bright box moving over it.
@Suite("Motion detector")
struct MotionDetectorTests {
    static let width = 80, height = 60

    static func scene(shade: UInt8 = 90, box: (x: Int, y: Int, size: Int)? = nil, noise: Int = 0, seed: inout UInt64) -> LumaPlane {
        var plane = LumaPlane(width: width, height: height, shade: shade)
        if noise > 0 {
            for index in plane.pixels.indices {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                let delta = Int(seed >> 33) % (2 * noise + 1) - noise
                plane.pixels[index] = UInt8(clamping: Int(shade) + delta)
            }
        }
        if let box {
            for y in box.y..<(box.y + box.size) {
                for x in box.x..<(box.x + box.size) { plane[x, y] = 230 }
            }
        }
        return plane
    }

    static func scene(shade: UInt8 = 90, box: (x: Int, y: Int, size: Int)? = nil) -> LumaPlane {
        var seed: UInt64 = 1
        return scene(shade: shade, box: box, seed: &seed)
    }

    @Test func aMovingBoxIsFoundWhereItIs() {
        var detector = MotionDetector(settings: MotionSettings())
        #expect(detector.analyse(Self.scene()) == MotionResult(), "the first frame only starts the background")
        #expect(!detector.analyse(Self.scene()).hasMotion)
        let result = detector.analyse(Self.scene(box: (x: 40, y: 20, size: 10)))
        #expect(result.boxes.count == 1)
        let box = try! #require(result.boxes.first)
        // The box grows by the one-pixel dilation on each side: 12x12 pixels at (39, 19).
        #expect(abs(box.x - 39.0 / 80) < 1e-9 && abs(box.y - 19.0 / 60) < 1e-9)
        #expect(abs(box.width - 12.0 / 80) < 1e-9 && abs(box.height - 12.0 / 60) < 1e-9)
        #expect(abs(result.area - 144.0 / 4800) < 1e-9)
        #expect(!result.backgroundReset)
    }

    @Test func sensorNoiseAloneIsNotMotion() {
        var detector = MotionDetector(settings: MotionSettings())
        var seed: UInt64 = 42
        for _ in 0..<30 {
            #expect(!detector.analyse(Self.scene(noise: 12, seed: &seed)).hasMotion)
        }
    }

    @Test func aRegionUnderMinAreaDoesNotCount() {
        var settings = MotionSettings()
        settings.minArea = 0.05  // 240 pixels of 4,800
        var detector = MotionDetector(settings: settings)
        _ = detector.analyse(Self.scene())
        #expect(!detector.analyse(Self.scene(box: (x: 10, y: 10, size: 8))).hasMotion)
        #expect(detector.analyse(Self.scene(box: (x: 10, y: 10, size: 20))).hasMotion)
    }

    @Test func theLightsGoingOnResetTheBackgroundInsteadOfRaisingMotion() {
        var detector = MotionDetector(settings: MotionSettings())
        _ = detector.analyse(Self.scene(shade: 60))
        let switched = detector.analyse(Self.scene(shade: 160))
        #expect(switched.backgroundReset && !switched.hasMotion)
        // The new brightness is the background now: the next frames are still.
        #expect(!detector.analyse(Self.scene(shade: 160)).hasMotion)
        #expect(detector.analyse(Self.scene(shade: 160, box: (x: 5, y: 5, size: 10))).hasMotion)
    }

    @Test func theBackgroundLearnsAThingThatStays() {
        var settings = MotionSettings()
        settings.frameAlpha = 0.3
        var detector = MotionDetector(settings: settings)
        _ = detector.analyse(Self.scene())
        let parked = Self.scene(box: (x: 30, y: 30, size: 10))
        #expect(detector.analyse(parked).hasMotion)
        for _ in 0..<20 { _ = detector.analyse(parked) }
        #expect(!detector.analyse(parked).hasMotion, "a parked car becomes background")
    }

    @Test func aMaskHidesMotionInItsArea() {
        var settings = MotionSettings()
        settings.masks = [MotionPolygon([(0, 0), (0.5, 0), (0.5, 1), (0, 1)])]  // the left half
        var detector = MotionDetector(settings: settings)
        _ = detector.analyse(Self.scene())
        #expect(!detector.analyse(Self.scene(box: (x: 10, y: 20, size: 10))).hasMotion)
        let right = detector.analyse(Self.scene(box: (x: 60, y: 20, size: 10)))
        #expect(right.boxes.count == 1 && right.boxes[0].x >= 0.5)
        // Motion across the mask's edge counts only on the open side.
        let across = detector.analyse(Self.scene(box: (x: 35, y: 40, size: 10)))
        #expect(across.boxes.count == 1 && across.boxes[0].x >= 0.5 && across.boxes[0].width <= 6.0 / 80)
    }

    @Test func zonesAreNamedAndCanBeRequired() {
        var settings = MotionSettings()
        settings.zones = [
            MotionZone(name: "driveway", polygon: MotionPolygon([(0, 0.5), (0.5, 0.5), (0.5, 1), (0, 1)])),
            MotionZone(name: "door", polygon: MotionPolygon([(0.75, 0), (1, 0), (1, 0.25), (0.75, 0.25)])),
        ]
        var detector = MotionDetector(settings: settings)
        _ = detector.analyse(Self.scene())
        #expect(detector.analyse(Self.scene(box: (x: 10, y: 40, size: 10))).zones == ["driveway"])
        #expect(detector.analyse(Self.scene(box: (x: 40, y: 5, size: 10))).zones == [])
        settings.requireZone = true
        detector.settings = settings
        #expect(!detector.analyse(Self.scene(box: (x: 40, y: 5, size: 10))).hasMotion)
        #expect(detector.analyse(Self.scene(box: (x: 68, y: 2, size: 10))).zones == ["door"])
    }

    @Test func badSettingsNameTheirKey() {
        var settings = MotionSettings()
        #expect(settings.problem(key: "motion") == nil)
        settings.threshold = 0
        #expect(settings.problem(key: "cameras[0].motion")?.key == "cameras[0].motion.threshold")
        settings = MotionSettings()
        settings.zones = [MotionZone(name: "a", polygon: MotionPolygon([(0, 0), (2, 0), (1, 1)]))]
        #expect(settings.problem(key: "motion")?.key == "motion.zones[0].polygon")
        settings.zones = [MotionZone(name: "a", polygon: MotionPolygon([(0, 0), (1, 0), (1, 1)]))]
        settings.requireZone = true
        #expect(settings.problem(key: "motion") == nil)
        settings.zones = []
        #expect(settings.problem(key: "motion")?.key == "motion.require_zone")
    }

    @Test func polygonsContainTheirInsideOnly() {
        let triangle = MotionPolygon([(0, 0), (1, 0), (0, 1)])
        #expect(triangle.contains(x: 0.2, y: 0.2))
        #expect(!triangle.contains(x: 0.8, y: 0.8))
        let square = MotionPolygon([(0.2, 0.2), (0.6, 0.2), (0.6, 0.6), (0.2, 0.6)])
        let covered = square.raster(width: 10, height: 10)
        #expect(covered.count(where: { $0 }) == 16)
        #expect(covered[2 * 10 + 2] && covered[5 * 10 + 5] && !covered[6 * 10 + 6] && !covered[1 * 10 + 2])
    }
}

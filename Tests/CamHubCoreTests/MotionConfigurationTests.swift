import CamHubCore
import Foundation
import Testing

@Suite("Configuration: motion")
struct MotionConfigurationTests {
    static func decode(_ json: String) throws -> HubConfiguration {
        try ConfigurationLoader.decode(Data(json.utf8))
    }

    static func problem(_ json: String) -> ConfigurationError? {
        do {
            try decode(json).validate()
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            Issue.record("not a configuration error: \(error)")
            return nil
        }
    }

    @Test func aCameraTakesTheDefaultsAndChangesWhatItNames() throws {
        let configuration = try Self.decode("""
            {"motion": {"fps": 8, "threshold": 30, "min_frames": 3},
             "cameras": [
               {"id": "yard", "name": "Yard", "motion": {"enabled": true, "min_area": 0.01,
                 "zones": [{"name": "gate", "polygon": [[0, 0.5], [0.5, 0.5], [0.5, 1]]}], "masks": [[[0.9, 0], [1, 0], [1, 0.1]]]}},
               {"id": "hall", "name": "Hall"}
             ]}
            """)
        try configuration.validate()
        #expect(configuration.motion.fps == 8)
        let yard = configuration.motionSettings(of: configuration.cameras[0])
        #expect(yard.enabled && yard.threshold == 30 && yard.minFrames == 3 && yard.minArea == 0.01)
        #expect(yard.zones == [MotionZone(name: "gate", polygon: MotionPolygon([(0, 0.5), (0.5, 0.5), (0.5, 1)]))])
        #expect(yard.masks.count == 1)
        let hall = configuration.motionSettings(of: configuration.cameras[1])
        #expect(!hall.enabled && hall.threshold == 30)
        // Written back as it was given: the camera keeps only what it named.
        let text = String(decoding: try ConfigurationLoader.encode(configuration), as: UTF8.self)
        #expect(try Self.decode(text) == configuration)
    }

    @Test func theFirstRunFileHasTheMotionDefaults() throws {
        let text = String(decoding: try ConfigurationLoader.encode(HubConfiguration()), as: UTF8.self)
        for key in ["\"motion\"", "\"fps\" : 5", "\"frame_alpha\"", "\"lightning_threshold\"", "\"event_gap\""] {
            #expect(text.contains(key), "missing \(key)")
        }
        #expect(try Self.decode(text) == HubConfiguration())
    }

    @Test func badMotionValuesNameTheirKey() {
        #expect(Self.problem(#"{"motion": {"fps": 0}}"#)?.key == "motion.fps")
        #expect(Self.problem(#"{"motion": {"treshold": 5}}"#)?.key == "motion.treshold")
        #expect(Self.problem(#"{"motion": {"threshold": "high"}}"#)?.key == "motion.threshold")
        #expect(Self.problem(#"{"cameras": [{"id": "a", "motion": {"frame_alpha": 2}}]}"#)?.key == "cameras[0].motion.frame_alpha")
        #expect(Self.problem(#"{"cameras": [{"id": "a", "motion": {"zones": [{"name": "z", "polygon": [[0, 0], [1, 1]]}]}}]}"#)?.key
            == "cameras[0].motion.zones[0].polygon")
        #expect(Self.problem(#"{"cameras": [{"id": "a", "motion": {"masks": [[[0, 0], [1], [1, 1]]]}}]}"#)?.key == "cameras[0].motion.masks[0]")
        #expect(Self.problem(#"{"cameras": [{"id": "a", "motion": {"zones": [{"polygon": [[0, 0], [1, 0], [1, 1]]}]}}]}"#)?.key
            == "cameras[0].motion.zones[0].name")
    }
}

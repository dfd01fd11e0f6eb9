public import Foundation

/// An instruction queued for a camera (seed 000): delivered exactly once, on its next heartbeat.
public struct CameraCommand: Sendable, Equatable {
    public var id: Int64
    public var cameraID: CameraID
    public var type: CommandType
    public var value: CommandValue
    public var reason: String?
    public var state: CommandState
    public var createdAt: Date
    public var deliveredAt: Date?

    public init(
        id: Int64, cameraID: CameraID, type: CommandType, value: CommandValue, reason: String?,
        state: CommandState = .queued, createdAt: Date = Date(), deliveredAt: Date? = nil
    ) {
        self.id = id
        self.cameraID = cameraID
        self.type = type
        self.value = value
        self.reason = reason
        self.state = state
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
    }
}

public enum CommandState: String, Sendable, Codable {
    case queued
    case delivered
}

/// The command types seed 000 cameras understand.
public enum CommandType: String, Sendable, Codable, CaseIterable {
    case adjustFPS = "adjust_fps"
    case setTask = "set_task"
    case changeResolution = "change_resolution"
    case setQuestion = "set_question"
}

/// A command's value: a number, a text, or a `[width, height]` pair, written in JSON as such.
public enum CommandValue: Sendable, Equatable, Codable {
    case integer(Int)
    case text(String)
    case size(width: Int, height: Int)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int.self) {
            self = .integer(integer)
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let pair = try? container.decode([Int].self), pair.count == 2 {
            self = .size(width: pair[0], height: pair[1])
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a number, a string or [width, height]")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .integer(let integer): try container.encode(integer)
        case .text(let text): try container.encode(text)
        case .size(let width, let height): try container.encode([width, height])
        }
    }
}

/// A command as an operator or a policy asks for it, before it is queued.
public struct CommandRequest: Sendable, Equatable {
    public static let tasks = ["caption", "vqa", "motion"]

    public var type: CommandType
    public var value: CommandValue
    public var reason: String?

    public init(type: CommandType, value: CommandValue, reason: String? = nil) {
        self.type = type
        self.value = value
        self.reason = reason
    }

    /// Checks the value against its type's rules; the message says what was expected.
    public func validate() throws(CamHubError) {
        switch (type, value) {
        case (.adjustFPS, .integer(let fps)) where (1...60).contains(fps):
            break
        case (.adjustFPS, _):
            throw .invalid("adjust_fps takes an integer fps between 1 and 60")
        case (.changeResolution, .size(let width, let height)) where (16...7680).contains(width) && (16...7680).contains(height):
            break
        case (.changeResolution, _):
            throw .invalid("change_resolution takes [width, height], each between 16 and 7680")
        case (.setTask, .text(let task)) where Self.tasks.contains(task):
            break
        case (.setTask, _):
            throw .invalid("set_task takes one of \(Self.tasks.joined(separator: ", "))")
        case (.setQuestion, .text(let question)) where (1...500).contains(question.count):
            break
        case (.setQuestion, _):
            throw .invalid("set_question takes a question of 1 to 500 characters")
        }
        if let reason, reason.count > 500 {
            throw .invalid("reason must be at most 500 characters")
        }
    }
}

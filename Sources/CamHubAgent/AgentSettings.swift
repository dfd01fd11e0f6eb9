public import CamHubCore

/// What the agent captures and what it has been told to do. Commands from the hub change it.
public struct AgentSettings: Sendable, Equatable {
    public var capture: LocalCameraSettings
    public var task: String?
    public var question: String?

    public init(capture: LocalCameraSettings, task: String? = nil, question: String? = nil) {
        self.capture = capture
        self.task = task
        self.question = question
    }

    /// Applies one command as the hub's heartbeat delivered it (`type` and JSON `value`).
    /// Returns false for a command it does not understand or a value out of range.
    @discardableResult
    public mutating func apply(type: String, value: CommandValue) -> Bool {
        guard let commandType = CommandType(rawValue: type) else { return false }
        let request = CommandRequest(type: commandType, value: value)
        guard (try? request.validate()) != nil else { return false }
        switch (commandType, value) {
        case (.adjustFPS, .integer(let fps)): capture.fps = fps
        case (.changeResolution, .size(let width, let height)): (capture.width, capture.height) = (width, height)
        case (.setTask, .text(let task)): self.task = task
        case (.setQuestion, .text(let question)): self.question = question
        default: return false
        }
        return true
    }
}

/// One thing wrong with a body.
public struct FieldProblem: Sendable, Equatable {
    /// The body field, or nil for the body as a whole.
    public let field: String?
    public let message: String
    /// FastAPI's error type (`value_error.missing`, `type_error.str`, ...), which seed 000
    /// clients read.
    public let kind: String

    public init(field: String?, message: String, kind: String) {
        self.field = field
        self.message = message
        self.kind = kind
    }
}

/// A body with bad fields, every one of them named. The server answers it with 422 and FastAPI's
/// `detail` list.
public struct ValidationFailure: Error, Sendable, Equatable {
    public let problems: [FieldProblem]

    public init(_ problems: [FieldProblem]) {
        self.problems = problems
    }

    public var message: String {
        problems.map { ($0.field.map { "\($0): " } ?? "") + $0.message }.joined(separator: "; ")
    }
}

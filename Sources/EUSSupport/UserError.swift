/// An error whose message is written for the person at the terminal: one line that names the
/// file, row, column or tensor and says what is wrong. The CLI prints `error: <message>` and
/// exits non-zero.
public struct UserError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

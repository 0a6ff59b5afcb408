/// An error whose message is written for the person at the terminal: one line that names the
/// file, row, column or tensor and says what is wrong. The CLI prints `error: <message>` and
/// exits non-zero.
public struct UserError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String

    /// Control characters from the data (a case id with a newline, say) are shown escaped,
    /// so the message stays one line.
    public init(_ message: String) {
        self.message = String(message.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\n": return "\\n"
            case "\r": return "\\r"
            case "\t": return "\\t"
            default: return scalar.properties.generalCategory == .control ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
            }
        }.joined())
    }

    public var description: String { message }
}

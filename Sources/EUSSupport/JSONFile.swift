import Foundation

/// JSON as EUSReport writes it: pretty, keys sorted, so the same result gives the same bytes.
public enum JSONFile {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .throw
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    public static func write<T: Encodable>(_ value: T, to url: URL) throws {
        try AtomicOutput.write(try encode(value), to: url)
    }

    public static func read<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw UserError("\(url.path): cannot read the file (missing or unreadable)")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw UserError("\(url.path): not a valid \(type) JSON file (\(describe(error)))")
        }
    }

    /// A decoding error on one line: where in the file (`training.schedule`), then what is wrong.
    static func describe(_ error: Error) -> String {
        func at(_ context: DecodingError.Context) -> String {
            var path = ""
            for key in context.codingPath {
                if let index = key.intValue { path += "[\(index)]" } else { path += (path.isEmpty ? "" : ".") + key.stringValue }
            }
            let underlying = context.underlyingError.map { " (\($0))" } ?? ""
            return (path.isEmpty ? "" : "\(path): ") + context.debugDescription + underlying
        }
        let text: String
        switch error as? DecodingError {
        case .dataCorrupted(let context)?, .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            text = at(context)
        case .keyNotFound(let key, let context)?:
            text = at(DecodingError.Context(codingPath: context.codingPath + [key], debugDescription: "missing"))
        default:
            text = "\(error)"
        }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

extension Decoder {
    /// A single string parsed by `parse`; a string it refuses is a decoding error that names it
    /// and lists the `choices` ("unknown architecture 'resnet101' (choose resnet18, ...)").
    public func decodeChoice<T>(_ what: String, choices: String, _ parse: (String) -> T?) throws -> T {
        let container = try singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = parse(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown \(what) '\(text)' (choose \(choices))")
        }
        return value
    }
}

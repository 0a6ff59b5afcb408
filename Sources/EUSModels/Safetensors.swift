import Foundation
import EUSSupport

/// The contents of a safetensors file: tensors in file order and the header's metadata.
public struct SafetensorsFile: Sendable {
    public var tensors: [NamedTensor]
    public var metadata: [String: String]

    public init(tensors: [NamedTensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    public subscript(name: String) -> NamedTensor? { tensors.first { $0.name == name } }
}

/// Reads and writes the safetensors format (huggingface/safetensors), F32 and I64 tensors.
///
/// Layout: an 8-byte little-endian header length L, then L bytes of JSON
/// `{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
/// "__metadata__": {"key": "value"}}`, then the data section; offsets are relative to the data
/// section, values little-endian and row-major. Writers pad the JSON with spaces to a multiple
/// of 8 bytes.
public enum Safetensors {
    /// Reads a file. Errors name the file and the tensor or byte offset at fault.
    public static func read(_ url: URL) throws -> SafetensorsFile {
        try decode(contents(of: url), source: url.path)
    }

    /// The bytes of a weights file (mapped), or an error naming a folder or a special file.
    static func contents(of url: URL) throws -> Data {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            let type = (try? FileManager.default.attributesOfItem(atPath: url.path)[.type]) as? FileAttributeType
            if isDirectory.boolValue || type != .typeRegular {
                throw UserError("\(url.path): \(isDirectory.boolValue ? "a folder" : "not a regular file"), not a safetensors file (give the model.safetensors inside a run folder)")
            }
        }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw UserError("\(url.path): cannot read (\(error.localizedDescription))")
        }
        return data
    }

    /// Writes `tensors` in the given order, atomically (a temporary file renamed into place).
    public static func write(_ tensors: [NamedTensor], metadata: [String: String] = [:], to url: URL) throws {
        try AtomicOutput.write(encode(tensors, metadata: metadata), to: url)
    }

    // MARK: - Decoding

    /// Parses the bytes of a safetensors file; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws -> SafetensorsFile {
        // torch.save writes a zip archive ("PK\u{3}\u{4}"); as a safetensors header length those
        // bytes would claim a 67 MB header, which no tensor file here has.
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw UserError("\(source): a PyTorch checkpoint (torch.save), not safetensors; convert it with safetensors.torch.save_file(model.state_dict(), 'model.safetensors')")
        }
        guard data.count >= 8 else {
            throw UserError("\(source): truncated safetensors file: \(data.count) bytes, the 8-byte header length is missing")
        }
        var headerLength: UInt64 = 0
        for (index, byte) in data.prefix(8).enumerated() {
            headerLength |= UInt64(byte) << UInt64(8 * index)
        }
        guard headerLength <= UInt64(data.count - 8) else {
            throw UserError("\(source): truncated safetensors file: the header claims \(headerLength) bytes from byte offset 8, the file has \(data.count) bytes")
        }
        let dataStart = 8 + Int(headerLength)
        let headerBytes = data.subdata(in: data.startIndex + 8 ..< data.startIndex + dataStart)
        let header: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: headerBytes) as? [String: Any] else {
                throw UserError("\(source): malformed safetensors header at byte offset 8: not a JSON object")
            }
            header = object
        } catch let error as UserError {
            throw error
        } catch {
            throw UserError("\(source): malformed safetensors header at byte offset 8: invalid JSON (\((error as NSError).userInfo["NSDebugDescription"] ?? error.localizedDescription))")
        }
        let metadata = try parseMetadata(header["__metadata__"], source: source)
        var entries: [(begin: Int, end: Int, tensor: NamedTensor)] = []
        for (name, value) in header where name != "__metadata__" {
            let entry = try parseEntry(name, value, source: source)
            let available = data.count - dataStart
            guard entry.end <= available else {
                throw UserError("\(source): truncated safetensors file: tensor '\(name)' ends at byte offset \(dataStart + entry.end), the file has \(data.count) bytes")
            }
            let bytes = data.subdata(in: data.startIndex + dataStart + entry.begin ..< data.startIndex + dataStart + entry.end)
            let values: NamedTensor.Values = entry.dtype == "F32"
                ? .float32(littleEndian(bytes, as: UInt32.self).map { Float(bitPattern: $0) })
                : .int64(littleEndian(bytes, as: UInt64.self).map { Int64(bitPattern: $0) })
            entries.append((entry.begin, entry.end, NamedTensor(name: name, shape: entry.shape, values: values)))
        }
        let ordered = entries.sorted { ($0.begin, $0.tensor.name) < ($1.begin, $1.tensor.name) }
        try checkContiguous(ordered.map { ($0.tensor.name, $0.begin, $0.end) }, source: source)
        return SafetensorsFile(tensors: ordered.map(\.tensor), metadata: metadata)
    }

    /// The data section is the tensors back to back, as every writer lays it out: a tensor
    /// that starts before the previous one ends would alias its bytes, and a gap hides bytes
    /// that belong to no tensor.
    private static func checkContiguous(_ spans: [(name: String, begin: Int, end: Int)], source: String) throws {
        var previous: (name: String, end: Int) = ("the start of the data section", 0)
        for span in spans {
            if span.begin < previous.end {
                throw UserError("\(source): malformed safetensors header: tensor '\(span.name)' (data_offsets from \(span.begin)) overlaps '\(previous.name)' (to \(previous.end))")
            }
            if span.begin > previous.end {
                throw UserError("\(source): malformed safetensors header: \(span.begin - previous.end) bytes between \(previous.name == "the start of the data section" ? previous.name : "'\(previous.name)'") and tensor '\(span.name)' belong to no tensor")
            }
            previous = (span.name, span.end)
        }
    }

    private static func parseMetadata(_ value: Any?, source: String) throws -> [String: String] {
        guard let value else { return [:] }
        guard let dictionary = value as? [String: Any] else {
            throw UserError("\(source): malformed safetensors header: __metadata__ is not an object")
        }
        var metadata: [String: String] = [:]
        for (key, item) in dictionary {
            guard let text = item as? String else {
                throw UserError("\(source): malformed safetensors header: __metadata__ value '\(key)' is not a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func parseEntry(_ name: String, _ value: Any, source: String) throws
        -> (dtype: String, shape: [Int], begin: Int, end: Int)
    {
        func malformed(_ what: String) -> UserError {
            UserError("\(source): malformed safetensors header: tensor '\(name)' \(what)")
        }
        guard let fields = value as? [String: Any] else { throw malformed("is not an object") }
        guard let dtype = fields["dtype"] as? String else { throw malformed("has no dtype") }
        guard dtype == "F32" || dtype == "I64" else {
            throw UserError("\(source): tensor '\(name)' has dtype \(dtype); EUSReport reads F32 and I64 only")
        }
        guard let shape = integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
            throw malformed("has no valid shape")
        }
        guard let offsets = integers(fields["data_offsets"]), offsets.count == 2,
              offsets[0] >= 0, offsets[1] >= offsets[0] else {
            throw malformed("has no valid data_offsets")
        }
        guard let expected = CheckedSize.product(shape + [dtype == "F32" ? 4 : 8]) else {
            throw malformed("has shape \(shape), too large to address")
        }
        guard offsets[1] - offsets[0] == expected else {
            throw malformed("has \(offsets[1] - offsets[0]) bytes for shape \(shape) of \(dtype) (expected \(expected))")
        }
        return (dtype, shape, offsets[0], offsets[1])
    }

    private static func integers(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var result: [Int] = []
        for item in array {
            guard let number = item as? Int else { return nil }
            result.append(number)
        }
        return result
    }

    /// `bytes` as little-endian integers (safetensors' and torch.save's storage order).
    static func littleEndian<T: FixedWidthInteger>(_ bytes: Data, as: T.Type) -> [T] {
        let count = bytes.count / MemoryLayout<T>.size
        return [T](unsafeUninitializedCapacity: count) { buffer, initialised in
            _ = bytes.copyBytes(to: buffer)
            for i in 0..<count { buffer[i] = T(littleEndian: buffer[i]) }
            initialised = count
        }
    }

    // MARK: - Encoding

    /// The bytes of a safetensors file holding `tensors` in the given order.
    public static func encode(_ tensors: [NamedTensor], metadata: [String: String] = [:]) -> Data {
        var fields: [String] = []
        if !metadata.isEmpty {
            let items = metadata.keys.sorted().map { "\(quoted($0)):\(quoted(metadata[$0]!))" }
            fields.append("\"__metadata__\":{\(items.joined(separator: ","))}")
        }
        var offset = 0
        for tensor in tensors {
            precondition(tensor.shape.reduce(1, *) == tensor.count,
                         "Safetensors: tensor '\(tensor.name)' has \(tensor.count) values for shape \(tensor.shape)")
            let size = tensor.count * (tensor.dtype == "F32" ? 4 : 8)
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append("\(quoted(tensor.name)):{\"dtype\":\"\(tensor.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
        }
        var header = Array("{\(fields.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for tensor in tensors {
            switch tensor.values {
            case .float32(let values):
                values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { data.append(contentsOf: $0) }
            case .int64(let values):
                values.map { UInt64(bitPattern: $0).littleEndian }.withUnsafeBytes { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

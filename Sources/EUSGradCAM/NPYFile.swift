import Foundation
import EUSImage
import EUSSupport

/// An array read from a NumPy `.npy` file, as Float whatever its stored type.
public struct NPYArray: Equatable, Sendable {
    /// C order (row-major), outermost first.
    public var shape: [Int]
    public var values: [Float]
    /// The stored dtype: `<f4`, `<f8` or `|u1`.
    public var descriptor: String
}

/// NumPy's `.npy` format, version 1.0 (numpy.lib.format):
///
///     "\x93NUMPY" 0x01 0x00  <header length: UInt16 little-endian>  <header>  <data>
///     header = "{'descr': '<f4', 'fortran_order': False, 'shape': (H, W), }" + spaces + "\n"
///
/// The header is padded with spaces so that magic, version, length and header together are a
/// multiple of 64 bytes, and ends in a newline; the data follow in C order. Files written here are
/// float32 little-endian and byte-identical to `np.save` of the same array. The reader takes
/// `<f4`, `<f8` and `|u1` in C order, the types this project's tools and tests exchange.
public enum NPYFile {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// A heat map as a float32 (H, W) array.
    public static func encode(_ map: HeatMap) -> Data {
        encode(values: map.values, shape: [map.height, map.width])
    }

    /// A float32 array of any shape, C order.
    public static func encode(values: [Float], shape: [Int]) -> Data {
        precondition(shape.reduce(1, *) == values.count,
                     "NPYFile: \(values.count) values for shape \(shape)")
        var data = Data(magic + [1, 0])
        let header = headerText(descriptor: "<f4", shape: shape)
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        for value in values {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Writes the heat map to `url` atomically (temporary name, then rename).
    public static func write(_ map: HeatMap, to url: URL) throws {
        try AtomicOutput.write(encode(map), to: url)
    }

    public static func read(_ url: URL) throws -> NPYArray {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw UserError("\(url.path): cannot read the .npy file")
        }
        return try decode(data, source: url.path)
    }

    /// Parses a version 1.0 or 2.0 `.npy`; `source` names the file in errors.
    public static func decode(_ data: Data, source: String) throws -> NPYArray {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw UserError("\(source): not a NumPy .npy file (bad magic)")
        }
        let (headerStart, headerLength) = try headerBounds(bytes, source: source)
        guard let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .ascii) else {
            throw UserError("\(source): .npy header is not ASCII")
        }
        let (descriptor, fortranOrder, shape) = try parseHeader(header, source: source)
        guard !fortranOrder else { throw UserError("\(source): Fortran-order .npy arrays are not supported") }
        let count = shape.reduce(1, *)
        let body = Array(bytes[(headerStart + headerLength)...])
        let values = try decodeValues(body, descriptor: descriptor, count: count, source: source)
        return NPYArray(shape: shape, values: values, descriptor: descriptor)
    }

    // MARK: - Header

    /// "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }", padded and newline-ended.
    static func headerText(descriptor: String, shape: [Int]) -> String {
        let dimensions = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        let dictionary = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(dimensions), }"
        let unpadded = magic.count + 2 + 2 + dictionary.utf8.count + 1
        let padding = (64 - unpadded % 64) % 64
        return dictionary + String(repeating: " ", count: padding) + "\n"
    }

    static func headerBounds(_ bytes: [UInt8], source: String) throws -> (start: Int, length: Int) {
        switch bytes[6] {
        case 1:
            return (10, Int(bytes[8]) | Int(bytes[9]) << 8)
        case 2, 3:
            guard bytes.count >= 12 else { throw UserError("\(source): truncated .npy header") }
            let length = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            guard 12 + length <= bytes.count else { throw UserError("\(source): truncated .npy header") }
            return (12, length)
        default:
            throw UserError("\(source): unsupported .npy version \(bytes[6]).\(bytes[7])")
        }
    }

    static func parseHeader(_ header: String, source: String) throws -> (String, Bool, [Int]) {
        guard let descriptor = quotedValue(of: "descr", in: header) else {
            throw UserError("\(source): .npy header has no 'descr'")
        }
        let fortranOrder = header.contains("'fortran_order': True")
        guard let open = header.range(of: "'shape': ("),
              let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw UserError("\(source): .npy header has no 'shape'")
        }
        let parts = header[open.upperBound..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let shape = try parts.filter { !$0.isEmpty }.map { part -> Int in
            guard let size = Int(part), size >= 0 else { throw UserError("\(source): bad .npy shape entry '\(part)'") }
            return size
        }
        return (descriptor, fortranOrder, shape)
    }

    static func quotedValue(of key: String, in header: String) -> String? {
        guard let keyRange = header.range(of: "'\(key)': '") else { return nil }
        guard let end = header[keyRange.upperBound...].firstIndex(of: "'") else { return nil }
        return String(header[keyRange.upperBound..<end])
    }

    // MARK: - Data

    static func decodeValues(_ body: [UInt8], descriptor: String, count: Int, source: String) throws -> [Float] {
        let width: Int
        switch descriptor {
        case "<f4": width = 4
        case "<f8": width = 8
        case "|u1", "<u1": width = 1
        default: throw UserError("\(source): .npy dtype '\(descriptor)' is not supported (use float32)")
        }
        guard body.count >= count * width else {
            throw UserError("\(source): .npy data holds \(body.count) bytes, the shape needs \(count * width)")
        }
        return (0..<count).map { i in
            let offset = i * width
            switch width {
            case 1:
                return Float(body[offset])
            case 4:
                let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(body[offset + $1]) << (8 * UInt32($1)) }
                return Float(bitPattern: bits)
            default:
                let bits = (0..<8).reduce(UInt64(0)) { $0 | UInt64(body[offset + $1]) << (8 * UInt64($1)) }
                return Float(Double(bitPattern: bits))
            }
        }
    }
}

import Foundation
import EUSSupport

/// The entries of a zip archive whose members are stored uncompressed, as `torch.save` writes
/// them (PKWARE APPNOTE 6.3: end of central directory, its zip64 form, central directory
/// headers, local headers).
///
/// Only the central directory is trusted for names and sizes; each entry's bytes start after
/// its local header (whose name and extra field lengths may differ from the central copy:
/// torch pads the local extra field so that tensor data are 64-byte aligned). Every entry's
/// CRC-32 is checked when it is read. Compressed entries are refused: torch never writes them,
/// and a reader that inflates is more code than a checkpoint deserves.
struct StoredZip {
    struct Entry {
        let name: String
        let method: Int
        let crc: UInt32
        let size: Int
        let localHeaderOffset: Int
    }

    let data: Data
    let source: String
    let entries: [String: Entry]
    /// Entry names in central-directory order.
    let names: [String]

    init(_ data: Data, source: String) throws {
        self.data = data
        self.source = source
        var reader = ByteReader(data, source: source)
        let directory = try Self.findCentralDirectory(&reader)
        var entries: [String: Entry] = [:]
        var names: [String] = []
        var offset = directory.offset
        for _ in 0..<directory.count {
            let entry = try Self.centralEntry(at: &offset, reader: reader)
            entries[entry.name] = entry
            names.append(entry.name)
        }
        self.entries = entries
        self.names = names
    }

    /// The bytes of entry `name`, checked against its CRC-32.
    func contents(_ name: String) throws -> Data {
        guard let entry = entries[name] else { throw UserError("\(source): the archive has no entry '\(name)'") }
        guard entry.method == 0 else {
            let kind = entry.method == 8 ? "deflate" : "method \(entry.method)"
            throw UserError("\(source): archive entry '\(name)' is compressed (\(kind)); torch.save stores entries uncompressed: re-save the weights with torch.save(state_dict, path) instead of re-zipping the file")
        }
        let reader = ByteReader(data, source: source)
        let local = entry.localHeaderOffset
        guard try reader.uint32(at: local) == 0x0403_4B50 else {
            throw UserError("\(source): malformed zip archive: no local header for '\(name)' at byte offset \(local)")
        }
        let start = local + 30 + Int(try reader.uint16(at: local + 26)) + Int(try reader.uint16(at: local + 28))
        let bytes = try reader.bytes(at: start, count: entry.size, what: "entry '\(name)'")
        let crc = CRC32.checksum(bytes)
        guard crc == entry.crc else {
            throw UserError("\(source): archive entry '\(name)' is corrupt (CRC-32 \(String(crc, radix: 16)), the directory says \(String(entry.crc, radix: 16)))")
        }
        return bytes
    }

    // MARK: - Directory

    private static func findCentralDirectory(_ reader: inout ByteReader) throws -> (offset: Int, count: Int) {
        let data = reader.data
        guard data.count >= 22 else { throw UserError("\(reader.source): truncated zip archive: \(data.count) bytes") }
        // The end record is the last 22 bytes, unless a comment (at most 65535 bytes) follows it.
        var end: Int?
        var position = data.count - 22
        while position >= max(0, data.count - 22 - 65535) {
            if try reader.uint32(at: position) == 0x0605_4B50 { end = position; break }
            position -= 1
        }
        guard let end else {
            throw UserError("\(reader.source): truncated zip archive: no end of central directory record (the file was cut short, or is not a torch.save archive)")
        }
        var count = Int(try reader.uint16(at: end + 10))
        var offset = Int(try reader.uint32(at: end + 16))
        if count == 0xFFFF || offset == 0xFFFF_FFFF, end >= 20, try reader.uint32(at: end - 20) == 0x0706_4B50 {
            let zip64 = try reader.int(at: end - 20 + 8, what: "the zip64 end record offset")
            guard try reader.uint32(at: zip64) == 0x0606_4B50 else {
                throw UserError("\(reader.source): malformed zip archive: no zip64 end of central directory at byte offset \(zip64)")
            }
            count = try reader.int(at: zip64 + 32, what: "the zip64 entry count")
            offset = try reader.int(at: zip64 + 48, what: "the zip64 directory offset")
        }
        return (offset, count)
    }

    private static func centralEntry(at offset: inout Int, reader: ByteReader) throws -> Entry {
        guard try reader.uint32(at: offset) == 0x0201_4B50 else {
            throw UserError("\(reader.source): malformed zip archive: no central directory header at byte offset \(offset)")
        }
        let method = Int(try reader.uint16(at: offset + 10))
        let crc = try reader.uint32(at: offset + 16)
        var size = Int(try reader.uint32(at: offset + 24))
        let nameLength = Int(try reader.uint16(at: offset + 28))
        let extraLength = Int(try reader.uint16(at: offset + 30))
        let commentLength = Int(try reader.uint16(at: offset + 32))
        var local = Int(try reader.uint32(at: offset + 42))
        let nameBytes = try reader.bytes(at: offset + 46, count: nameLength, what: "an entry name")
        let name = String(decoding: nameBytes, as: UTF8.self)
        // Zip64: the 0xFFFFFFFF fields follow, in order, in the extra field with id 0x0001.
        var extra = offset + 46 + nameLength
        let extraEnd = extra + extraLength
        while extra + 4 <= extraEnd {
            let (id, length) = (try reader.uint16(at: extra), Int(try reader.uint16(at: extra + 2)))
            if id == 1 {
                var field = extra + 4
                if size == 0xFFFF_FFFF { size = try reader.int(at: field, what: "a zip64 size"); field += 8 }
                if try reader.uint32(at: offset + 20) == 0xFFFF_FFFF { field += 8 }
                if local == 0xFFFF_FFFF { local = try reader.int(at: field, what: "a zip64 offset") }
            }
            extra += 4 + length
        }
        offset = extraEnd + commentLength
        return Entry(name: name, method: method, crc: crc, size: size, localHeaderOffset: local)
    }
}

/// Bounds-checked little-endian reads; running off the end is an error naming the file.
struct ByteReader {
    let data: Data
    let source: String

    init(_ data: Data, source: String) {
        self.data = data
        self.source = source
    }

    func bytes(at offset: Int, count: Int, what: String) throws -> Data {
        guard offset >= 0, count >= 0, offset <= data.count - count else {
            throw UserError("\(source): truncated file: \(what) needs bytes \(offset)..<\(offset + count), the file has \(data.count)")
        }
        return data.subdata(in: data.startIndex + offset ..< data.startIndex + offset + count)
    }

    func uint16(at offset: Int) throws -> UInt16 { UInt16(try unsigned(at: offset, count: 2)) }
    func uint32(at offset: Int) throws -> UInt32 { UInt32(try unsigned(at: offset, count: 4)) }

    /// A 64-bit field that must fit an offset or a size.
    func int(at offset: Int, what: String) throws -> Int {
        let value = try unsigned(at: offset, count: 8)
        guard value <= UInt64(Int.max) else { throw UserError("\(source): malformed zip archive: \(what) is \(value)") }
        return Int(value)
    }

    private func unsigned(at offset: Int, count: Int) throws -> UInt64 {
        guard offset >= 0, offset <= data.count - count else {
            throw UserError("\(source): truncated file: a \(8 * count)-bit field at byte offset \(offset), the file has \(data.count) bytes")
        }
        var value: UInt64 = 0
        for index in 0..<count {
            value |= UInt64(data[data.startIndex + offset + index]) << UInt64(8 * index)
        }
        return value
    }
}

/// CRC-32 (ISO 3309, polynomial 0xEDB88320 reflected), as zip uses it.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            }
        }
        return crc ^ 0xFFFF_FFFF
    }
}

import EUSSupport
import Foundation

/// Reading the chunks of a PNG file (ISO/IEC 15948, "PNG (Second Edition)"), to check what a
/// figure says about itself: its size (`IHDR`) and its resolution (`pHYs`).
///
/// A PNG is the 8-byte signature, then chunks `length(4, big-endian) type(4) data crc(4)`,
/// where the CRC-32 covers type and data; `pHYs` holds pixels per metre in x and y and a unit
/// byte (1 = metre).
public enum PNGInfo {
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    public struct Chunk: Equatable, Sendable {
        public var type: String
        public var data: [UInt8]
    }

    /// The chunks of `png` in file order; throws on a bad signature, a truncated chunk or a
    /// CRC mismatch.
    public static func chunks(of png: Data) throws -> [Chunk] {
        let bytes = [UInt8](png)
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw UserError("PNG: bad signature") }
        var chunks: [Chunk] = []
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = Int(readUInt32(bytes, at: offset))
            guard offset + 12 + length <= bytes.count else { throw UserError("PNG: truncated chunk at byte \(offset)") }
            let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
            let data = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            guard crc32(typeBytes + data) == readUInt32(bytes, at: offset + 8 + length) else {
                throw UserError("PNG: CRC mismatch in chunk at byte \(offset)")
            }
            chunks.append(Chunk(type: String(decoding: typeBytes, as: UTF8.self), data: data))
            offset += 12 + length
        }
        return chunks
    }

    /// Width and height from `IHDR`.
    public static func dimensions(of png: Data) throws -> (width: Int, height: Int) {
        guard let header = try chunks(of: png).first, header.type == "IHDR", header.data.count == 13 else {
            throw UserError("PNG: missing IHDR")
        }
        return (Int(readUInt32(header.data, at: 0)), Int(readUInt32(header.data, at: 4)))
    }

    /// The resolution from `pHYs` in dots per inch, or nil when absent or unitless.
    public static func dotsPerInch(of png: Data) throws -> (x: Double, y: Double)? {
        guard let phys = try chunks(of: png).first(where: { $0.type == "pHYs" }), phys.data.count == 9,
              phys.data[8] == 1 else { return nil }
        return (Double(readUInt32(phys.data, at: 0)) * 0.0254, Double(readUInt32(phys.data, at: 4)) * 0.0254)
    }

    /// CRC-32 as PNG and zlib define it: reflected polynomial 0xEDB88320, initial value and
    /// final XOR 0xFFFFFFFF. `crc32("123456789") == 0xCBF43926`.
    public static func crc32<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}

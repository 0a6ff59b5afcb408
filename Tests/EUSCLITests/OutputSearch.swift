import CZlib
import Foundation

/// Everything an output file could show a reader, as bytes to search: the file itself, each
/// PDF stream inflated, each base64 image of an HTML or SVG file decoded, and every PNG's
/// text chunks (tEXt, zTXt and iTXt, inflated where compressed).
enum OutputSearch {
    struct Tally {
        var files = 0
        var inflatedStreams = 0
        var embeddedImages = 0
        var pngs = 0
        var pngTextChunks = 0
    }

    static func texts(of url: URL, tally: inout Tally) -> [Data] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        tally.files += 1
        var texts = [data]
        if data.starts(with: Array("%PDF".utf8)) {
            for stream in pdfStreams(data) {
                if let inflated = inflate(stream) {
                    tally.inflatedStreams += 1
                    texts.append(inflated)
                }
            }
        }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) { texts += pngText(data, tally: &tally) }
        let ext = url.pathExtension.lowercased()
        if ext == "html" || ext == "svg" {
            for image in base64Images(String(decoding: data, as: UTF8.self)) {
                tally.embeddedImages += 1
                texts.append(image)
                if image.starts(with: [0x89, 0x50, 0x4E, 0x47]) { texts += pngText(image, tally: &tally) }
            }
        }
        return texts
    }

    /// Each `stream … endstream` body.
    static func pdfStreams(_ data: Data) -> [Data] {
        let bytes = [UInt8](data)
        let open = Array("stream".utf8), close = Array("endstream".utf8)
        var result: [Data] = []
        var i = 0
        while let start = find(open, in: bytes, from: i) {
            var body = start + open.count
            if start >= 3, Array(bytes[start - 3 ..< start]) == Array("end".utf8) { i = body; continue }
            if body < bytes.count, bytes[body] == 0x0D { body += 1 }
            if body < bytes.count, bytes[body] == 0x0A { body += 1 }
            guard let end = find(close, in: bytes, from: body) else { break }
            result.append(Data(bytes[body ..< end]))
            i = end + close.count
        }
        return result
    }

    static func base64Images(_ text: String) -> [Data] {
        var result: [Data] = []
        var rest = Substring(text)
        while let marker = rest.range(of: ";base64,") {
            let payload = rest[marker.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "/" || $0 == "=" }
            if let data = Data(base64Encoded: String(payload)) { result.append(data) }
            rest = rest[marker.upperBound...].dropFirst(payload.count)
        }
        return result
    }

    /// tEXt and iTXt as stored, zTXt and compressed iTXt inflated.
    static func pngText(_ png: Data, tally: inout Tally) -> [Data] {
        let bytes = [UInt8](png)
        var result: [Data] = []
        tally.pngs += 1
        var i = 8
        while i + 8 <= bytes.count {
            let length = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            let type = String(decoding: bytes[i + 4 ..< i + 8], as: UTF8.self)
            guard i + 8 + length <= bytes.count else { break }
            let body = Data(bytes[i + 8 ..< i + 8 + length])
            if ["tEXt", "zTXt", "iTXt"].contains(type) {
                tally.pngTextChunks += 1
                result.append(body)
                if let zero = body.firstIndex(of: 0) {
                    // zTXt: keyword, 0, method, data. iTXt: keyword, 0, flag, method, language, 0, keyword, 0, text.
                    if type == "zTXt", let inflated = inflate(body.suffix(from: zero + 2)) { result.append(inflated) }
                    if type == "iTXt", zero + 1 < body.endIndex, body[zero + 1] == 1 {
                        var rest = body.suffix(from: zero + 3)
                        for _ in 0..<2 { if let z = rest.firstIndex(of: 0) { rest = rest.suffix(from: z + 1) } }
                        if let inflated = inflate(rest) { result.append(inflated) }
                    }
                }
            }
            i += 12 + length
        }
        return result
    }

    /// A zlib stream inflated, or nil when it is not one.
    static func inflate(_ data: Data) -> Data? {
        guard data.count >= 2 else { return nil }
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var input = [UInt8](data)
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    output.append(target.baseAddress!, count: target.count - Int(stream.avail_out))
                }
            } while status == Z_OK
        }
        return status == Z_STREAM_END ? output : nil
    }

    /// Which of `needles` (each also as UTF-16BE, as PDF text strings may be) occur in any of
    /// the texts of every file under `folders`.
    static func find(_ needles: [String], under folders: [URL], tally: inout Tally) -> [String] {
        var found: [String] = []
        for folder in folders {
            let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
            for file in files where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                for text in texts(of: file, tally: &tally) {
                    let bytes = [UInt8](text)
                    for needle in needles {
                        let forms = [Array(needle.utf8), needle.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }]
                        if forms.contains(where: { find($0, in: bytes, from: 0) != nil }) {
                            found.append("\(needle) in \(file.path)")
                        }
                    }
                }
            }
        }
        return found
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var i = start
        while i <= haystack.count - needle.count {
            if haystack[i] == first, haystack[i ..< i + needle.count].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}

import CImageIO
import EUSSupport
import Foundation

/// Reads PNG (libpng: 1 to 16 bits; gray, gray+alpha, palette, RGB, RGBA) and JPEG
/// (libjpeg-turbo: gray or YCbCr) files. The format is recognised by the file's signature,
/// not its extension. A corrupt or truncated file is refused with a `UserError`; libpng's and
/// libjpeg's `longjmp` error handling stays inside the C shim.
public enum ImageDecoder {
    /// The formats that decode, for error messages.
    public static let supportedFormats = "PNG, JPEG, DICOM"
    /// File extensions taken as images when a folder is scanned (and any file with the DICOM
    /// preamble, whatever its name: `DICOMDecoder.isDICOMFile`).
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "dcm"]

    /// The largest image decoded, in pixels: 40 million (e.g. 8000×5000), far above any EUS
    /// frame (about 1 million), so a hostile file of 20000×20000 that compresses to a few
    /// hundred kilobytes is refused from its header, before anything is allocated.
    /// `--max-pixels N` or `EUS_REPORT_MAX_PIXELS=N` changes it.
    public static let defaultMaxPixels = 40_000_000
    nonisolated(unsafe) public static var maxPixels = ProcessInfo.processInfo.environment["EUS_REPORT_MAX_PIXELS"]
        .flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? defaultMaxPixels

    public static func decode(_ url: URL) throws -> DecodedImage {
        if let reference = DICOMDecoder.frameReference(url), let data = FileManager.default.contents(atPath: reference.file.path) {
            return try DICOMDecoder.decode(data, source: url.path, frame: .number(reference.frame)).image
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw UserError("\(url.path): cannot read the image (missing or unreadable)")
        }
        return try decode(data, source: url.path)
    }

    /// Decodes an image held in memory; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws -> DecodedImage {
        if DICOMDecoder.isDICOM(data) { return try DICOMDecoder.decode(data, source: source).image }
        if let (width, height) = ImageHeader.dimensions(data) {
            guard let pixels = CheckedSize.product([width, height]), pixels <= maxPixels else {
                throw UserError("\(source): the image is \(width)x\(height) pixels, over the limit of \(maxPixels) pixels; give --max-pixels (or EUS_REPORT_MAX_PIXELS) to allow it")
            }
        }
        var image = cimageio_image()
        var message = [CChar](repeating: 0, count: 256)
        var format = ""
        let status: Int32 = data.withUnsafeBytes { raw -> Int32 in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let base = bytes.baseAddress else { return -2 }
            if cimageio_is_png(base, bytes.count) != 0 {
                format = "PNG"
                return cimageio_decode_png(base, bytes.count, &image, &message, message.count)
            }
            if cimageio_is_jpeg(base, bytes.count) != 0 {
                format = "JPEG"
                return cimageio_decode_jpeg(base, bytes.count, &image, &message, message.count)
            }
            return -2
        }
        if status == -2 {
            throw UserError("\(source): not a supported image format (supported: \(supportedFormats))")
        }
        guard status == 0, let samples = image.samples else {
            let reason = String(cString: message)
            throw UserError("\(source): cannot decode the \(format) image, the file is corrupt or truncated (\(reason)); supported: \(supportedFormats)")
        }
        defer { cimageio_free(samples) }
        let width = Int(image.width), height = Int(image.height), channels = Int(image.channels)
        let buffer = UnsafeBufferPointer(start: samples, count: width * height * channels)
        return DecodedImage(width: width, height: height, channels: channels,
                            bitDepth: Int(image.bit_depth), samples: Array(buffer))
    }
}

/// An image's size read from its header, without decoding: PNG's IHDR, or a JPEG's
/// start-of-frame segment. nil when the bytes are neither (the decoder then says why).
enum ImageHeader {
    static func dimensions(_ data: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data.prefix(1 << 20))
        func be16(_ i: Int) -> Int { Int(bytes[i]) << 8 | Int(bytes[i + 1]) }
        func be32(_ i: Int) -> Int { be16(i) << 16 | be16(i + 2) }
        if bytes.count >= 24, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), Array(bytes[12..<16]) == Array("IHDR".utf8) {
            return (be32(16), be32(20))
        }
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var i = 2
        while i + 9 < bytes.count {
            guard bytes[i] == 0xFF else { return nil }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }
            // SOF0–SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) do not.
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                return (be16(i + 7), be16(i + 5))
            }
            i += 2 + be16(i + 2)
        }
        return nil
    }
}

/// Writes 8-bit PNGs (RGB or gray) with libpng, optionally with a pHYs chunk giving the
/// resolution (figures at 300 dpi). The same pixels give the same bytes.
public enum PNGCodec {
    public static func encode(_ image: RGBImage, dotsPerInch: Double? = nil) throws -> Data {
        try encode(image.pixels, width: image.width, height: image.height, channels: 3, dotsPerInch: dotsPerInch)
    }

    public static func encode(_ image: GrayImage, dotsPerInch: Double? = nil) throws -> Data {
        try encode(image.pixels, width: image.width, height: image.height, channels: 1, dotsPerInch: dotsPerInch)
    }

    public static func write(_ image: RGBImage, to url: URL, dotsPerInch: Double? = nil) throws {
        try AtomicOutput.write(try encode(image, dotsPerInch: dotsPerInch), to: url)
    }

    public static func write(_ image: GrayImage, to url: URL, dotsPerInch: Double? = nil) throws {
        try AtomicOutput.write(try encode(image, dotsPerInch: dotsPerInch), to: url)
    }

    private static func encode(_ pixels: [UInt8], width: Int, height: Int, channels: Int,
                               dotsPerInch: Double?) throws -> Data {
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = pixels.withUnsafeBufferPointer { buffer in
            cimageio_encode_png(buffer.baseAddress, Int32(width), Int32(height), Int32(channels),
                                dotsPerInch ?? 0, &output, &size, &message, message.count)
        }
        guard status == 0, let output else {
            throw UserError("PNG encoding failed: \(String(cString: message))")
        }
        defer { cimageio_free(output) }
        return Data(bytes: output, count: size)
    }
}

/// Writes 8-bit baseline JPEGs (RGB or gray) with libjpeg-turbo, for photographic pictures
/// that a report embeds (scans and Grad-CAM overlays): RGB is coded without chroma
/// subsampling (4:4:4) so that an overlay's colours keep their edges, and the Huffman tables
/// are optimised. `quality` is libjpeg's 1–100 scale. The same pixels give the same bytes.
public enum JPEGCodec {
    public static func encode(_ image: RGBImage, quality: Int) throws -> Data {
        try encode(image.pixels, width: image.width, height: image.height, channels: 3, quality: quality)
    }

    public static func encode(_ image: GrayImage, quality: Int) throws -> Data {
        try encode(image.pixels, width: image.width, height: image.height, channels: 1, quality: quality)
    }

    private static func encode(_ pixels: [UInt8], width: Int, height: Int, channels: Int, quality: Int) throws -> Data {
        precondition((1...100).contains(quality), "JPEGCodec.encode: quality must be in 1...100, got \(quality)")
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = pixels.withUnsafeBufferPointer { buffer in
            cimageio_encode_jpeg(buffer.baseAddress, Int32(width), Int32(height), Int32(channels), Int32(quality),
                                 &output, &size, &message, message.count)
        }
        guard status == 0, let output else {
            throw UserError("JPEG encoding failed: \(String(cString: message))")
        }
        defer { cimageio_free(output) }
        return Data(bytes: output, count: size)
    }
}

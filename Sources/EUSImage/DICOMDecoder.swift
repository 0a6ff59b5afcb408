import CDICOM
import EUSSupport
import Foundation

/// Reads DICOM images (Ultrasound, Secondary Capture, any image object) through DCMTK:
/// MONOCHROME2, RGB, YBR_FULL or YBR_FULL_422, 8 bits, uncompressed (implicit or explicit
/// VR) or JPEG baseline. YBR is converted to RGB: by the JPEG codec for JPEG, with pydicom's
/// formula for uncompressed data. One frame per image: `frame` chooses it.
///
/// De-identification by construction: the C shim reads only the attributes in `Attributes`
/// (docs/formats.md, "DICOM"). No name, ID, date or free text is read, so none can reach an
/// output; case ids come from file names or the manifest.
public enum DICOMDecoder {
    /// Which frame of a multi-frame object is the image (`--frame`).
    public enum FrameSelection: Equatable, Sendable {
        case first, middle
        /// 1-based.
        case number(Int)
        /// One case per frame (`Dataset.load` expands the cases; a single decode takes the first).
        case all

        /// `first`, `middle`, `all` or a frame number from 1.
        public init?(_ text: String) {
            switch text.lowercased() {
            case "first": self = .first
            case "middle": self = .middle
            case "all": self = .all
            default:
                guard let n = Int(text), n >= 1 else { return nil }
                self = .number(n)
            }
        }

        var shimIndex: Int32 {
            switch self {
            case .first, .all: 0
            case .middle: -1
            case .number(let n): Int32(clamping: n - 1)
            }
        }
    }

    /// The only DICOM attributes that leave the decoder.
    public struct Attributes: Equatable, Sendable {
        public var modality: String
        public var photometricInterpretation: String
        public var rows: Int
        public var columns: Int
        public var frames: Int
        /// BurnedInAnnotation: true YES, false NO, nil absent.
        public var burnedInAnnotation: Bool?
        /// SOP class is Secondary Capture (a screen capture).
        public var isSecondaryCapture: Bool

        /// A screen capture whose pixels may carry identifying text: BurnedInAnnotation YES,
        /// or absent on a Secondary Capture.
        public var mayCarryBurnedInText: Bool {
            burnedInAnnotation == true || (burnedInAnnotation == nil && isSecondaryCapture)
        }
    }

    /// The frame every decode takes unless told otherwise (set once by `--frame`).
    nonisolated(unsafe) public static var frame: FrameSelection = .first

    /// `<file>#frame=N`: frame N (from 1) of a multi-frame file, as `--frame all` names each
    /// frame's case; nil for any other path.
    public static func frameReference(_ url: URL) -> (file: URL, frame: Int)? {
        let path = url.path
        guard let marker = path.range(of: "#frame=", options: .backwards),
              let frame = Int(path[marker.upperBound...]), frame >= 1 else { return nil }
        return (URL(fileURLWithPath: String(path[..<marker.lowerBound])), frame)
    }

    /// The file itself, without a `#frame=N` reference.
    public static func fileURL(_ url: URL) -> URL { frameReference(url)?.file ?? url }

    /// The URL of frame `frame` (from 1) of `file`.
    public static func frameURL(_ file: URL, frame: Int) -> URL { URL(fileURLWithPath: file.path + "#frame=\(frame)") }

    /// The preamble: 128 bytes, then "DICM".
    public static func isDICOM(_ data: Data) -> Bool {
        data.count >= 132 && data[data.startIndex + 128 ..< data.startIndex + 132].elementsEqual("DICM".utf8)
    }

    /// Whether the file at `url` starts with the DICOM preamble (reads 132 bytes).
    public static func isDICOMFile(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: fileURL(url)) else { return false }
        defer { try? handle.close() }
        return isDICOM((try? handle.read(upToCount: 132)) ?? Data())
    }

    /// Decodes one frame; errors are one line naming `source` and the transfer syntax or
    /// photometric interpretation at fault.
    public static func decode(_ data: Data, source: String, frame: FrameSelection? = nil) throws -> (image: DecodedImage, attributes: Attributes) {
        var result = cdicom_frame()
        var message = [CChar](repeating: 0, count: 512)
        let status = data.withUnsafeBytes { raw -> Int32 in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress else { return -1 }
            return cdicom_decode(base, raw.count, (frame ?? Self.frame).shimIndex, &result, &message, message.count)
        }
        guard status == 0, let pixels = result.pixels else {
            throw UserError("\(source): DICOM: \(String(cString: message))")
        }
        defer { cdicom_free(pixels) }
        let (width, height, channels) = (Int(result.width), Int(result.height), Int(result.channels))
        guard let count = CheckedSize.product([width, height]), count <= ImageDecoder.maxPixels else {
            throw UserError("\(source): the image is \(width)x\(height) pixels, over the limit of \(ImageDecoder.maxPixels) pixels; give --max-pixels (or EUS_REPORT_MAX_PIXELS) to allow it")
        }
        let samples = UnsafeBufferPointer(start: pixels, count: count * channels).map { UInt16($0) }
        let attributes = Attributes(
            modality: string(result.modality), photometricInterpretation: string(result.photometric),
            rows: height, columns: width, frames: Int(result.frames),
            burnedInAnnotation: result.burned_in < 0 ? nil : result.burned_in == 1,
            isSecondaryCapture: result.secondary_capture != 0)
        return (DecodedImage(width: width, height: height, channels: channels, bitDepth: 8, samples: samples), attributes)
    }

    private static func string<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

@testable import EUSImage
import EUSSupport
import Foundation
import XCTest

/// DICOM through DCMTK against pydicom (+ Pillow for JPEG). Fixtures: Fixtures/dicom/, made by
/// scripts/make_dicom_fixtures.py with pydicom 3.0.2, Pillow 13.0.0, numpy 2.4.6
/// (Fixtures/dicom/VERSIONS.txt); `<name>.expected.png` holds pydicom's pixels.
final class DICOMDecoderTests: XCTestCase {
    private func dicom(_ name: String) throws -> URL { try fixture("dicom/\(name)") }

    private func decode(_ name: String, frame: DICOMDecoder.FrameSelection = .first) throws -> (image: DecodedImage, attributes: DICOMDecoder.Attributes) {
        let url = try dicom(name)
        return try DICOMDecoder.decode(try Data(contentsOf: url), source: url.path, frame: frame)
    }

    /// The largest difference from the expected PNG, in 8-bit levels.
    private func maxDifference(_ image: DecodedImage, expected: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let reference = try ImageDecoder.decode(try dicom(expected))
        XCTAssertEqual(image.width, reference.width, expected, file: file, line: line)
        XCTAssertEqual(image.height, reference.height, expected, file: file, line: line)
        XCTAssertEqual(image.channels, reference.channels, expected, file: file, line: line)
        return zip(image.samples, reference.samples).reduce(0) { max($0, abs(Int($1.0) - Int($1.1))) }
    }

    /// Uncompressed: MONOCHROME2 (explicit and implicit VR), RGB (interleaved and planar),
    /// YBR_FULL and YBR_FULL_422 converted to RGB as pydicom converts them: exactly equal.
    func testUncompressedEqualsPydicomExactly() throws {
        for name in ["mono_explicit", "mono_implicit", "rgb_explicit", "rgb_planar_implicit", "ybr_full_explicit",
                     "ybr_full_422_explicit", "screen_capture"] {
            let (image, attributes) = try decode("\(name).dcm")
            let difference = try maxDifference(image, expected: "\(name).expected.png")
            print("DICOM \(name): max difference from pydicom \(difference)/255")
            XCTAssertEqual(difference, 0, name)
            XCTAssertEqual(attributes.rows, 40)
            XCTAssertEqual(attributes.columns, 48)
        }
    }

    /// JPEG baseline (gray, YBR_FULL 4:4:4, YBR_FULL_422), decoded by dcmjpeg: within 2/255 of
    /// Pillow's libjpeg-turbo decode of the same fragments.
    func testJPEGBaselineWithinTwoLevelsOfPillow() throws {
        for name in ["jpeg_mono", "jpeg_ybr_full", "jpeg_ybr_full_422"] {
            let (image, attributes) = try decode("\(name).dcm")
            let difference = try maxDifference(image, expected: "\(name).expected.png")
            print("DICOM \(name): max difference from pydicom + Pillow \(difference)/255")
            XCTAssertLessThanOrEqual(difference, 2, name)
            XCTAssertEqual(attributes.photometricInterpretation, name == "jpeg_mono" ? "MONOCHROME2" : name == "jpeg_ybr_full" ? "YBR_FULL" : "YBR_FULL_422")
        }
    }

    /// Multi-frame: first, middle and numbered frames, uncompressed and JPEG.
    func testMultiFrameObjects() throws {
        for (name, tolerance) in [("multiframe_mono", 0), ("multiframe_jpeg_ybr_full_422", 2)] {
            for (selection, number) in [(DICOMDecoder.FrameSelection.first, 1), (.middle, 2), (.number(3), 3), (.number(2), 2)] {
                let (image, attributes) = try decode("\(name).dcm", frame: selection)
                XCTAssertEqual(attributes.frames, 3)
                let difference = try maxDifference(image, expected: "\(name).frame\(number).expected.png")
                XCTAssertLessThanOrEqual(difference, tolerance, "\(name) \(selection)")
            }
            XCTAssertThrowsError(try decode("\(name).dcm", frame: .number(4))) { error in
                XCTAssertTrue("\(error)".contains("frame 4 asked for, the object has 3"), "\(error)")
            }
        }
        // The frames differ, so the selection is not ignored.
        XCTAssertNotEqual(try decode("multiframe_mono.dcm", frame: .first).image, try decode("multiframe_mono.dcm", frame: .middle).image)
    }

    /// Only the documented attributes leave the decoder, and BurnedInAnnotation is read.
    func testAttributesAndBurnedInAnnotation() throws {
        let us = try decode("mono_explicit.dcm").attributes
        XCTAssertEqual(us, DICOMDecoder.Attributes(modality: "US", photometricInterpretation: "MONOCHROME2", rows: 40, columns: 48,
                                                    frames: 1, burnedInAnnotation: nil, isSecondaryCapture: false))
        XCTAssertFalse(us.mayCarryBurnedInText)
        let capture = try decode("screen_capture.dcm").attributes
        XCTAssertTrue(capture.isSecondaryCapture && capture.burnedInAnnotation == nil && capture.mayCarryBurnedInText)
        XCTAssertEqual(try decode("screen_capture_yes.dcm").attributes.burnedInAnnotation, true)
    }

    /// ImageDecoder recognises DICOM by its preamble, whatever the file is called.
    func testImageDecoderRecognisesThePreamble() throws {
        let url = try dicom("rgb_explicit.dcm")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("IM\(UUID().uuidString.prefix(6))")
        try FileManager.default.copyItem(at: url, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        XCTAssertTrue(DICOMDecoder.isDICOMFile(copy))
        XCTAssertEqual(try ImageDecoder.decode(copy), try decode("rgb_explicit.dcm").image)
        XCTAssertFalse(DICOMDecoder.isDICOMFile(try dicom("rgb_explicit.expected.png")))
    }

    /// Truncated, unsupported syntax, unsupported photometric interpretation, no pixel data:
    /// one line naming the file and what is wrong.
    func testBadDICOMIsAOneLineError() throws {
        func message(_ data: Data, _ source: String) -> String {
            do {
                _ = try ImageDecoder.decode(data, source: source)
                return "decoded"
            } catch {
                return "\(error)"
            }
        }
        let cases: [(String, [String])] = [
            ("bad_jpeg2000.dcm", ["transfer syntax 1.2.840.10008.1.2.4.90", "JPEG 2000", "not supported", "JPEG baseline"]),
            ("bad_palette.dcm", ["photometric interpretation 'PALETTE COLOR' is not supported", "MONOCHROME2, RGB, YBR_FULL and YBR_FULL_422"]),
            ("bad_no_pixels.dcm", ["no pixel data"]),
        ]
        for (name, parts) in cases {
            let url = try dicom(name)
            let text = message(try Data(contentsOf: url), url.path)
            XCTAssertTrue(text.hasPrefix("\(url.path): DICOM: "), text)
            XCTAssertFalse(text.contains("\n"), text)
            for part in parts { XCTAssertTrue(text.contains(part), "'\(part)' not in: \(text)") }
        }
        for name in ["mono_explicit.dcm", "jpeg_ybr_full_422.dcm", "multiframe_mono.dcm"] {
            let data = try Data(contentsOf: try dicom(name))
            for length in [140, data.count / 2, data.count - 10] {
                let text = message(data.prefix(length), "cut.dcm")
                XCTAssertTrue(text.hasPrefix("cut.dcm: DICOM: "), "\(name) cut to \(length): \(text)")
                XCTAssertFalse(text.contains("\n"), text)
            }
        }
    }
}

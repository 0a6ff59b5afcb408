import EUSImage
import EUSData
import Foundation
import XCTest

/// Parity with Pillow + torchvision (Tests/EUSDataTests/Fixtures, made by
/// scripts/make_preprocess_fixtures.py): `resized01` within 1.5/255, `normalized` within
/// 1.5/255/0.224.
final class PreprocessingTests: XCTestCase {
    struct Case: Decodable { var name: String; var file: String }
    struct Reference: Decodable { var size: Int; var cases: [Case] }

    func testEveryReferenceCaseMatchesTorchvision() throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixture("preprocess.json")))
        let tensors = try SafetensorsFile(fixture("preprocess.safetensors")).tensors
        XCTAssertEqual(reference.cases.count, 6)
        for item in reference.cases {
            let image = try ImageDecoder.decode(fixture(item.file))
            let resized = Preprocessing.resized01(image, imageSize: reference.size)
            let normalized = Preprocessing.tensor(image, imageSize: reference.size)
            let expected01 = try XCTUnwrap(tensors[item.name + ".resized01"]).values
            let expectedNorm = try XCTUnwrap(tensors[item.name + ".normalized"]).values
            let d01 = maxAbsDifference(resized, expected01)
            let dNorm = maxAbsDifference(normalized, expectedNorm)
            print("preprocess \(item.name): max |Δ resized01| = \(d01.value * 255)/255, max |Δ normalized| = \(dNorm.value)")
            XCTAssertLessThanOrEqual(d01.value, 1.5 / 255, "\(item.name) resized01 at \(d01.index): \(resized[d01.index]) vs \(expected01[d01.index])")
            XCTAssertLessThanOrEqual(dNorm.value, 1.5 / 255 / 0.224, "\(item.name) normalized at \(dNorm.index)")
        }
    }

    /// A gray image resizes as one channel: the same bytes as each of the three equal channels
    /// of its RGB conversion, shrinking, enlarging and in one direction only.
    func testGrayResizeIsEachChannelOfTheRGBResize() throws {
        let gray = try ImageDecoder.decode(fixture("gray8_300x260.png")).grayImage()
        for (width, height) in [(128, 96), (301, 270), (300, 64), (17, 260)] {
            let one = Resize.gray(gray, width: width, height: height).pixels
            let three = Resize.rgb(gray.rgb, width: width, height: height).pixels
            XCTAssertEqual(one.count * 3, three.count)
            XCTAssertEqual(one, stride(from: 0, to: three.count, by: 3).map { three[$0] }, "\(width)x\(height)")
            XCTAssertEqual(one, stride(from: 2, to: three.count, by: 3).map { three[$0] }, "\(width)x\(height)")
        }
    }

    func testIdentityResizeChangesNothing() throws {
        let image = try ImageDecoder.decode(fixture("gray8_128x128_identity.png"))
        let gray = image.grayImage()
        let resized = Preprocessing.resized01(image, imageSize: 128)
        for i in 0..<(128 * 128) { XCTAssertEqual(resized[i], Float(gray.pixels[i]) / 255) }
        let planes = (0..<12).map { Float($0) }
        XCTAssertEqual(Resize.planes(planes, channels: 3, height: 2, width: 2, outHeight: 2, outWidth: 2), planes)
    }
}

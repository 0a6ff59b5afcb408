@testable import EUSData
import TestHelpers
import EUSImage
import EUSSupport
import Foundation
import XCTest

final class ScanGeometryTests: XCTestCase {
    override func setUp() { EUSSupport.Progress.enabled = false }

    func planes01(_ image: GrayImage) -> [Float] { image.pixels.map { Float($0) / 255 } }

    /// Every phantom case, radial and linear, at two sizes: the detected kind is the one that
    /// drew it, and a radial scan's centre is the transducer (the image centre).
    func testDetectsThePhantomsScannerOnEveryCase() {
        for (size, seed) in [(96, UInt64(4)), (160, 5), (256, 1)] {
            let cases = Phantom.generate(Phantom.Settings(gist: 12, lm: 12, size: size, seed: seed))
            XCTAssert(Set(cases.map(\.parameters.scanner)).count == 2, "the sample holds both scanner types")
            for c in cases {
                let geometry = ScanGeometry.detect(gray: planes01(c.image), height: size, width: size)
                XCTAssertEqual(geometry.kind.rawValue, c.parameters.scanner.rawValue, "\(c.parameters.caseID) at \(size) px")
                if geometry.kind == .radial {
                    XCTAssertEqual(geometry.centreX, Double(size) / 2, accuracy: 2, c.parameters.caseID)
                    XCTAssertEqual(geometry.centreY, Double(size) / 2, accuracy: 2, c.parameters.caseID)
                }
            }
        }
    }

    func testBlankImageAndFixedSettings() {
        let blank = [Float](repeating: 0, count: 32 * 32)
        XCTAssertEqual(ScanGeometry.detect(gray: blank, height: 32, width: 32).kind, .linear, "nothing to rotate: the safe kind")
        XCTAssertEqual(ScanGeometry.resolve(.radial, gray: blank, height: 32, width: 32).kind, .radial)
        // A filled disc on black reads as radial; the same disc cut to its lower half does not.
        var disc = blank, half = blank
        for y in 0..<32 {
            for x in 0..<32 where pow(Double(x) + 0.5 - 16, 2) + pow(Double(y) + 0.5 - 16, 2) < 15 * 15 {
                disc[y * 32 + x] = 0.5
                if y >= 16 { half[y * 32 + x] = 0.5 }
            }
        }
        XCTAssertEqual(ScanGeometry.detect(gray: disc, height: 32, width: 32).kind, .radial)
        XCTAssertEqual(ScanGeometry.resolve(.auto, gray: half, height: 32, width: 32).kind, .linear)
        XCTAssertEqual(ScanGeometry.resolve(.linear, gray: disc, height: 32, width: 32).kind, .linear)
    }

    /// A half turn about an off-centre point maps a bright pixel to its mirror image through
    /// that point, and a flip mirrors about the point's vertical.
    func testRotationAndFlipAreAboutTheGivenCentre() {
        var x = [Float](repeating: 0, count: 10 * 10)
        x[2 * 10 + 3] = 1    // (x 3, y 2); the centre (4, 5) is between pixels (3|4, 4|5)
        var turn = AugmentationDraw.identity
        turn.rotationDegrees = 180
        let turned = turn.apply(x, channels: 1, height: 10, width: 10, centre: (4, 5)).planes
        XCTAssertEqual(turned[7 * 10 + 4], 1, accuracy: 1e-5, "(3, 2) → (2·4 − 1 − 3, 2·5 − 1 − 2) = (4, 7)")
        var flip = AugmentationDraw.identity
        flip.flip = true
        let flipped = flip.apply(x, channels: 1, height: 10, width: 10, centre: (4, 5)).planes
        XCTAssertEqual(flipped[2 * 10 + 4], 1, accuracy: 1e-5, "(3, 2) → (2·4 − 1 − 3, 2) = (4, 2)")
    }

    /// The gray path (one plane, replicated at the end) gives exactly the numbers of three
    /// equal planes, and the test-time views start with the plain tensor.
    func testGrayImagesAugmentAsOnePlaneAndViewsStartWithThePlainImage() throws {
        let folder = try temporaryDirectory(self).appendingPathComponent("p")
        try Phantom.write(Phantom.Settings(gist: 2, lm: 2, size: 64, seed: 8), to: folder, showProgress: false)
        let dataset = try Dataset.load(folder)
        for item in dataset.cases {
            let image = try ImageDecoder.decode(item.path)
            let fast = Dataset.augmentedTensor(image, augmentation: .standard, seed: 5, caseID: item.id, epoch: 2, imageSize: 48)
            let rgb = image.rgbImage().decoded
            let slow = Dataset.augmentedTensor(rgb, augmentation: .standard, seed: 5, caseID: item.id, epoch: 2, imageSize: 48)
            XCTAssertEqual(fast, slow, item.id)
            let views = try dataset.viewTensors(item, imageSize: 48)
            let kind = ScanGeometry.detect(gray: image.rgbPlanes01().prefix(64 * 64).map { $0 }, height: 64, width: 64).kind
            XCTAssertEqual(views.count, kind == .radial ? 8 : 2, item.id)
            XCTAssertEqual(views[0], try dataset.loadTensor(item, imageSize: 48), item.id)
        }
    }
}

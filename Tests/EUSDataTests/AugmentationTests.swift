import EUSData
import Foundation
import XCTest

final class AugmentationTests: XCTestCase {
    func testDrawsAreDeterministicPerSeedCaseAndEpochAndWithinRanges() {
        let a = Augmentation.standard
        XCTAssertEqual(a.draw(seed: 1, caseID: "gist_001", epoch: 3), a.draw(seed: 1, caseID: "gist_001", epoch: 3))
        XCTAssertNotEqual(a.draw(seed: 1, caseID: "gist_001", epoch: 3), a.draw(seed: 1, caseID: "gist_001", epoch: 4))
        XCTAssertNotEqual(a.draw(seed: 1, caseID: "gist_001", epoch: 3), a.draw(seed: 2, caseID: "gist_001", epoch: 3))
        XCTAssertNotEqual(a.draw(seed: 1, caseID: "gist_001", epoch: 3), a.draw(seed: 1, caseID: "gist_002", epoch: 3))
        var flips = 0
        for epoch in 0..<400 {
            let d = a.draw(seed: 9, caseID: "x", epoch: epoch)
            if d.flip { flips += 1 }
            XCTAssert(abs(d.rotationDegrees) <= 15 && (0.85...1).contains(d.scale))
            XCTAssert((0.8...1.2).contains(d.brightness) && (0.8...1.2).contains(d.contrast) && (0.8...1.2).contains(d.gamma))
        }
        XCTAssert((150...250).contains(flips), "flip rate \(flips)/400")
    }

    func testSettingsRoundTripThroughJSON() throws {
        let data = try JSONEncoder().encode(Augmentation.standard)
        XCTAssertEqual(try JSONDecoder().decode(Augmentation.self, from: data), .standard)
        let json = String(decoding: data, as: UTF8.self)
        for key in ["flipProbability", "maxRotationDegrees", "minScale", "maxScale", "brightness", "contrast", "gamma"] {
            XCTAssert(json.contains(key), key)
        }
    }

    /// planes (3, 2, 3) with value 100c + 10y + x.
    let planes: [Float] = (0..<18).map { (i: Int) -> Float in
        let c = i / 6, y = (i % 6) / 3, x = i % 3
        return Float(100 * c + 10 * y + x)
    }

    func testIdentityDrawChangesNothingAndFlipMirrors() {
        XCTAssertEqual(AugmentationDraw.identity.apply(planes, height: 2, width: 3).planes, planes)
        var flip = AugmentationDraw.identity
        flip.flip = true
        let mirrored = flip.apply(planes, height: 2, width: 3)
        for c in 0..<3 {
            for y in 0..<2 {
                for x in 0..<3 { XCTAssertEqual(mirrored.planes[c * 6 + y * 3 + x], planes[c * 6 + y * 3 + (2 - x)], accuracy: 1e-4) }
            }
        }
    }

    func testRotationByNinetyDegreesMovesPixelsAndCropShrinks() {
        // A 4x4 image with one bright pixel at (x 3, y 0). The output pixel at offset (dx, dy)
        // from the centre samples the input at (−dy, dx) for +90°, so the pixel moves from the
        // top-right to the top-left corner (counter-clockwise on screen).
        var x = [Float](repeating: 0, count: 48)
        for c in 0..<3 { x[c * 16 + 0 * 4 + 3] = 1 }
        var draw = AugmentationDraw.identity
        draw.rotationDegrees = 90
        let rotated = draw.apply(x, height: 4, width: 4).planes
        XCTAssertEqual(rotated[0], 1, accuracy: 1e-5)
        XCTAssertEqual(rotated.reduce(0, +), 3, accuracy: 1e-4)
        var crop = AugmentationDraw.identity
        crop.scale = 0.5
        crop.cropX = 1
        crop.cropY = 0
        let cropped = crop.apply(x, height: 4, width: 4)
        XCTAssertEqual([cropped.height, cropped.width], [2, 2])
        XCTAssertEqual(cropped.planes[1], 1, accuracy: 1e-5, "top-right crop keeps the top-right pixel at (1, 0)")
    }

    func testIntensityJitterFormula() {
        var draw = AugmentationDraw.identity
        draw.brightness = 1.1
        draw.contrast = 0.9
        draw.gamma = 1.2
        let x: [Float] = [0.1, 0.5, 0.9, 0.2, 0.4, 0.6]
        let y = draw.apply(x + x + x, height: 2, width: 3).planes
        let m = x.map { $0 * 1.1 }.reduce(0, +) / 6
        for i in 0..<6 {
            let expected = powf(min(max((x[i] * 1.1 - m) * 0.9 + m, 0), 1), 1.2)
            XCTAssertEqual(y[i], expected, accuracy: 1e-5)
        }
    }
}

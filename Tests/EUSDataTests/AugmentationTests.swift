import EUSData
import Foundation
import XCTest

final class AugmentationTests: XCTestCase {
    func testDrawsAreDeterministicPerSeedCaseAndEpochAndWithinRanges() {
        let a = Augmentation.standard
        func draw(_ seed: UInt64, _ id: String, _ epoch: Int, _ kind: ScanGeometry.Kind = .radial) -> AugmentationDraw {
            a.draw(seed: seed, caseID: id, epoch: epoch, kind: kind)
        }
        XCTAssertEqual(draw(1, "gist_001", 3), draw(1, "gist_001", 3))
        XCTAssertNotEqual(draw(1, "gist_001", 3), draw(1, "gist_001", 4))
        XCTAssertNotEqual(draw(1, "gist_001", 3), draw(2, "gist_001", 3), "another seed changes the draws")
        XCTAssertNotEqual(draw(1, "gist_001", 3), draw(1, "gist_002", 3))
        var (flips, wideRadial) = (0, 0)
        for epoch in 0..<400 {
            let radial = draw(9, "x", epoch), linear = draw(9, "x", epoch, .linear)
            if radial.flip { flips += 1 }
            if abs(radial.rotationDegrees) > 90 { wideRadial += 1 }
            XCTAssert(abs(radial.rotationDegrees) <= 180 && abs(linear.rotationDegrees) <= 10)
            XCTAssert((0.8...1).contains(radial.scale))
            XCTAssert((pow(10, -1.0 / 20)...pow(10, 1.0 / 20)).contains(radial.gain))
            XCTAssert((1 / 1.1...1.1).contains(radial.dynamicRange) && (1 / 1.1...1.1).contains(radial.gamma))
            XCTAssert((0.9...1.1).contains(radial.contrast))
            XCTAssertEqual(radial.speckleStrength, 0, "speckle is off by default")
            XCTAssertNil(radial.erase, "erasing is off by default")
        }
        XCTAssert((150...250).contains(flips), "flip rate \(flips)/400")
        XCTAssert((150...250).contains(wideRadial), "a radial scan turns by more than 90° about half the time: \(wideRadial)/400")
    }

    func testOptionalSpeckleAndErasingAreDrawnAtTheirRates() {
        var a = Augmentation.standard
        a.speckleProbability = 0.5
        a.erasingProbability = 0.25
        let draws = (0..<400).map { a.draw(seed: 3, caseID: "c", epoch: $0, kind: .linear) }
        let speckled = draws.filter { $0.speckleStrength > 0 }.count, erased = draws.filter { $0.erase != nil }.count
        XCTAssert((150...250).contains(speckled), "speckle \(speckled)/400")
        XCTAssert((60...140).contains(erased), "erasing \(erased)/400")
        for d in draws.compactMap(\.erase) {
            XCTAssert(d[0] >= 0 && d[1] >= 0 && d[0] + d[2] <= 1 + 1e-12 && d[1] + d[3] <= 1 + 1e-12, "\(d)")
        }
    }

    func testEveryAugmentationParameterIsRecordedInJSON() throws {
        let data = try JSONEncoder().encode(Augmentation.standard)
        XCTAssertEqual(try JSONDecoder().decode(Augmentation.self, from: data), .standard)
        let keys = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any]).keys
        XCTAssertEqual(Set(keys), ["scanner", "radial_rotation_deg", "linear_rotation_deg", "flip_probability", "min_scale",
                                   "max_scale", "gain_db", "dynamic_range", "contrast", "gamma", "speckle_probability",
                                   "speckle_strength", "erasing_probability"])
        XCTAssertEqual(Augmentation.standard.description.count, 6, "one line per default part: \(Augmentation.standard.description)")
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
        draw.gain = 1.1
        draw.dynamicRange = 0.8
        draw.contrast = 0.9
        draw.gamma = 1.2
        let x: [Float] = [0.1, 0.5, 0.9, 0.0, 0.4, 0.6]
        let y = draw.apply(x + x + x, height: 2, width: 3).planes
        // Gain, then dynamic range on the pixels with an echo (0 stays black), then contrast about
        // the mean, clamp and gamma.
        let ranged = x.map { $0 > 0 ? max(1 - (1 - min($0 * 1.1, 1)) * 0.8, 0) : 0 }
        let m = ranged.reduce(0, +) / 6
        for i in 0..<6 {
            let expected = powf(min(max((ranged[i] - m) * 0.9 + m, 0), 1), 1.2)
            XCTAssertEqual(y[i], expected, accuracy: 1e-5)
        }
    }
}

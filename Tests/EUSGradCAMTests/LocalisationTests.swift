import EUSImage
import XCTest
@testable import EUSGradCAM

final class LocalisationTests: XCTestCase {
    /// A square mask image with lesion (255) where `inside(x, y)`.
    func mask(_ size: Int, _ inside: (Int, Int) -> Bool) -> GrayImage {
        var pixels = [UInt8](repeating: 0, count: size * size)
        for y in 0..<size { for x in 0..<size where inside(x, y) { pixels[y * size + x] = 255 } }
        return GrayImage(width: size, height: size, pixels: pixels)
    }

    func map(_ size: Int, _ value: (Int, Int) -> Float) -> HeatMap {
        HeatMap(width: size, height: size, values: (0..<(size * size)).map { value($0 % size, $0 / size) })
    }

    func testAllEnergyInsideAndAHit() throws {
        let cam = map(10) { x, y in (2...3).contains(x) && (2...3).contains(y) ? 1 : 0 }
        let score = try XCTUnwrap(Localisation.score(heatMap: cam, mask: mask(10) { $0 < 5 && $1 < 5 }))
        XCTAssertEqual(score.energyInMask, 1)
        XCTAssertTrue(score.pointingHit)
    }

    /// A flat map: the energy share equals the lesion's share of the area, 25/100.
    func testFlatMapSharesEnergyByArea() throws {
        let score = try XCTUnwrap(Localisation.score(heatMap: map(10) { _, _ in 0.7 }, mask: mask(10) { $0 < 5 && $1 < 5 }))
        XCTAssertEqual(score.energyInMask, 0.25, accuracy: 1e-12)
        XCTAssertTrue(score.pointingHit)  // the first maximum is (0, 0), inside
    }

    /// The peak far from the lesion: a miss, and the energy share from the values.
    func testPeakOutsideTheLesionIsAMiss() throws {
        // 1 everywhere, 10 at (9, 9); lesion = the 3×3 top-left corner: E = 9 / (99 + 10).
        let cam = map(10) { x, y in x == 9 && y == 9 ? 10 : 1 }
        let score = try XCTUnwrap(Localisation.score(heatMap: cam, mask: mask(10) { $0 < 3 && $1 < 3 }))
        XCTAssertEqual(score.energyInMask, 9.0 / 109.0, accuracy: 1e-12)
        XCTAssertFalse(score.pointingHit)
    }

    /// τ = 15 px at 224: a lesion pixel at distance 15 (or 14.87) hits; at 16 (or 15.56) misses.
    func testToleranceAt224() {
        let cam = map(224) { x, y in x == 100 && y == 100 ? 1 : 0 }
        func hit(_ dx: Int, _ dy: Int) -> Bool {
            Localisation.score(heatMap: cam, mask: mask(224) { $0 == 100 + dx && $1 == 100 + dy })!.pointingHit
        }
        XCTAssertEqual(Localisation.tolerance(width: 224, height: 224), 15)
        XCTAssertTrue(hit(15, 0))
        XCTAssertTrue(hit(0, -15))
        XCTAssertTrue(hit(10, 11))    // √221 ≈ 14.87
        XCTAssertFalse(hit(16, 0))
        XCTAssertFalse(hit(11, 11))   // √242 ≈ 15.56
    }

    /// τ scales with the map: 7.5 px at 112.
    func testToleranceScalesWithSize() {
        XCTAssertEqual(Localisation.tolerance(width: 112, height: 112), 7.5)
        XCTAssertEqual(Localisation.tolerance(width: 448, height: 224), 22.5)
        let cam = map(112) { x, y in x == 50 && y == 50 ? 1 : 0 }
        XCTAssertTrue(Localisation.score(heatMap: cam, mask: mask(112) { $0 == 57 && $1 == 50 })!.pointingHit)
        XCTAssertFalse(Localisation.score(heatMap: cam, mask: mask(112) { $0 == 58 && $1 == 50 })!.pointingHit)
    }

    /// A 20-px mask over a 10-px map is sampled by nearest neighbour: its left half (x < 10)
    /// becomes the map's columns 0...4. Map 1 on the left and 3 on the right: E = 50 / 200.
    func testMaskIsResizedToTheMapByNearestNeighbour() throws {
        let lesion = Localisation.lesionPixels(mask: mask(20) { x, _ in x < 10 }, width: 10, height: 10)
        XCTAssertEqual(lesion.filter { $0 }.count, 50)
        XCTAssertTrue((0..<10).allSatisfy { y in lesion[y * 10 + 4] && !lesion[y * 10 + 5] })
        let cam = map(10) { x, _ in x < 5 ? 1 : 3 }
        let score = try XCTUnwrap(Localisation.score(heatMap: cam, mask: mask(20) { x, _ in x < 10 }))
        XCTAssertEqual(score.energyInMask, 0.25, accuracy: 1e-12)
        XCTAssertFalse(score.pointingHit)  // the first maximum is (5, 0), 1 px from the lesion, τ = 0.67
    }

    func testUndefinedScoresAreNil() {
        XCTAssertNil(Localisation.score(heatMap: map(8) { _, _ in 1 }, mask: mask(8) { _, _ in false }))
        XCTAssertNil(Localisation.score(heatMap: map(8) { _, _ in 0 }, mask: mask(8) { _, _ in true }))
    }

    func testSummaryOverCases() throws {
        let summary = LocalisationSummary(scores: [
            LocalisationScore(energyInMask: 0.5, pointingHit: true),
            LocalisationScore(energyInMask: 0.25, pointingHit: false),
            nil,
            LocalisationScore(energyInMask: 1.0, pointingHit: true),
        ])
        XCTAssertEqual(summary.count, 3)
        XCTAssertEqual(summary.hits, 2)
        XCTAssertEqual(try XCTUnwrap(summary.meanEnergyInMask), 1.75 / 3, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(summary.hitRate), 2.0 / 3, accuracy: 1e-12)
        let empty = LocalisationSummary(scores: [nil])
        XCTAssertEqual(empty.count, 0)
        XCTAssertNil(empty.meanEnergyInMask)
        XCTAssertNil(empty.hitRate)
    }
}

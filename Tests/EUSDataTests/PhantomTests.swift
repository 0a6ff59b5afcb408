@testable import EUSData
import TestHelpers
import EUSImage
import EUSSupport
import Foundation
import XCTest

final class PhantomTests: XCTestCase {
    override func setUp() { EUSSupport.Progress.enabled = false }

    func files(_ root: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        for case let url as URL in enumerator where !url.hasDirectoryPath {
            result[String(url.path.dropFirst(root.path.count))] = try Data(contentsOf: url)
        }
        return result
    }

    func testSameSeedGivesByteIdenticalFilesAndAnotherSeedDoesNot() throws {
        let folder = try temporaryDirectory(self)
        let settings = Phantom.Settings(gist: 5, lm: 4, size: 64, seed: 11, difficulty: 0.3)
        try Phantom.write(settings, to: folder.appendingPathComponent("a"))
        try Phantom.write(settings, to: folder.appendingPathComponent("b"))
        var other = settings
        other.seed = 12
        try Phantom.write(other, to: folder.appendingPathComponent("c"))
        let a = try files(folder.appendingPathComponent("a")), b = try files(folder.appendingPathComponent("b"))
        XCTAssertEqual(a.count, 9 * 2 + 1, "images, masks and the manifest")
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        for (name, data) in a { XCTAssertEqual(data, b[name], "\(name) differs between runs") }
        let c = try files(folder.appendingPathComponent("c"))
        XCTAssertNotEqual(a["/GIST/gist_001.png"], c["/GIST/gist_001.png"])
        // Thread count does not matter.
        let one = Phantom.generate(settings, threads: 1), two = Phantom.generate(settings, threads: 2)
        XCTAssertEqual(one.map(\.image), two.map(\.image))
    }

    func testOutputFolderIsADatasetWithMasksAndAManifest() throws {
        let folder = try temporaryDirectory(self).appendingPathComponent("phantom")
        try Phantom.write(Phantom.Settings(gist: 3, lm: 4, size: 48, seed: 2), to: folder)
        let dataset = try Dataset.load(folder)
        XCTAssertEqual(dataset.classNames, ["GIST", "LM"])
        XCTAssertEqual(dataset.classCounts, [3, 4])
        XCTAssertEqual(dataset.cases.map(\.id), ["gist_001", "gist_002", "gist_003", "lm_001", "lm_002", "lm_003", "lm_004"])
        XCTAssert(dataset.cases.allSatisfy { $0.maskPath != nil })
        let manifest = try Dataset.load(folder.appendingPathComponent("manifest.csv"))
        XCTAssertEqual(manifest.cases.map(\.id), dataset.cases.map(\.id))
        let table = try CSVTable(contentsOf: folder.appendingPathComponent("manifest.csv"))
        XCTAssertEqual(table.header, ["case_id", "path", "label", "mask_path"] + PhantomParameters.manifestColumns)
        XCTAssertEqual(table.rows.first?[try table.column("origin_layer")], "4")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("contact_sheet.png").path),
                       "the contact sheet is drawn only when the caller gives a renderer")
        let image = try ImageDecoder.decode(dataset.cases[0].path)
        XCTAssertEqual([image.width, image.height, image.channels, image.bitDepth], [48, 48, 1, 8])
    }

    /// Each mask is non-empty, the whole lesion lies inside the field of view (its border is
    /// tested at every pixel, in the field of view or not), the mask contains the lesion's
    /// centre, and the lesion is darker on average than the wall around it.
    func testMasksCoverEachLesion() throws {
        for (size, seed) in [(128, UInt64(5)), (64, UInt64(6))] {
            let settings = Phantom.Settings(gist: 12, lm: 12, size: size, seed: seed)
            for c in Phantom.generate(settings) { try checkLesion(c, size: size) }
        }
    }

    func checkLesion(_ c: Phantom.Case, size: Int) throws {
        let p = c.parameters, scene = PhantomScene(p, size: size)
        let g = scene.geometry
        var inside: [Double] = [], wall: [Double] = []
        for y in 0..<size {
            for x in 0..<size {
                let (r, theta) = g.polar(x: Double(x) + 0.5, y: Double(y) + 0.5)
                let (t, d) = scene.wallCoordinates(r: r, theta: theta)
                let lesion = scene.lesionRadius(t: t, d: d)
                let value = c.mask.pixels[y * size + x]
                XCTAssert(value == 0 || value == 255)
                XCTAssertEqual(value == 255, lesion < 1, "\(p.caseID): mask and lesion disagree at (\(x), \(y))")
                if lesion < 1 {
                    XCTAssert(g.inFieldOfView(r: r, theta: theta), "\(p.caseID): lesion outside the field of view at (\(x), \(y))")
                    inside.append(Double(c.image.pixels[y * size + x]))
                }
                if abs(t) < 2 * p.semiAxisAlong && lesion > 1.3 && d >= 0 && d <= p.wallThickness && g.inFieldOfView(r: r, theta: theta) {
                    wall.append(Double(c.image.pixels[y * size + x]))
                }
            }
        }
        XCTAssertGreaterThan(inside.count, size / 8, "\(p.caseID): mask too small")
        let lesionMean = inside.reduce(0, +) / Double(inside.count), wallMean = wall.reduce(0, +) / Double(wall.count)
        XCTAssertLessThan(lesionMean, wallMean, "\(p.caseID): lesion \(lesionMean) not darker than the wall \(wallMean)")
        let (cx, cy) = g.cartesian(r: scene.surfaceRadius(scene.phi) + p.centreDepth, theta: scene.phi)
        XCTAssertEqual(c.mask.pixels[Int(cy) * size + Int(cx)], 255, "\(p.caseID): centre outside the mask")
    }

    /// The classes differ as DESIGN.md says: GISTs are larger and more heterogeneous.
    func testClassFeaturesDifferOnAverage() {
        let cases = Phantom.generate(Phantom.Settings(gist: 20, lm: 20, size: 96, seed: 3, difficulty: 0))
        func stats(_ label: String) -> (area: Double, spread: Double) {
            let group = cases.filter { $0.parameters.label == label }
            var area = 0.0, spread = 0.0
            for c in group {
                let values = zip(c.image.pixels, c.mask.pixels).filter { $0.1 == 255 }.map { Double($0.0) }
                let mean = values.reduce(0, +) / Double(values.count)
                area += Double(values.count)
                spread += (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
            }
            return (area / Double(group.count), spread / Double(group.count))
        }
        let gist = stats("GIST"), lm = stats("LM")
        XCTAssertGreaterThan(gist.area, 1.5 * lm.area)
        XCTAssertGreaterThan(gist.spread, lm.spread)
        XCTAssert(cases.allSatisfy { !$0.parameters.atypical }, "difficulty 0 makes no atypical cases")
    }

    /// Measured as CPU time (all threads), which bounds the wall time on one idle core and
    /// does not depend on what else the machine is running.
    func testDefaultPhantomRendersInUnderTenSeconds() {
        func cpuSeconds() -> Double {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        let start = Date(), cpuStart = cpuSeconds()
        let cases = Phantom.generate(Phantom.Settings())
        let cpu = cpuSeconds() - cpuStart, wall = Date().timeIntervalSince(start)
        print("phantom: 142 cases at 256 px in \(String(format: "%.2f", wall)) s wall, \(String(format: "%.2f", cpu)) s CPU")
        XCTAssertEqual(cases.count, 142)
        XCTAssertLessThan(cpu, 10)
        let atypical = cases.filter(\.parameters.atypical).count
        XCTAssert((8...36).contains(atypical), "\(atypical) atypical cases at difficulty 0.15")
    }

    func testInvalidSettingsAreRefused() {
        assertThrows(try Phantom.Settings(size: 8).validate(), containing: ["--size"])
        assertThrows(try Phantom.Settings(gist: 0).validate(), containing: ["--gist"])
        assertThrows(try Phantom.Settings(difficulty: 1.5).validate(), containing: ["--difficulty"])
    }
}

import EUSData
import EUSSupport
import Foundation
import TestHelpers
import XCTest

final class FoldsTests: XCTestCase {
    func counts(_ folds: Folds, _ dataset: Dataset, repeat r: Int) -> [[Int]] {
        (0..<folds.count).map { folds.classCounts(repeat: r, fold: $0, of: dataset) }
    }

    /// Per class the folds differ by at most one case, and so do their totals, for every k and
    /// class sizes from tiny to the study's; every case is in exactly one fold per repeat.
    func testFoldSizesPerClassAndInTotalDifferByAtMostOne() throws {
        for (gist, lm) in [(69, 73), (5, 5), (7, 11), (14, 3), (30, 31)] {
            let data = memoryDataset(gist: gist, lm: lm)
            for k in [2, 3, 5] where k <= min(gist, lm) {
                let folds = try Folds.stratified(data, folds: k, repeats: 2, seed: 4)
                for r in 0..<2 {
                    XCTAssertEqual(Set(folds.assignments[r].keys), Set(data.cases.map(\.id)))
                    let table = counts(folds, data, repeat: r)
                    for c in 0..<2 {
                        let sizes = table.map { $0[c] }
                        XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "\(gist)+\(lm), k \(k), class \(c): \(sizes)")
                        XCTAssertEqual(sizes.reduce(0, +), c == 0 ? gist : lm)
                    }
                    let totals = table.map { $0.reduce(0, +) }
                    XCTAssertLessThanOrEqual(totals.max()! - totals.min()!, 1, "\(gist)+\(lm), k \(k): totals \(totals)")
                }
            }
        }
    }

    /// The study's 142 cases in 5 folds: 13–14 GIST and 14–15 LM in every fold.
    func testTheStudysCountsInFiveFolds() throws {
        let data = memoryDataset(gist: 69, lm: 73)
        let folds = try Folds.stratified(data, folds: 5)
        XCTAssertEqual(Set(counts(folds, data, repeat: 0).map { $0[0] }), [13, 14])
        XCTAssertEqual(Set(counts(folds, data, repeat: 0).map { $0[1] }), [14, 15])
        XCTAssertTrue(folds.summary(for: data).hasPrefix("fold 1: "), folds.summary(for: data))
    }

    /// No patient in two folds; per class the folds differ by at most one patient's worth.
    func testPatientsShareAFoldAndSizesStayWithinOnePatient() throws {
        // Patients of 1 to 4 images: case i belongs to patient i / 3 of its class, with a few singletons.
        let data = memoryDataset(gist: 40, lm: 37) { label, i in i % 7 == 0 ? nil : "\(label)-\(i / 3)" }
        let largest = Dictionary(grouping: data.cases.compactMap(\.patientID), by: { $0 }).values.map(\.count).max()!
        for k in [3, 5] {
            let folds = try Folds.stratified(data, folds: k, repeats: 3, seed: 9)
            for r in 0..<3 {
                var foldOfPatient: [String: Int] = [:]
                for c in data.cases {
                    guard let patient = c.patientID else { continue }
                    let fold = folds.assignments[r][c.id]!
                    XCTAssertEqual(foldOfPatient[patient, default: fold], fold, "patient \(patient) in two folds")
                    foldOfPatient[patient] = fold
                }
                for c in 0..<2 {
                    let sizes = counts(folds, data, repeat: r).map { $0[c] }
                    XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, largest, "k \(k), class \(c): \(sizes)")
                }
            }
        }
    }

    func testFoldsAreDeterministicAndDependOnSeedAndRepeat() throws {
        let data = memoryDataset(gist: 20, lm: 21)
        let a = try Folds.stratified(data, folds: 4, repeats: 2, seed: 3)
        XCTAssertEqual(a, try Folds.stratified(data, folds: 4, repeats: 2, seed: 3))
        XCTAssertNotEqual(a, try Folds.stratified(data, folds: 4, repeats: 2, seed: 5))
        XCTAssertNotEqual(a.assignments[0], a.assignments[1], "each repeat is drawn anew")
    }

    /// k above the smallest class (or its number of patients) is refused, naming the counts.
    func testTooManyFoldsAreRefused() {
        assertThrows(try Folds.stratified(memoryDataset(gist: 4, lm: 9), folds: 5), containing: ["4 GIST cases", "5 folds", "--folds 4"])
        let grouped = memoryDataset(gist: 9, lm: 9) { label, i in "\(label)-\(i / 3)" }
        assertThrows(try Folds.stratified(grouped, folds: 4), containing: ["3 GIST patients", "4 folds"])
        assertThrows(try Folds.stratified(memoryDataset(gist: 4, lm: 4), folds: 1), containing: ["--folds must be at least 2"])
    }

    func testCSVRoundTripAndErrors() throws {
        let data = memoryDataset(gist: 6, lm: 7)
        let folds = try Folds.stratified(data, folds: 3, repeats: 2)
        let folder = try temporaryDirectory(self)
        let url = folder.appendingPathComponent("folds.csv")
        try folds.write(to: url, for: data)
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("case_id,label,repeat,fold\ngist_0,GIST,1,"), text)
        XCTAssertEqual(text.split(separator: "\n").count, 1 + 2 * 13)
        XCTAssertTrue(try Folds.isFoldFile(url))
        XCTAssertEqual(try Folds.read(url, for: data), folds)
        func check(_ edit: (inout [String]) -> Void, _ fragments: [String]) throws {
            var lines = text.split(separator: "\n").map(String.init)
            edit(&lines)
            try AtomicOutput.write(lines.joined(separator: "\n") + "\n", to: url)
            assertThrows(try Folds.read(url, for: data), containing: [url.path] + fragments)
        }
        try check({ $0[1] = "gist_0,GIST,1,x" }, ["line 2, column fold", "'x'"])
        try check({ $0[1] = "zzz,GIST,1,1" }, ["line 2", "unknown case id 'zzz'"])
        try check({ $0[1] = "gist_0,LM,1,1" }, ["line 2", "label 'LM'"])
        try check({ $0.remove(at: 1) }, ["1 case(s)", "repeat 1", "gist_0"])
        try check({ $0 = [$0[0]] + $0.dropFirst().map { $0.replacingOccurrences(of: ",1,", with: ",3,") } }, ["column repeat"])
    }
}

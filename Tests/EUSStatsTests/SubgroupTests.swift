import Foundation
import XCTest
import EUSSupport
@testable import EUSStats

final class SubgroupTests: XCTestCase {
    /// 8 cases: 4 GIST, 4 LM; one model.
    func table() throws -> PredictionTable {
        try PredictionTable(source: "preds.csv", caseIDs: (1...8).map { "c\($0)" },
                            labels: ["GIST", "GIST", "LM", "LM", "GIST", "GIST", "LM", "LM"],
                            models: [.init(name: "m", scores: [0.9, 0.4, 0.3, 0.6, 0.8, 0.7, 0.2, 0.1])])
    }

    func manifest() -> CSVTable {
        CSVTable(header: ["case_id", "path", "label", "scanner", "size_mm"],
                 rows: (1...8).map { i in
                     ["c\(i)", "x.png", "?", i <= 4 ? "radial" : "linear", ["12", "30", "8", "25", "18", "40", "15", "9"][i - 1]]
                 }, source: "manifest.csv")
    }

    /// One column through the public entry point, joined on case_id.
    func analyse(_ request: SubgroupRequest) throws -> SubgroupAnalysis {
        try SubgroupAnalysis.analyse([request], manifest: manifest(), table: table(), positiveClass: "GIST", threshold: 0.5)[0]
    }

    func testNumericColumnIsCutAtTheMedianOrAtTheGivenCut() throws {
        let byMedian = try analyse(SubgroupRequest(column: "size_mm"))
        XCTAssertEqual(byMedian.kind, "numeric")
        XCTAssertEqual(byMedian.cut, 16.5, "median of 8, 9, 12, 15, 18, 25, 30, 40")
        XCTAssertEqual(byMedian.cutSource, "median")
        XCTAssertEqual(byMedian.groups.map(\.label), ["≤ 16.5", "> 16.5"])
        XCTAssertEqual(byMedian.groups.map(\.n), [4, 4])
        // ≤ 16.5: c1 (GIST 0.9), c3 (LM 0.3), c7 (LM 0.2), c8 (LM 0.1).
        let small = byMedian.groups[0].models[0]
        XCTAssertEqual(small.sensitivity.x, 1)
        XCTAssertEqual(small.sensitivity.n, 1)
        XCTAssertEqual(small.specificity.x, 3)
        XCTAssertEqual(small.auc, 1)
        XCTAssertNil(small.aucCI, "one GIST: no DeLong variance")
        let given = try analyse(SubgroupRequest(column: "size_mm", cut: 20))
        XCTAssertEqual(given.cutSource, "given")
        XCTAssertEqual(given.groups.map(\.label), ["≤ 20", "> 20"])
        XCTAssertEqual(given.groups.map(\.n), [5, 3])
    }

    func testCategoricalColumnGivesOneGroupPerValue() throws {
        let analysis = try analyse(SubgroupRequest(column: "scanner"))
        XCTAssertEqual(analysis.kind, "categorical")
        XCTAssertNil(analysis.cut)
        XCTAssertEqual(analysis.groups.map(\.label), ["linear", "radial"])
        let radial = analysis.groups[1]
        XCTAssertEqual([radial.positives, radial.negatives], [2, 2])
        // radial: GIST 0.9, 0.4; LM 0.3, 0.6 → TP 1, TN 1, AUC (1 + 1 + 1 + 0)/4.
        XCTAssertEqual(radial.models[0].accuracy.value, 0.5)
        XCTAssertEqual(radial.models[0].auc, 0.75)
        XCTAssertNotNil(radial.models[0].aucCI)
    }

    func testMissingColumnIsAnErrorNamingIt() throws {
        XCTAssertThrowsError(try SubgroupAnalysis.values(of: "lesion_size", in: manifest(), caseIDs: ["c1"])) { error in
            let text = "\(error)"
            XCTAssert(text.contains("manifest.csv"), text)
            XCTAssert(text.contains("lesion_size"), text)
            XCTAssert(text.contains("no such column"), text)
            XCTAssert(text.contains("scanner"), "lists the columns there are: \(text)")
        }
        XCTAssertThrowsError(try SubgroupAnalysis.values(of: "scanner", in: manifest(), caseIDs: ["c99"])) { error in
            XCTAssert("\(error)".contains("c99"))
        }
    }

    func testOneClassSubgroupReportsWhatItCannotDefineAsNil() throws {
        let table = try table()
        let values = ["a", "a", "b", "b", "a", "a", "b", "b"]  // a: all GIST, b: all LM
        let analysis = SubgroupAnalysis(SubgroupRequest(column: "grp"), values: values, table: table,
                                        positiveClass: "GIST", threshold: 0.5)
        let allGIST = analysis.groups[0].models[0], allLM = analysis.groups[1].models[0]
        XCTAssertNil(allGIST.specificity.value)
        XCTAssertNil(allGIST.specificity.wilson)
        XCTAssertNotNil(allGIST.sensitivity.value)
        XCTAssertNil(allGIST.auc)
        XCTAssertEqual(allGIST.note?.contains("specificity and AUC are undefined"), true)
        XCTAssertNil(allLM.sensitivity.value)
        XCTAssertEqual(allLM.note?.contains("sensitivity and AUC are undefined"), true)
        let json = String(decoding: try JSONFile.encode(analysis), as: UTF8.self)
        XCTAssert(json.contains("\"auc\" : null"), "undefined values are written as null")
        XCTAssertFalse(json.contains("NaN"))
    }

    func testEmptyValuesFormAMissingGroup() throws {
        let table = try table()
        let analysis = SubgroupAnalysis(SubgroupRequest(column: "size"), values: ["1", "", "3", "4", "5", "6", "7", "8"],
                                        table: table, positiveClass: "GIST", threshold: 0.5)
        XCTAssertEqual(analysis.kind, "numeric")
        XCTAssertEqual(analysis.groups.map(\.label), ["≤ 5", "> 5", "missing"])
        XCTAssertEqual(analysis.groups.map(\.n), [4, 3, 1])
    }
}

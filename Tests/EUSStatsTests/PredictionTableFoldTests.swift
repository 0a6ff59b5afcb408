import Foundation
import XCTest
import EUSSupport
@testable import EUSStats

/// The optional `fold` and `repeat` columns of a predictions CSV (out-of-fold predictions).
final class PredictionTableFoldTests: XCTestCase {
    func table(_ text: String) throws -> PredictionTable {
        try PredictionTable(csv: CSVTable(parsing: text, source: "p.csv"))
    }

    func assertError(_ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try table(text), file: file, line: line) { error in
            XCTAssertEqual((error as? UserError)?.message, expected, file: file, line: line)
        }
    }

    func testFoldAndRepeatAreReadAndAreNotModels() throws {
        let t = try table("""
        case_id,label,repeat,fold,resnet34
        a,GIST,1,1,0.9
        b,LM,1,2,0.2
        a,GIST,2,2,0.8
        b,LM,2,1,0.3
        """)
        XCTAssertEqual(t.models.map(\.name), ["resnet34"])
        XCTAssertEqual(t.foldColumns, PredictionTable.FoldColumns(repeats: [1, 1, 2, 2], folds: [1, 2, 2, 1]))
        XCTAssertEqual(t.foldColumns?.repeatNumbers, [1, 2])
        XCTAssertEqual(t.foldColumns?.foldRows.map { "\($0.repeatNumber).\($0.fold):\($0.rows)" },
                       ["1.1:[0]", "1.2:[1]", "2.1:[3]", "2.2:[2]"])
        let second = try t.table(ofRepeat: 2)
        XCTAssertEqual(second.caseIDs, ["a", "b"])
        XCTAssertEqual(second.models[0].scores, [0.8, 0.3])
        XCTAssertNil(second.foldColumns)
    }

    /// Without a `repeat` column every row is repeat 1; 0-based folds are fine.
    func testRepeatDefaultsToOne() throws {
        let t = try table("case_id,label,m,fold\na,GIST,0.9,0\nb,LM,0.1,1\nc,LM,0.4, 1 \n")
        XCTAssertEqual(t.foldColumns, PredictionTable.FoldColumns(repeats: [1, 1, 1], folds: [0, 1, 1]))
    }

    /// A CSV without the columns is a hold-out table, as before.
    func testNoFoldColumnIsAHoldOutTable() throws {
        let t = try table("case_id,label,m\na,GIST,0.9\nb,LM,0.1\n")
        XCTAssertNil(t.foldColumns)
        assertError("case_id,label,m\na,GIST,0.3\nb,LM,0.4\na,LM,0.1\n",
                    "p.csv line 4, column case_id: duplicate case id 'a' (first on line 2)")
    }

    func testBadFoldValuesNameLineAndColumn() {
        assertError("case_id,label,m,fold\na,GIST,0.9,1\nb,LM,0.1,x\n",
                    "p.csv line 3, column fold: 'x' is not a whole number (expected the fold, a whole number ≥ 0)")
        assertError("case_id,label,m,fold\na,GIST,0.9,1.5\nb,LM,0.1,2\n",
                    "p.csv line 2, column fold: '1.5' is not a whole number (expected the fold, a whole number ≥ 0)")
        assertError("case_id,label,m,fold\na,GIST,0.9,1\nb,LM,0.1,\n",
                    "p.csv line 3, column fold: missing value (expected the fold, a whole number ≥ 0)")
        assertError("case_id,label,m,fold\na,GIST,0.9,-1\nb,LM,0.1,2\n",
                    "p.csv line 2, column fold: -1 is negative (expected the fold, a whole number ≥ 0)")
        assertError("case_id,label,m,fold,repeat\na,GIST,0.9,1,one\nb,LM,0.1,2,1\n",
                    "p.csv line 2, column repeat: 'one' is not a whole number (expected the repeat, a whole number ≥ 0)")
        assertError("case_id,label,m,repeat\na,GIST,0.9,1\nb,LM,0.1,1\n",
                    "p.csv: column 'repeat' without a 'fold' column (out-of-fold predictions give the fold of every case, and the repeat when repeated)")
        assertError("case_id,label,m,fold,fold\na,GIST,0.9,1,1\nb,LM,0.1,2,2\n",
                    "p.csv: column 'fold' appears more than once in the header")
    }

    func testFoldStructureErrors() {
        assertError("case_id,label,m,fold\na,GIST,0.9,1\nb,LM,0.1,1\n",
                    "p.csv, column fold: repeat 1 has a single fold (1); cross-validation needs at least 2 folds per repeat")
        assertError("case_id,label,m,fold\na,GIST,0.9,1\nb,LM,0.1,2\na,GIST,0.8,2\n",
                    "p.csv line 4, column case_id: duplicate case id 'a' in repeat 1 (first on line 2)")
        assertError("case_id,label,m,repeat,fold\na,GIST,0.9,1,1\nb,LM,0.1,1,2\na,LM,0.8,2,1\nb,LM,0.2,2,2\n",
                    "p.csv line 4, column label: case 'a' is 'LM' here but 'GIST' on line 2")
        assertError("case_id,label,m,repeat,fold\na,GIST,0.9,1,1\nb,LM,0.1,1,2\nc,LM,0.3,1,2\na,GIST,0.8,2,1\nc,LM,0.2,2,2\n",
                    "p.csv, column repeat: repeat 2 has no row for case 'b' (line 3); every repeat predicts every case once")
        assertError("case_id,label,m,repeat,fold\na,GIST,0.9,1,1\nb,LM,0.1,1,2\nc,LM,0.3,1,3\na,GIST,0.8,2,1\nb,LM,0.2,2,2\nc,LM,0.2,2,2\n",
                    "p.csv, column fold: repeat 2 has 2 folds but repeat 1 has 3; every repeat needs the same number of folds")
    }

    /// A table built in code is checked the same way.
    func testCodeTablesAreChecked() {
        XCTAssertThrowsError(try PredictionTable(source: "oof", caseIDs: ["a", "b"], labels: ["GIST", "LM"],
                                                 models: [.init(name: "m", scores: [0.9, 0.1])],
                                                 foldColumns: .init(repeats: [1, 1], folds: [1, -2]))) { error in
            XCTAssertEqual((error as? UserError)?.message,
                           "oof line 3, column fold: -2 is negative (expected the fold, a whole number ≥ 0)")
        }
    }
}

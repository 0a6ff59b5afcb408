import Foundation
import XCTest
import EUSSupport
@testable import EUSStats

final class PredictionTableTests: XCTestCase {
    func table(_ text: String) throws -> PredictionTable {
        try PredictionTable(csv: CSVTable(parsing: text, source: "p.csv"))
    }

    func assertError(_ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try table(text), file: file, line: line) { error in
            XCTAssertEqual((error as? UserError)?.message, expected, file: file, line: line)
        }
    }

    /// Model columns are every column but the known ones and the per-model suffixes.
    func testModelColumnsFollowTheFormat() throws {
        let t = try table("""
        case_id,path,label,resnet34,resnet50,resnet34_call,resnet34_correct,resnet34_cam_energy,resnet34_cam_hit,mask_path,patient_id,partition
        a,a.png,GIST,0.9,0.8,GIST,true,0.5,1,m.png,p1,validation
        b,b.png,LM,0.1,0.6,LM,true,0.2,0,m.png,p2,validation
        """)
        XCTAssertEqual(t.models.map(\.name), ["resnet34", "resnet50"])
        XCTAssertEqual(t.models[1].scores, [0.8, 0.6])
        XCTAssertEqual(t.caseIDs, ["a", "b"])
        XCTAssertEqual(t.labels, ["GIST", "LM"])
        XCTAssertEqual(t.classes, ["GIST", "LM"])
    }

    func testMinimalTableFromAnyTrainer() throws {
        let t = try table("case_id,label,net\n1,LM,0\n2,GIST,1\n3,LM, 0.25 \n")
        XCTAssertEqual(t.models, [PredictionTable.Model(name: "net", scores: [0, 1, 0.25])])
    }

    /// Every bad input names the file, the spreadsheet line (header = 1) and the column.
    func testErrorsNameRowAndColumn() {
        assertError("case_id,label,m\na,GIST,0.2\nb,LM,abc\n",
                    "p.csv line 3, column m: 'abc' is not a number (expected P(positive) in [0,1])")
        assertError("case_id,label,m\na,GIST,1.5\nb,LM,0.1\n", "p.csv line 2, column m: 1.5 is outside [0,1]")
        assertError("case_id,label,m\na,GIST,-0.1\nb,LM,0.1\n", "p.csv line 2, column m: -0.1 is outside [0,1]")
        assertError("case_id,label,m\na,GIST,nan\nb,LM,0.1\n", "p.csv line 2, column m: nan is outside [0,1]")
        assertError("case_id,label,m\na,GIST,0.3\nb,LM,\n",
                    "p.csv line 3, column m: missing value (expected P(positive) in [0,1])")
        assertError("case_id,label,m\na,GIST,0.3\nb,,0.4\n", "p.csv line 3, column label: missing label")
        assertError("case_id,label,m\na,GIST,0.3\n,LM,0.4\n", "p.csv line 3, column case_id: missing case id")
        assertError("case_id,label,m\na,GIST,0.3\nb,LM,0.4\na,LM,0.1\n",
                    "p.csv line 4, column case_id: duplicate case id 'a' (first on line 2)")
        assertError("case_id,label,m\na,GIST,0.3\nb,GIST,0.4\n",
                    "p.csv, column label: only one class ('GIST') in 2 rows; metrics need cases of both classes")
        assertError("case_id,label,m\na,GIST,0.3\nb,LM,0.4\nc,SCHW,0.4\n",
                    "p.csv line 4, column label: a third class 'SCHW' (already GIST, LM); metrics compare exactly two classes")
        assertError("case_id,label,path,m_call\na,GIST,x.png,GIST\nb,LM,y.png,LM\n",
                    "p.csv: no model columns (columns: case_id,label,path,m_call); expected case_id,label,<model>... with each model's P(positive) in [0,1]")
        assertError("case_id,label,m\n", "p.csv: no rows after the header")
        assertError("case_id,label,m,m\na,GIST,0.1,0.2\n", "p.csv: column 'm' appears more than once in the header")
        assertError("id,label,m\na,GIST,0.3\n", "p.csv: missing column 'case_id' (columns: id,label,m)")
    }

    func testByteOrderMarkIsIgnored() throws {
        let t = try table("\u{FEFF}case_id,label,m\na,GIST,0.9\nb,LM,0.1\n")
        XCTAssertEqual(t.caseIDs, ["a", "b"])
    }

    func testMissingFileIsAUserError() {
        XCTAssertThrowsError(try PredictionTable(contentsOf: URL(fileURLWithPath: "/nonexistent/p.csv"))) { error in
            XCTAssertEqual((error as? UserError)?.message, "/nonexistent/p.csv: cannot read the file (missing or unreadable)")
        }
    }
}

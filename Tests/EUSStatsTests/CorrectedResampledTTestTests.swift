import Foundation
import XCTest
import EUSSupport
@testable import EUSStats

final class CorrectedResampledTTestTests: XCTestCase {
    struct Reference: Decodable {
        struct Case: Decodable {
            var name: String
            var folds: Int
            var repeats: Int
            var n_train: Double
            var n_test: Double
            var scores_a: [Double]
            var scores_b: [Double]
            var differences: [Double]
            var df: Int
            var mean_difference: Double
            var sd: Double
            var corrected_sd: Double
            var t: Double
            var p: Double
            var t_critical: Double
            var ci: [Double]
        }
        var versions: [String: String]
        var alpha: Double
        var cases: [Case]
    }

    /// t, p and the 95% CI against scikit-learn's `corrected_std` / `compute_corrected_ttest`
    /// and scipy's `t.ppf` (scripts/make_cv_ttest_fixture.py), within 1e-9.
    func testMatchesTheScikitLearnExample() throws {
        let reference = try Fixtures.load(Reference.self, "corrected_ttest")
        XCTAssertEqual(reference.cases.count, 6)
        var worst = (t: 0.0, p: 0.0, ci: 0.0)
        for c in reference.cases {
            let differences = zip(c.scores_a, c.scores_b).map { $0 - $1 }
            XCTAssertEqual(differences, c.differences, "\(c.name): A − B as numpy computes it")
            XCTAssertEqual(differences.count, c.folds * c.repeats)
            let test = CorrectedResampledTTest(differences: differences, nTrain: c.n_train, nTest: c.n_test,
                                               alpha: reference.alpha)
            XCTAssertNil(test.reason, c.name)
            XCTAssertEqual(test.df, c.df, c.name)
            assertClose(test.meanDifference, c.mean_difference, tolerance: 1e-15, c.name)
            assertClose(test.sd, c.sd, tolerance: 1e-15, c.name)
            assertClose(test.correctedSD, c.corrected_sd, tolerance: 1e-15, c.name)
            assertClose(test.t, c.t, tolerance: 1e-9, c.name)
            assertClose(test.p, c.p, tolerance: 1e-9, c.name)
            assertClose(test.ci?.lower, c.ci[0], tolerance: 1e-9, c.name)
            assertClose(test.ci?.upper, c.ci[1], tolerance: 1e-9, c.name)
            assertClose(StudentT.twoSidedCriticalValue(alpha: 0.05, degreesOfFreedom: Double(c.df)), c.t_critical,
                        tolerance: 1e-9, c.name)
            if let t = test.t, let p = test.p, let ci = test.ci {
                worst.t = max(worst.t, abs(t - c.t))
                worst.p = max(worst.p, abs(p - c.p))
                worst.ci = max(worst.ci, abs(ci.lower - c.ci[0]), abs(ci.upper - c.ci[1]))
                XCTAssertLessThanOrEqual(abs(p - c.p), 1e-9 * c.p + 1e-300, "\(c.name): p to 1e-9 relative as well")
            }
        }
        print("corrected t-test vs scikit-learn \(reference.versions["scikit-learn"] ?? "?"): "
              + "max |Δt| \(worst.t), max |Δp| \(worst.p), max |ΔCI| \(worst.ci)")
    }

    /// The doc comment's worked example.
    func testWorkedExample() {
        let test = CorrectedResampledTTest(differences: [0.02, 0.04, 0.00, 0.06, 0.03], nTrain: 120, nTest: 30)
        assertClose(test.meanDifference, 0.03, tolerance: 1e-15)
        assertClose(test.sd, 0.0005.squareRoot(), tolerance: 1e-15)
        assertClose(test.correctedSD, 0.015, tolerance: 1e-15)
        assertClose(test.t, 2, tolerance: 1e-12)
        XCTAssertEqual(test.df, 4)
        assertClose(test.p, 0.11611652351681556, tolerance: 1e-12)  // scipy 2 * t.sf(2, 4)
        assertClose(test.ci?.lower, -0.011646676577966898, tolerance: 1e-12)
        assertClose(test.ci?.upper, 0.07164667657796689, tolerance: 1e-12)
    }

    /// A − B and B − A: t and the interval change sign, p stays.
    func testSwappingTheModelsFlipsTheSign() {
        let d = [0.03, -0.01, 0.05, 0.02, 0.00, 0.04]
        let ab = CorrectedResampledTTest(differences: d, nTrain: 100, nTest: 20)
        let ba = CorrectedResampledTTest(differences: d.map { -$0 }, nTrain: 100, nTest: 20)
        assertClose(ba.t, -ab.t!, tolerance: 1e-15)
        assertClose(ba.p, ab.p!, tolerance: 1e-15)
        assertClose(ba.ci?.lower, -ab.ci!.upper, tolerance: 1e-15)
        assertClose(ba.ci?.upper, -ab.ci!.lower, tolerance: 1e-15)
    }

    /// Fewer than 2 folds and zero variance: nil t, p and CI with a reason, never NaN; and
    /// metrics.json writes them as explicit nulls.
    func testDegenerateInputHasAReason() throws {
        let none = CorrectedResampledTTest(differences: [], nTrain: 100, nTest: 25)
        XCTAssertNil(none.meanDifference)
        XCTAssertNil(none.t)
        XCTAssertEqual(none.df, 0)
        XCTAssertEqual(none.reason, "no folds to compare")
        let one = CorrectedResampledTTest(differences: [0.04], nTrain: 100, nTest: 25)
        XCTAssertEqual(one.meanDifference, 0.04)
        XCTAssertNil(one.sd)
        XCTAssertNil(one.correctedSD)
        XCTAssertNil(one.p)
        XCTAssertNil(one.ci)
        XCTAssertEqual(one.reason, "one fold only: the t-test needs at least 2 per-fold differences")
        for constant in [0.0, 0.05] {
            let flat = CorrectedResampledTTest(differences: [constant, constant, constant, constant, constant],
                                               nTrain: 100, nTest: 25)
            XCTAssertEqual(flat.meanDifference, constant)
            XCTAssertEqual(flat.sd, 0)
            XCTAssertEqual(flat.correctedSD, 0)
            XCTAssertEqual(flat.df, 4)
            XCTAssertNil(flat.t)
            XCTAssertNil(flat.p)
            XCTAssertNil(flat.ci)
            XCTAssertEqual(flat.reason, "the per-fold differences are all equal (zero variance): t is undefined")
        }
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONFile.encode(one)) as? [String: Any])
        XCTAssertEqual(Set(json.keys), ["differences", "n_train", "n_test", "mean_difference", "sd", "corrected_sd",
                                        "t", "df", "p", "ci", "reason"])
        for key in ["sd", "corrected_sd", "t", "p", "ci"] { XCTAssertTrue(json[key] is NSNull, key) }
        XCTAssertEqual(json["differences"] as? [Double], [0.04])
        XCTAssertEqual(json["n_test"] as? Double, 25)
    }

    func testRoundTripsThroughJSON() throws {
        let test = CorrectedResampledTTest(differences: [0.02, 0.04, 0.00, 0.06, 0.03], nTrain: 113.6, nTest: 28.4)
        XCTAssertEqual(try JSONDecoder().decode(CorrectedResampledTTest.self, from: JSONFile.encode(test)), test)
    }

    /// Student's t against scipy 1.17.1 (`2 * t.sf(abs(x), df)`, `t.sf`, `t.ppf`).
    func testStudentTAgainstScipy() {
        let critical: [(df: Double, q975: Double, q995: Double, p35: Double)] = [
            (1, 12.706204736174694, 63.656741162871526, 0.17717106556580953),
            (2, 4.302652729749462, 9.924843200918287, 0.07282735005446933),
            (4, 2.7764451051977934, 4.604094871349992, 0.024896163460222748),
            (9, 2.262157162798205, 3.249835541592126, 0.006723515763058959),
            (29, 2.045229642132703, 2.756385903670605, 0.0015244463146546023),
            (100, 1.9839715185235518, 2.6258905214380173, 0.0006964277173562688),
        ]
        for row in critical {
            assertClose(StudentT.twoSidedCriticalValue(alpha: 0.05, degreesOfFreedom: row.df), row.q975,
                        tolerance: 1e-12 * row.q975, "df \(row.df)")
            assertClose(StudentT.twoSidedCriticalValue(alpha: 0.01, degreesOfFreedom: row.df), row.q995,
                        tolerance: 1e-12 * row.q995, "df \(row.df)")
            assertClose(StudentT.twoSidedP(3.5, degreesOfFreedom: row.df), row.p35, tolerance: 1e-13 * row.p35, "df \(row.df)")
            assertClose(StudentT.twoSidedP(-3.5, degreesOfFreedom: row.df), row.p35, tolerance: 1e-13 * row.p35, "df \(row.df)")
        }
        assertClose(StudentT.twoSidedP(0.1, degreesOfFreedom: 29), 0.9210324444873739, tolerance: 1e-14)
        assertClose(StudentT.twoSidedP(40, degreesOfFreedom: 29), 6.346877329729342e-27, tolerance: 1e-12 * 6.35e-27)
        assertClose(StudentT.survival(-1.3, degreesOfFreedom: 7), 0.8826160823038114, tolerance: 1e-14)
        assertClose(StudentT.twoSidedP(2.7764451051977934, degreesOfFreedom: 4), 0.05, tolerance: 1e-14)  // the doc's example
        XCTAssertEqual(StudentT.twoSidedP(0, degreesOfFreedom: 5), 1)
        XCTAssertEqual(StudentT.twoSidedP(.infinity, degreesOfFreedom: 5), 0)
    }
}

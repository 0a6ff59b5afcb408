import XCTest
@testable import EUSStats

/// Cohen's and Fleiss' κ against statsmodels 0.15.0 (Fixtures/kappa.json, made by
/// scripts/make_kappa_fixtures.py), and Newcombe's paired-difference interval against a
/// published worked example.
final class KappaAndPairedDifferenceTests: XCTestCase {
    struct KappaFixture: Decodable {
        struct Cohen: Decodable {
            var table: [[Int]]
            var kappa: Double
            var var_kappa: Double
            var std_kappa: Double
            var kappa_low: Double
            var kappa_upp: Double
        }
        struct Fleiss: Decodable {
            var table: [[Int]]
            var kappa: Double
        }
        var cohen: [Cohen]
        var fleiss: [Fleiss]
    }

    func testCohenKappaMatchesStatsmodelsWithin1e9() throws {
        let fixture = try Fixtures.load(KappaFixture.self, "kappa")
        XCTAssertEqual(fixture.cohen.count, 12)
        var worst = 0.0
        for reference in fixture.cohen {
            let result = try XCTUnwrap(Kappa.cohen(reference.table), "\(reference.table)")
            for (ours, theirs) in [(result.kappa, reference.kappa), (result.standardError * result.standardError, reference.var_kappa),
                                   (result.standardError, reference.std_kappa), (result.interval.lower, reference.kappa_low),
                                   (result.interval.upper, reference.kappa_upp)] {
                worst = max(worst, abs(ours - theirs))
                XCTAssertEqual(ours, theirs, accuracy: 1e-9, "\(reference.table)")
            }
        }
        XCTAssertLessThan(worst, 1e-9)
    }

    func testFleissKappaMatchesStatsmodelsWithin1e9() throws {
        let fixture = try Fixtures.load(KappaFixture.self, "kappa")
        XCTAssertEqual(fixture.fleiss.count, 5)
        for reference in fixture.fleiss {
            XCTAssertEqual(try XCTUnwrap(Kappa.fleiss(reference.table)), reference.kappa, accuracy: 1e-9)
        }
    }

    func testKappaWorkedExamplesAndDegenerateInput() throws {
        let cohen = try XCTUnwrap(Kappa.cohen([[20, 5], [10, 15]]))
        XCTAssertEqual(cohen.observedAgreement, 0.7, accuracy: 1e-15)
        XCTAssertEqual(cohen.expectedAgreement, 0.5, accuracy: 1e-15)
        XCTAssertEqual(cohen.kappa, 0.4, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(Kappa.fleiss([[3, 0], [0, 3], [2, 1], [1, 2]])), 1.0 / 3, accuracy: 1e-15)
        // Calls as booleans give the same table.
        let a = [true, true, false, false, true], b = [true, false, false, true, true]
        XCTAssertEqual(Kappa.cohen(a, b), Kappa.cohen([[2, 1], [1, 1]]))
        XCTAssertEqual(Kappa.fleiss([a, b]), Kappa.fleiss([[2, 0], [1, 1], [0, 2], [1, 1], [2, 0]]))
        // Undefined: no cases, or both raters call everything positive (p_e = 1).
        XCTAssertNil(Kappa.cohen([[0, 0], [0, 0]]))
        XCTAssertNil(Kappa.cohen([[5, 0], [0, 0]]))
        XCTAssertNil(Kappa.fleiss([[3, 0], [3, 0]]))
        XCTAssertNil(Kappa.fleiss([[1, 0], [0, 1]]), "one rater per subject")
        XCTAssertNil(Kappa.fleiss([[Int]]()))
    }

    /// Fagerland MW, Lydersen S, Laake P (2014) Recommended tests and confidence intervals for
    /// paired binomial proportions, Stat Med 33:2850–2875, worked example of complete response
    /// before and after consolidation therapy (Cavo et al. 2012): the table [[59, 6], [16, 80]]
    /// gives the Newcombe square-and-add (method 10) interval −0.1186 to −0.0046 for the
    /// estimate −0.0621, printed to 4 decimals (also the value asserted by the contingencytables
    /// R package, which implements the book's methods, in tests/testthat/test-ch8.R).
    func testNewcombeMethod10MatchesPublishedWorkedExample() throws {
        let interval = try XCTUnwrap(PairedProportionDifference.newcombe(a: 59, b: 6, c: 16, d: 80))
        XCTAssertEqual(Double(6 - 16) / 161, -0.0621, accuracy: 5e-5)
        XCTAssertEqual(interval.lower, -0.1186, accuracy: 5e-5)
        XCTAssertEqual(interval.upper, -0.0046, accuracy: 5e-5)
    }

    func testNewcombeDegenerateAndSymmetricInput() throws {
        XCTAssertNil(PairedProportionDifference.newcombe(a: 0, b: 0, c: 0, d: 0))
        // Swapping A and B mirrors the interval.
        let forward = try XCTUnwrap(PairedProportionDifference.newcombe(a: 10, b: 4, c: 1, d: 5))
        let backward = try XCTUnwrap(PairedProportionDifference.newcombe(a: 10, b: 1, c: 4, d: 5))
        XCTAssertEqual(forward.lower, -backward.upper, accuracy: 1e-12)
        XCTAssertEqual(forward.upper, -backward.lower, accuracy: 1e-12)
        XCTAssertTrue(forward.lower < 0.15 && 0.15 < forward.upper)
        // All concordant: θ̂ = 0 lies inside a non-degenerate interval within [−1, 1].
        let same = try XCTUnwrap(PairedProportionDifference.newcombe(a: 14, b: 0, c: 0, d: 0))
        XCTAssertTrue(same.lower < 0 && same.upper > 0 && same.lower >= -1 && same.upper <= 1)
        let allFailed = try XCTUnwrap(PairedProportionDifference.newcombe(a: 0, b: 0, c: 0, d: 9))
        XCTAssertTrue(allFailed.lower < 0 && allFailed.upper > 0)
    }
}

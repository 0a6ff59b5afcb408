import Foundation
import XCTest
@testable import EUSStats

final class BinomialIntervalTests: XCTestCase {
    /// Every case of proportions.json, every method listed there, within 1e-6.
    func testMatchesStatsmodelsAndRWithin1e6() throws {
        let reference = try Fixtures.load(Fixtures.Proportions.self, "proportions")
        XCTAssertEqual(Normal.twoSidedCriticalValue(alpha: 0.05), reference.z, accuracy: 1e-15)
        XCTAssertGreaterThanOrEqual(reference.cases.count, 20)
        var compared = 0, worst = 0.0
        for c in reference.cases {
            XCTAssertEqual(Set(c.methods.keys), Set(BinomialInterval.allCases.map(\.rawValue)), "methods of \(c.x)/\(c.n)")
            for (name, expected) in c.methods {
                let method = try XCTUnwrap(BinomialInterval(rawValue: name), "unknown method \(name)")
                let interval = try XCTUnwrap(method.interval(x: c.x, n: c.n, alpha: c.alpha))
                assertClose(interval.lower, expected[0], tolerance: 1e-6, "\(name) lower \(c.x)/\(c.n)")
                assertClose(interval.upper, expected[1], tolerance: 1e-6, "\(name) upper \(c.x)/\(c.n)")
                worst = max(worst, abs(interval.lower - expected[0]), abs(interval.upper - expected[1]))
                compared += 1
            }
        }
        XCTAssertEqual(compared, reference.cases.count * 7)
        print("proportions.json: \(compared) intervals, max |diff| \(worst)")
    }

    /// The study's example: 12/14 gives 85.71% (67.38%–100.00%) by clipped Wald.
    func testStudyExampleTwelveOfFourteen() throws {
        let wald = try XCTUnwrap(BinomialInterval.wald.interval(x: 12, n: 14))
        XCTAssertEqual(wald.lower, 12.0 / 14 - 1.959963984540054 * (12.0 / 14 * 2 / 14 / 14).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(wald.upper, 1)
        XCTAssertEqual(MetricsText.proportion(ProportionSummary(x: 12, n: 14)), "85.71% (67.38%–100.00%)")
        let unclipped = try XCTUnwrap(BinomialInterval.waldUnclipped.interval(x: 12, n: 14))
        XCTAssertEqual(MetricsText.percentNumber(unclipped.upper), "104.04")
    }

    /// Clopper-Pearson by its definition, at several α: P(X ≥ x | p_L) = α/2 and
    /// P(X ≤ x | p_U) = α/2, with the binomial sums as an oracle independent of the beta inverse.
    func testClopperPearsonSatisfiesItsDefiningTailEquations() throws {
        for alpha in [0.01, 0.05, 0.1, 0.32] {
            for (x, n) in [(1, 5), (3, 7), (12, 14), (17, 46), (130, 239), (0, 9), (9, 9)] {
                let ci = try XCTUnwrap(BinomialInterval.clopperPearson.interval(x: x, n: n, alpha: alpha))
                if x > 0 { XCTAssertEqual(Binomial.upperTail(x, n: n, p: ci.lower), alpha / 2, accuracy: 1e-12) } else { XCTAssertEqual(ci.lower, 0) }
                if x < n { XCTAssertEqual(Binomial.cdf(x, n: n, p: ci.upper), alpha / 2, accuracy: 1e-12) } else { XCTAssertEqual(ci.upper, 1) }
            }
        }
    }

    /// Wilson bounds are the roots of |p̂ − p| = z·√(p(1−p)/n), at any α.
    func testWilsonBoundsSolveTheScoreEquation() throws {
        for alpha in [0.01, 0.1] {
            let z = Normal.twoSidedCriticalValue(alpha: alpha)
            for (x, n) in [(1, 5), (12, 14), (40, 57)] {
                let ci = try XCTUnwrap(BinomialInterval.wilson.interval(x: x, n: n, alpha: alpha))
                let pHat = Double(x) / Double(n)
                for p in [ci.lower, ci.upper] {
                    XCTAssertEqual(abs(pHat - p), z * (p * (1 - p) / Double(n)).squareRoot(), accuracy: 1e-12)
                }
            }
        }
    }

    func testAlphaChangesTheWidthInTheRightDirection() throws {
        for method in BinomialInterval.allCases {
            let narrow = try XCTUnwrap(method.interval(x: 23, n: 41, alpha: 0.2))
            let wide = try XCTUnwrap(method.interval(x: 23, n: 41, alpha: 0.01))
            XCTAssertLessThan(narrow.width, wide.width, method.rawValue)
            XCTAssertTrue(wide.contains(narrow.lower) && wide.contains(narrow.upper), method.rawValue)
        }
    }

    /// n = 0: every interval and the value are undefined: nil, JSON null, "n/a".
    func testEmptyProportionIsUndefinedEverywhere() throws {
        for method in BinomialInterval.allCases { XCTAssertNil(method.interval(x: 0, n: 0), method.rawValue) }
        let summary = ProportionSummary(x: 0, n: 0)
        XCTAssertNil(summary.value)
        let json = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        for key in ["value", "wald", "wilson", "wilson_cc", "clopper_pearson"] {
            XCTAssertTrue(json.contains("\"\(key)\":null"), "\(key) in \(json)")
        }
        XCTAssertEqual(MetricsText.proportion(summary), "n/a")
        XCTAssertEqual(MetricsText.proportion(summary, method: .clopperPearson), "n/a")
    }

    /// A probability printed beside its call is never rounded across the threshold.
    func testProbabilityTextKeepsItsSideOfTheThreshold() {
        XCTAssertEqual(MetricsText.probability(0.4971, threshold: 0.5), "0.497")
        XCTAssertEqual(MetricsText.probability(0.49996, threshold: 0.5), "0.5000")
        XCTAssertEqual(MetricsText.probability(0.8234, threshold: 0.5), "0.82")
        XCTAssertEqual(MetricsText.probability(0.5, threshold: 0.5), "0.50")
        XCTAssertEqual(MetricsText.probability(0.2951, threshold: 0.3), "0.295")
    }

    /// Wilson-CC as R computes it: x = n pins the upper bound at 1, x = 0 the lower at 0, and the
    /// correction vanishes at x = n/2.
    func testWilsonCCEdgesFollowPropTest() throws {
        let all = try XCTUnwrap(BinomialInterval.wilsonCC.interval(x: 5, n: 5))
        XCTAssertEqual(all.upper, 1)
        let none = try XCTUnwrap(BinomialInterval.wilsonCC.interval(x: 0, n: 5))
        XCTAssertEqual(none.lower, 0)
        XCTAssertEqual(BinomialInterval.wilsonCC.interval(x: 50, n: 100), BinomialInterval.wilson.interval(x: 50, n: 100))
    }
}

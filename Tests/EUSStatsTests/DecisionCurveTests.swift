import Foundation
import XCTest
@testable import EUSStats

/// Net benefit against Python dcurves 1.1.7 (`dca(..., nper=100)`, pandas 2.3.3, numpy 2.4.6,
/// Python 3.11.7; scripts/make_decision_calibration_fixtures.py wrote Fixtures/decision_curve.json).
final class DecisionCurveTests: XCTestCase {
    struct Reference: Decodable {
        struct Case: Decodable {
            var name: String
            var labels: [Int]
            var models: [String: [Double]]
            var thresholds: [Double]
            var net_benefit: [String: [Double]]
            var interventions_avoided_per_100: [String: [Double]]
            var prevalence: Double
        }
        var versions: [String: String]
        var cases: [Case]
    }

    func testNetBenefitMatchesDcurvesAtEveryThreshold() throws {
        let reference = try Fixtures.load(Reference.self, "decision_curve")
        XCTAssertEqual(reference.versions["dcurves"], "1.1.7")
        XCTAssertEqual(reference.cases.count, 3)
        var worst = (nb: 0.0, all: 0.0, avoided: 0.0), compared = 0
        for c in reference.cases {
            let names = c.models.keys.sorted()
            let curve = try XCTUnwrap(DecisionCurve(isPositive: c.labels.map { $0 == 1 },
                                                    models: names.map { ($0, c.models[$0]!) }, thresholds: c.thresholds))
            assertClose(curve.prevalence, c.prevalence, tolerance: 1e-15, c.name)
            for (i, _) in c.thresholds.enumerated() {
                assertClose(curve.treatAll[i], c.net_benefit["all"]![i], tolerance: 1e-9, "\(c.name) treat all at \(i)")
                XCTAssertEqual(curve.treatNone[i], c.net_benefit["none"]![i], "\(c.name) treat none")
                worst.all = max(worst.all, abs(curve.treatAll[i] - c.net_benefit["all"]![i]))
                for model in curve.models {
                    let nb = c.net_benefit[model.name]![i], avoided = c.interventions_avoided_per_100[model.name]![i]
                    assertClose(model.netBenefit[i], nb, tolerance: 1e-9, "\(c.name) \(model.name) NB at p_t \(c.thresholds[i])")
                    assertClose(model.interventionsAvoidedPer100[i], avoided, tolerance: 1e-9, "\(c.name) \(model.name) avoided")
                    assertClose(model.standardizedNetBenefit[i], nb / c.prevalence, tolerance: 1e-9, "\(c.name) sNB")
                    worst.nb = max(worst.nb, abs(model.netBenefit[i] - nb))
                    worst.avoided = max(worst.avoided, abs(model.interventionsAvoidedPer100[i] - avoided))
                    compared += 1
                }
            }
        }
        XCTAssertEqual(compared, 2 * (99 + 99 + 12))
        print("decision curve vs dcurves \(reference.versions["dcurves"]!): \(compared) model points, "
              + "max |ΔNB| \(worst.nb), max |ΔNB treat all| \(worst.all), max |Δavoided/100| \(worst.avoided)")
    }

    /// The doc comment's worked example.
    func testWorkedExample() throws {
        let curve = try XCTUnwrap(DecisionCurve(isPositive: [true, true, false, false],
                                                models: [("m", [0.9, 0.4, 0.6, 0.1])], thresholds: [0.2, 0.5]))
        assertClose(curve.models[0].netBenefit[0], 0.4375, tolerance: 1e-15)
        assertClose(curve.treatAll[0], 0.375, tolerance: 1e-15)
        assertClose(curve.models[0].netBenefit[1], 0, tolerance: 1e-15)
        assertClose(curve.treatAll[1], 0, tolerance: 1e-15)
        XCTAssertEqual(curve.models[0].usefulRanges, [Interval(0.2, 0.2)])
    }

    /// Useful ranges are the runs where NB beats both treat all and treat none.
    func testUsefulRangesAreRunsAboveBothReferences() throws {
        let ranges = DecisionCurve.runs(of: [false, true, true, false, true], thresholds: [0.1, 0.2, 0.3, 0.4, 0.5])
        XCTAssertEqual(ranges, [Interval(0.2, 0.3), Interval(0.5, 0.5)])
        XCTAssertEqual(DecisionCurve.runs(of: [false, false], thresholds: [0.1, 0.2]), [])
        let reference = try Fixtures.load(Reference.self, "decision_curve")
        let c = reference.cases[0]
        let curve = try XCTUnwrap(DecisionCurve(isPositive: c.labels.map { $0 == 1 },
                                                models: c.models.keys.sorted().map { ($0, c.models[$0]!) }))
        for model in curve.models {
            for (i, pt) in curve.thresholds.enumerated() {
                let inside = model.usefulRanges.contains { pt >= $0.lower && pt <= $0.upper }
                XCTAssertEqual(inside, model.netBenefit[i] > max(curve.treatAll[i], 0), "\(model.name) at \(pt)")
            }
        }
    }

    func testOneClassHasNoCurveAndGridsAreExact() {
        XCTAssertNil(DecisionCurve(isPositive: [true, true], models: [("m", [0.2, 0.8])]))
        XCTAssertEqual(DecisionCurve.thresholds(from: 0.05, to: 0.6, step: 0.05), (1...12).map { Double($0 * 5) / 100 })
        XCTAssertEqual(DecisionCurve.defaultThresholds.count, 99)
    }
}

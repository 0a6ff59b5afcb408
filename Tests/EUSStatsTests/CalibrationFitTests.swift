import Foundation
import XCTest
@testable import EUSStats

/// The recalibration intercept and slope against statsmodels 0.15.0 (`GLM(y, X,
/// family=Binomial()).fit()`, offset form for the intercept, `conf_int(alpha=0.05)`;
/// scripts/make_decision_calibration_fixtures.py wrote Fixtures/calibration_glm.json).
final class CalibrationFitTests: XCTestCase {
    struct Reference: Decodable {
        struct SlopeFit: Decodable {
            var intercept: Double
            var slope: Double
            var intercept_ci: [Double]
            var slope_ci: [Double]
            var se: [Double]
        }
        struct InterceptFit: Decodable {
            var intercept: Double
            var intercept_ci: [Double]
            var se: Double
        }
        struct Case: Decodable {
            var name: String
            var labels: [Int]
            var scores: [Double]
            var slope_fit: SlopeFit
            var intercept_fit: InterceptFit
            var ece: Double
            var clipped: Int
        }
        var clip: Double
        var versions: [String: String]
        var cases: [Case]
    }

    func testInterceptSlopeAndWaldCIsMatchStatsmodels() throws {
        let reference = try Fixtures.load(Reference.self, "calibration_glm")
        XCTAssertEqual(reference.clip, CalibrationFit.clip)
        XCTAssertGreaterThanOrEqual(reference.cases.count, 4)
        XCTAssert(reference.cases.contains { $0.name.contains("near_separation") })
        var worst = 0.0
        for c in reference.cases {
            let fit = CalibrationFit(model: c.name, isPositive: c.labels.map { $0 == 1 }, scores: c.scores)
            XCTAssertNil(fit.note, c.name)
            let pairs: [(Double?, Double, String)] = [
                (fit.intercept, c.intercept_fit.intercept, "intercept"),
                (fit.interceptCI?.lower, c.intercept_fit.intercept_ci[0], "intercept CI lower"),
                (fit.interceptCI?.upper, c.intercept_fit.intercept_ci[1], "intercept CI upper"),
                (fit.interceptSE, c.intercept_fit.se, "intercept SE"),
                (fit.slope, c.slope_fit.slope, "slope"),
                (fit.slopeCI?.lower, c.slope_fit.slope_ci[0], "slope CI lower"),
                (fit.slopeCI?.upper, c.slope_fit.slope_ci[1], "slope CI upper"),
                (fit.slopeSE, c.slope_fit.se[1], "slope SE"),
                (fit.slopeModelIntercept, c.slope_fit.intercept, "slope model intercept"),
            ]
            for (actual, expected, what) in pairs {
                assertClose(actual, expected, tolerance: 1e-6, "\(c.name) \(what)")
                if let actual { worst = max(worst, abs(actual - expected)) }
            }
            assertClose(fit.ece, c.ece, tolerance: 1e-12, "\(c.name) ECE")
            XCTAssertEqual(fit.clipped, c.clipped, c.name)
        }
        print("calibration fits vs statsmodels \(reference.versions["statsmodels"]!): \(reference.cases.count) cases, max |Δ| \(worst)")
    }

    func testSeparationOneClassAndConstantScoresAreExplainedNotNaN() {
        let separated = CalibrationFit(model: "m", isPositive: [false, false, true, true], scores: [0.1, 0.3, 0.3, 0.9])
        XCTAssertNil(separated.slope)
        XCTAssertNil(separated.slopeCI)
        XCTAssertNotNil(separated.intercept, "the offset model still has an estimate")
        XCTAssertEqual(separated.note?.contains("separates the classes"), true)
        let oneClass = CalibrationFit(model: "m", isPositive: [true, true], scores: [0.4, 0.8])
        XCTAssertNil(oneClass.intercept)
        XCTAssertNil(oneClass.slope)
        XCTAssertEqual(oneClass.note?.contains("one class"), true)
        XCTAssertNotNil(oneClass.ece)
        let constant = CalibrationFit(model: "m", isPositive: [true, false, true], scores: [0.5, 0.5, 0.5])
        XCTAssertNil(constant.slope)
        XCTAssertEqual(constant.note?.contains("not identifiable"), true)
        XCTAssertEqual(constant.intercept ?? .nan, log(2), accuracy: 1e-9, "logit(2/3) − logit(0.5)")
    }

    /// Exactly 0 and 1 are clipped, counted, and give finite fits.
    func testExactZeroAndOneAreClipped() {
        XCTAssertEqual(CalibrationFit.logit(0), log(1e-6 / (1 - 1e-6)))
        XCTAssertEqual(CalibrationFit.logit(1), -CalibrationFit.logit(0), accuracy: 1e-9)
        let fit = CalibrationFit(model: "m", isPositive: [true, false, true, false, true],
                                 scores: [1, 0, 0.7, 0.6, 0.2])
        XCTAssertEqual(fit.clipped, 2)
        XCTAssert(fit.slope?.isFinite == true && fit.intercept?.isFinite == true)
    }

    /// Clopper-Pearson per reliability bin: the rate's exact interval, nil for an empty bin.
    func testReliabilityBandsAreClopperPearsonPerBin() {
        let fit = CalibrationFit(model: "m", isPositive: [true, false, true, true], scores: [0.05, 0.02, 0.95, 0.97])
        XCTAssertEqual(fit.reliabilityCI.count, 10)
        XCTAssertEqual(fit.reliabilityCI[0], BinomialInterval.clopperPearson.interval(x: 1, n: 2))
        XCTAssertEqual(fit.reliabilityCI[9], BinomialInterval.clopperPearson.interval(x: 2, n: 2))
        XCTAssertNil(fit.reliabilityCI[4])
        // ECE: bin 1 |0.035 − 0.5|·2/4 + bin 10 |0.96 − 1|·2/4.
        XCTAssertEqual(fit.ece ?? .nan, 0.465 / 2 + 0.04 / 2, accuracy: 1e-12)
    }
}

import Foundation
import XCTest
@testable import EUSStats

/// Power of the paired DeLong comparison against R 4.2.2 pROC 1.18.0 `power.roc.test(roc1,
/// roc2)` (scripts/make_power_fixture.R wrote Fixtures/power_roc.json), and Buderer's n
/// against a worked example from the literature.
final class SampleSizeTests: XCTestCase {
    struct Reference: Decodable {
        struct Case: Decodable {
            var name: String
            var labels: [Int]
            var scores_1: [Double]
            var scores_2: [Double]
            var auc1: Double
            var auc2: Double
            var ncases: Int
            var ncontrols: Int
            var power: Double
            var power_one_sided: Double
            var ncases_80: Double
            var ncontrols_80: Double
            var ncases_90: Double
            var ncontrols_90: Double
        }
        var versions: [String: String]
        var cases: [Case]
    }

    func testPowerAndCasesNeededMatchPROC() throws {
        let reference = try Fixtures.load(Reference.self, "power_roc")
        XCTAssertEqual(reference.versions["pROC"], "1.18.0")
        XCTAssertGreaterThanOrEqual(reference.cases.count, 3)
        var worst = (power: 0.0, n: 0.0)
        for c in reference.cases {
            let isPositive = c.labels.map { $0 == 1 }
            let a = ClassScores(isPositive: isPositive, scores: c.scores_1)
            let b = ClassScores(isPositive: isPositive, scores: c.scores_2)
            let at80 = try XCTUnwrap(ROCPower(a, b, targetPower: 0.8), c.name)
            let at90 = try XCTUnwrap(ROCPower(a, b, targetPower: 0.9), c.name)
            let oneSided = try XCTUnwrap(ROCPower(a, b, twoSided: false), c.name)
            XCTAssertEqual(at80.cases, c.ncases, c.name)
            XCTAssertEqual(at80.controls, c.ncontrols, c.name)
            assertClose(at80.auc1, c.auc1, tolerance: 1e-12, c.name)
            assertClose(at80.auc2, c.auc2, tolerance: 1e-12, c.name)
            assertClose(at80.power, c.power, tolerance: 1e-6, "\(c.name) power given n")
            assertClose(oneSided.power, c.power_one_sided, tolerance: 1e-6, "\(c.name) one-sided power")
            // The needed n can run to thousands: 1e-6 relative as well as absolute below 1.
            for (actual, expected, what) in [(at80.casesNeeded, c.ncases_80, "cases for 80%"),
                                             (at80.controlsNeeded, c.ncontrols_80, "controls for 80%"),
                                             (at90.casesNeeded, c.ncases_90, "cases for 90%"),
                                             (at90.controlsNeeded, c.ncontrols_90, "controls for 90%")] {
                assertClose(actual, expected, tolerance: 1e-6 * max(1, expected), "\(c.name) \(what)")
                worst.n = max(worst.n, abs(actual - expected) / max(1, expected))
            }
            worst.power = max(worst.power, abs(at80.power - c.power), abs(oneSided.power - c.power_one_sided))
        }
        print("power.roc.test vs pROC \(reference.versions["pROC"]!): \(reference.cases.count) cases, "
              + "max |Δpower| \(worst.power), max relative |Δn| \(worst.n)")
    }

    /// Carley S, Dosman S, Jones SR, Harrison M (2005) Simple nomograms to calculate sample size in
    /// diagnostic studies, Emerg Med J 22:180–181, specificity plot example: P = 0.55, CI = 0.04,
    /// Sp = 0.90 giving N = 480 (a nomogram reading of 480.2).
    func testBudererMatchesTheCarleyNomogramExample() throws {
        let n = try XCTUnwrap(Buderer.specificityN(specificity: 0.90, precision: 0.04, prevalence: 0.55))
        XCTAssertEqual(n, 480, accuracy: 0.5)
        assertClose(n, 1.959963984540054 * 1.959963984540054 * 0.09 / (0.0016 * 0.45), tolerance: 1e-9)
        XCTAssertEqual(Int(n.rounded(.up)), 481)
        // Sensitivity uses the prevalence itself: the same numbers with Se give n·0.45/0.55.
        let nSe = try XCTUnwrap(Buderer.sensitivityN(sensitivity: 0.90, precision: 0.04, prevalence: 0.45))
        assertClose(nSe, n, tolerance: 1e-9)
    }

    func testDegenerateInputsGiveNil() {
        XCTAssertNil(Buderer.sensitivityN(sensitivity: 1, precision: 0.1, prevalence: 0.5))
        XCTAssertNil(Buderer.specificityN(specificity: 0.8, precision: 0.1, prevalence: 1))
        let same = ClassScores(positives: [0.9, 0.7, 0.6], negatives: [0.2, 0.65, 0.1])
        XCTAssertNil(ROCPower(same, same), "equal AUCs: nothing to power")
        XCTAssertNil(ROCPower(ClassScores(positives: [0.9], negatives: [0.1, 0.2]),
                              ClassScores(positives: [0.3], negatives: [0.1, 0.2])))
    }

    /// The summary in metrics.json: half-widths are half the Wilson (DeLong for AUC) interval,
    /// Buderer's n the larger of the two, the power that of `ROCPower`.
    func testSummaryOfTheN29Case() throws {
        let reference = try Fixtures.load(Fixtures.PairedCases.self, "delong_paired")
        let c = try XCTUnwrap(reference.cases.first { $0.name == "n29" })
        let table = try PredictionTable(source: "n29", caseIDs: c.labels.indices.map { "c\($0)" },
                                        labels: c.labels.map { $0 == 1 ? "GIST" : "LM" },
                                        models: [.init(name: "a", scores: c.scores_a), .init(name: "b", scores: c.scores_b)])
        let document = try MetricsComputer.compute(table, bootstrapResamples: 0)
        let summary = try XCTUnwrap(document.sampleSize)
        let model = summary.models[0], metrics = document.models[0]
        let wilson = try XCTUnwrap(metrics.proportions.sensitivity.wilson)
        assertClose(model.sensitivityHalfWidth, (wilson.upper - wilson.lower) / 2, tolerance: 1e-15)
        let se = try XCTUnwrap(metrics.proportions.sensitivity.value), sp = try XCTUnwrap(metrics.proportions.specificity.value)
        let prevalence = 14.0 / 29
        let nSe = Int(Buderer.sensitivityN(sensitivity: se, precision: 0.1, prevalence: prevalence)!.rounded(.up))
        let nSp = Int(Buderer.specificityN(specificity: sp, precision: 0.1, prevalence: prevalence)!.rounded(.up))
        XCTAssertEqual(model.budererN, max(nSe, nSp))
        let power = try XCTUnwrap(summary.comparisons.first)
        let expected = try XCTUnwrap(ROCPower(ClassScores(isPositive: c.labels.map { $0 == 1 }, scores: c.scores_a),
                                              ClassScores(isPositive: c.labels.map { $0 == 1 }, scores: c.scores_b)))
        XCTAssertEqual(power.power, expected.power)
        XCTAssertEqual(power.totalNeeded, Int(expected.casesNeeded.rounded(.up)) + Int(expected.controlsNeeded.rounded(.up)))
    }
}

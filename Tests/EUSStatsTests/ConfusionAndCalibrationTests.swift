import Foundation
import XCTest
@testable import EUSStats

final class ConfusionAndCalibrationTests: XCTestCase {
    /// The worked example of `ConfusionCounts(isPositive:scores:threshold:)`; a score equal to
    /// the threshold is called positive.
    func testConfusionCountsAndThresholdInclusion() {
        let counts = ConfusionCounts(isPositive: [true, true, false], scores: [0.9, 0.4, 0.5], threshold: 0.5)
        XCTAssertEqual(counts, ConfusionCounts(tp: 1, fn: 1, tn: 0, fp: 1))
        let lower = ConfusionCounts(isPositive: [true, true, false], scores: [0.9, 0.4, 0.5], threshold: 0.4)
        XCTAssertEqual(lower, ConfusionCounts(tp: 2, fn: 0, tn: 0, fp: 1))
    }

    /// TP 12, FN 2, TN 14, FP 1 (the example): every derived measure by hand.
    func testDerivedMeasures() throws {
        let c = ConfusionCounts(tp: 12, fn: 2, tn: 14, fp: 1)
        let p = c.proportions()
        XCTAssertEqual([p.sensitivity.x, p.sensitivity.n, p.specificity.x, p.specificity.n], [12, 14, 14, 15])
        XCTAssertEqual([p.ppv.x, p.ppv.n, p.npv.x, p.npv.n, p.accuracy.x, p.accuracy.n], [12, 13, 14, 16, 26, 29])
        XCTAssertEqual(try XCTUnwrap(c.f1), 24.0 / 27, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(c.balancedAccuracy), (12.0 / 14 + 14.0 / 15) / 2, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(c.lrPositive), (12.0 / 14) / (1.0 / 15), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(c.lrNegative), (2.0 / 14) / (14.0 / 15), accuracy: 1e-15)
    }

    /// The five proportions by name, in the order a paper prints them, with the names
    /// metrics.json and metrics.csv use and the ones tables show.
    func testProportionsByName() {
        let p = ConfusionCounts(tp: 12, fn: 2, tn: 14, fp: 1).proportions()
        XCTAssertEqual(Proportion.allCases.map(\.rawValue), ["sensitivity", "specificity", "ppv", "npv", "accuracy"])
        XCTAssertEqual(Proportion.allCases.map(\.displayName), ["Sensitivity", "Specificity", "PPV", "NPV", "Accuracy"])
        XCTAssertEqual(p.ordered.map(\.key), Proportion.allCases)
        XCTAssertEqual(p.ordered.map(\.value), [p.sensitivity, p.specificity, p.ppv, p.npv, p.accuracy])
        XCTAssertEqual(Proportion.allCases.map { p[$0] }, [p.sensitivity, p.specificity, p.ppv, p.npv, p.accuracy])
    }

    /// Degenerate tables: measures that would divide by zero are nil, never NaN or ∞.
    func testDegenerateTablesGiveNil() {
        let noPositives = ConfusionCounts(tp: 0, fn: 0, tn: 5, fp: 0)
        XCTAssertNil(noPositives.sensitivity)
        XCTAssertNil(noPositives.f1)
        XCTAssertNil(noPositives.balancedAccuracy)
        XCTAssertNil(noPositives.lrPositive)
        XCTAssertNil(noPositives.proportions().ppv.value)
        let perfect = ConfusionCounts(tp: 4, fn: 0, tn: 5, fp: 0)
        XCTAssertNil(perfect.lrPositive, "specificity 1: LR+ undefined")
        XCTAssertEqual(perfect.lrNegative, 0)
        let allWrong = ConfusionCounts(tp: 0, fn: 4, tn: 0, fp: 5)
        XCTAssertNil(allWrong.lrNegative, "specificity 0: LR− undefined")
        XCTAssertEqual(ConfusionCounts(isPositive: [], scores: []).total, 0)
    }

    func testBrierWorkedExample() throws {
        XCTAssertEqual(try XCTUnwrap(Calibration.brier(isPositive: [true, false], scores: [0.8, 0.4])), 0.1, accuracy: 1e-15)
        XCTAssertEqual(Calibration.brier(isPositive: [true, false, true], scores: [1, 0, 1]), 0)
        XCTAssertEqual(Calibration.brier(isPositive: [true, false], scores: [0.5, 0.5]), 0.25)
        XCTAssertNil(Calibration.brier(isPositive: [], scores: []))
    }

    /// The worked example, bin edges (a score on an edge goes up, 1.0 stays in bin 10) and empty bins.
    func testReliabilityTable() throws {
        let table = Calibration.reliability(isPositive: [true, false, true], scores: [0.95, 0.05, 1.0])
        XCTAssertEqual(table.count, 10)
        XCTAssertEqual(table.map(\.count), [1, 0, 0, 0, 0, 0, 0, 0, 0, 2])
        XCTAssertEqual(try XCTUnwrap(table[0].meanPredicted), 0.05, accuracy: 1e-15)
        XCTAssertEqual(table[0].observedRate, 0)
        XCTAssertEqual(try XCTUnwrap(table[9].meanPredicted), 0.975, accuracy: 1e-15)
        XCTAssertEqual(table[9].observedRate, 1)
        XCTAssertNil(table[4].meanPredicted)
        XCTAssertNil(table[4].observedRate)
        XCTAssertEqual(table[3].lower, 0.3, accuracy: 1e-15)
        XCTAssertEqual(table[3].upper, 0.4, accuracy: 1e-15)
        let edges = Calibration.reliability(isPositive: [false, false, false, false], scores: [0, 0.1, 0.3, 0.7])
        XCTAssertEqual(edges.map(\.count), [1, 1, 0, 1, 0, 0, 0, 1, 0, 0])
        // Brute force: each score lands in the bin whose printed edges contain it.
        let (_, scores) = randomCases(count: 200, seed: 3, levels: 41)
        for s in scores {
            let k = Calibration.binIndex(s, bins: 10)
            XCTAssertTrue(Double(k) / 10 <= s && (s < Double(k + 1) / 10 || k == 9), "\(s) in bin \(k)")
        }
    }
}

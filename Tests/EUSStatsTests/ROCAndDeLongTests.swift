import Foundation
import XCTest
@testable import EUSStats

/// The O(m·n) definitions, kept as oracles for the O(n log n) code.
enum BruteForce {
    static func psi(_ x: Double, _ y: Double) -> Double { x > y ? 1 : (x == y ? 0.5 : 0) }

    static func auc(_ s: ClassScores) -> Double {
        var sum = 0.0
        for x in s.positives { for y in s.negatives { sum += psi(x, y) } }
        return sum / Double(s.positives.count * s.negatives.count)
    }

    /// V₁₀(Xᵢ) = (1/n) Σⱼ ψ(Xᵢ, Yⱼ), V₀₁(Yⱼ) = (1/m) Σᵢ ψ(Xᵢ, Yⱼ).
    static func components(_ s: ClassScores) -> (v10: [Double], v01: [Double]) {
        let v10 = s.positives.map { x in s.negatives.map { psi(x, $0) }.reduce(0, +) / Double(s.negatives.count) }
        let v01 = s.negatives.map { y in s.positives.map { psi($0, y) }.reduce(0, +) / Double(s.positives.count) }
        return (v10, v01)
    }

    static func covariance(_ u: [Double], _ v: [Double]) -> Double {
        let mu = u.reduce(0, +) / Double(u.count), mv = v.reduce(0, +) / Double(v.count)
        return zip(u, v).map { ($0 - mu) * ($1 - mv) }.reduce(0, +) / Double(u.count - 1)
    }

    static func variance(_ s: ClassScores) -> Double {
        let (v10, v01) = components(s)
        return covariance(v10, v10) / Double(v10.count) + covariance(v01, v01) / Double(v01.count)
    }

    static func pairedVariance(_ a: ClassScores, _ b: ClassScores) -> Double {
        let (a10, a01) = components(a), (b10, b01) = components(b)
        let s10 = covariance(a10, a10) + covariance(b10, b10) - 2 * covariance(a10, b10)
        let s01 = covariance(a01, a01) + covariance(b01, b01) - 2 * covariance(a01, b01)
        return s10 / Double(a10.count) + s01 / Double(a01.count)
    }

    /// ROC by definition: at each threshold t, the rates of scores ≥ t.
    static func rocPoint(_ s: ClassScores, threshold t: Double) -> (fpr: Double, tpr: Double) {
        (Double(s.negatives.filter { $0 >= t }.count) / Double(s.negatives.count),
         Double(s.positives.filter { $0 >= t }.count) / Double(s.positives.count))
    }
}

final class ROCAndDeLongTests: XCTestCase {
    func split(_ labels: [Int], _ scores: [Double]) -> ClassScores {
        ClassScores(isPositive: labels.map { $0 == 1 }, scores: scores)
    }

    /// Every curve of roc.json exactly (fpr, tpr, thresholds with +∞ as null), AUC within 1e-12.
    func testROCMatchesScikitLearnExactly() throws {
        let reference = try Fixtures.load(Fixtures.ROCCases.self, "roc")
        XCTAssertGreaterThanOrEqual(reference.cases.count, 6)
        for c in reference.cases {
            let scores = split(c.labels, c.scores)
            let roc = try XCTUnwrap(ROCCurve(scores))
            XCTAssertEqual(roc.fpr, c.fpr, c.name)
            XCTAssertEqual(roc.tpr, c.tpr, c.name)
            XCTAssertEqual(roc.summary.thresholds, c.thresholds, c.name)
            XCTAssertNil(roc.summary.thresholds[0])
            assertClose(AUC.mannWhitney(scores), c.auc, tolerance: 1e-12, c.name)
            assertClose(roc.trapezoidalArea, c.auc, tolerance: 1e-12, "trapezoid \(c.name)")
        }
    }

    /// pROC's DeLong variance and clipped CI, within 1e-6.
    func testDeLongVarianceAndCIMatchPROC() throws {
        let reference = try Fixtures.load(Fixtures.ROCCases.self, "roc")
        var worst = 0.0
        for c in reference.cases {
            let scores = split(c.labels, c.scores)
            let variance = try XCTUnwrap(DeLong.variance(scores))
            assertClose(variance, c.delong_var, tolerance: 1e-6, "variance \(c.name)")
            let ci = DeLong.interval(auc: try XCTUnwrap(AUC.mannWhitney(scores)), variance: variance)
            assertClose(ci.lower, c.delong_ci[0], tolerance: 1e-6, "CI lower \(c.name)")
            assertClose(ci.upper, c.delong_ci[1], tolerance: 1e-6, "CI upper \(c.name)")
            worst = max(worst, abs(variance - c.delong_var), abs(ci.lower - c.delong_ci[0]), abs(ci.upper - c.delong_ci[1]))
        }
        print("roc.json DeLong: max |diff| \(worst)")
    }

    /// Paired DeLong against pROC's roc.test: z, p, diff CI and both AUCs within 1e-6.
    func testPairedDeLongMatchesPROC() throws {
        let reference = try Fixtures.load(Fixtures.PairedCases.self, "delong_paired")
        XCTAssertGreaterThanOrEqual(reference.cases.count, 5)
        var worst = 0.0
        for c in reference.cases {
            let result = try XCTUnwrap(DeLong.paired(split(c.labels, c.scores_a), split(c.labels, c.scores_b)))
            assertClose(result.z, c.z, tolerance: 1e-6, "z \(c.name)")
            assertClose(result.p, c.p, tolerance: 1e-6, "p \(c.name)")
            assertClose(result.differenceInterval.lower, c.diff_ci[0], tolerance: 1e-6, "diff lower \(c.name)")
            assertClose(result.differenceInterval.upper, c.diff_ci[1], tolerance: 1e-6, "diff upper \(c.name)")
            assertClose(result.aucA, c.auc_a, tolerance: 1e-12, "auc a \(c.name)")
            assertClose(result.aucB, c.auc_b, tolerance: 1e-12, "auc b \(c.name)")
            worst = max(worst, abs(result.z! - c.z), abs(result.p! - c.p),
                        abs(result.differenceInterval.lower - c.diff_ci[0]), abs(result.differenceInterval.upper - c.diff_ci[1]))
        }
        print("delong_paired.json: max |diff| \(worst)")
    }

    /// The O(n log n) AUC, components, variances and ROC against the O(m·n) definitions, with many ties.
    func testFastFormulationsAgreeWithBruteForce() throws {
        for (count, seed, levels) in [(9, 1, 3), (40, 2, 5), (131, 3, 12), (300, 4, 1000)] {
            let (isPositive, scoresA) = randomCases(count: count, seed: UInt64(seed), levels: levels)
            let (_, scoresB) = randomCases(count: count, seed: UInt64(seed + 100), levels: levels)
            let a = ClassScores(isPositive: isPositive, scores: scoresA)
            let b = ClassScores(isPositive: isPositive, scores: scoresB)
            let fast = try XCTUnwrap(DeLong.components(a))
            let slow = BruteForce.components(a)
            for (f, s) in zip(fast.positive, slow.v10) { XCTAssertEqual(f, s, accuracy: 1e-12) }
            for (f, s) in zip(fast.negative, slow.v01) { XCTAssertEqual(f, s, accuracy: 1e-12) }
            XCTAssertEqual(try XCTUnwrap(AUC.mannWhitney(a)), BruteForce.auc(a), accuracy: 1e-12)
            XCTAssertEqual(try XCTUnwrap(DeLong.variance(a)), BruteForce.variance(a), accuracy: 1e-12)
            XCTAssertEqual(try XCTUnwrap(DeLong.paired(a, b)).variance, BruteForce.pairedVariance(a, b), accuracy: 1e-12)
            let roc = try XCTUnwrap(ROCCurve(a))
            for i in 1..<roc.thresholds.count {
                let point = BruteForce.rocPoint(a, threshold: roc.thresholds[i])
                XCTAssertEqual(roc.fpr[i], point.fpr)
                XCTAssertEqual(roc.tpr[i], point.tpr)
            }
            XCTAssertEqual(Set(roc.thresholds.dropFirst()), Set(scoresA), "every distinct score is a threshold")
        }
    }

    /// The worked examples in the documentation of ROCCurve, AUC and DeLong.
    func testWorkedExamples() throws {
        let s = ClassScores(positives: [0.8, 0.4], negatives: [0.4, 0.1])
        let roc = try XCTUnwrap(ROCCurve(s))
        XCTAssertEqual(roc.thresholds, [.infinity, 0.8, 0.4, 0.1])
        XCTAssertEqual(roc.tpr, [0, 0.5, 1, 1])
        XCTAssertEqual(roc.fpr, [0, 0, 0.5, 1])
        XCTAssertEqual(roc.youdenThreshold, 0.8)
        XCTAssertEqual(AUC.mannWhitney(s), 0.875)
        let c = try XCTUnwrap(DeLong.components(s))
        XCTAssertEqual(c.positive, [1, 0.75])
        XCTAssertEqual(c.negative, [0.75, 1])
        XCTAssertEqual(try XCTUnwrap(DeLong.variance(s)), 0.03125, accuracy: 1e-15)
    }

    /// One class: ROC, AUC, DeLong and bootstrap are undefined (nil); one case of a class: no variance.
    func testOneClassIsUndefined() {
        let onlyPositive = ClassScores(positives: [0.2, 0.7, 0.9], negatives: [])
        XCTAssertNil(ROCCurve(onlyPositive))
        XCTAssertNil(AUC.mannWhitney(onlyPositive))
        XCTAssertNil(DeLong.components(onlyPositive))
        XCTAssertNil(DeLong.variance(onlyPositive))
        XCTAssertNil(BootstrapAUC.interval(onlyPositive, resamples: 10))
        let single = ClassScores(positives: [0.9], negatives: [0.1, 0.3])
        XCTAssertEqual(AUC.mannWhitney(single), 1)
        XCTAssertNil(DeLong.variance(single), "a sample variance needs two positives")
        XCTAssertNil(DeLong.paired(single, single))
    }

    /// All scores tied: AUC ½, ROC from (0,0) straight to (1,1), zero variance, CI [½, ½].
    func testAllTiedScores() throws {
        let s = ClassScores(positives: [0.5, 0.5, 0.5], negatives: [0.5, 0.5])
        XCTAssertEqual(AUC.mannWhitney(s), 0.5)
        let roc = try XCTUnwrap(ROCCurve(s))
        XCTAssertEqual(roc.fpr, [0, 1])
        XCTAssertEqual(roc.tpr, [0, 1])
        XCTAssertEqual(roc.youdenThreshold, 0.5)
        XCTAssertEqual(DeLong.variance(s), 0)
        XCTAssertEqual(DeLong.interval(auc: 0.5, variance: 0), Interval(0.5, 0.5))
        XCTAssertEqual(BootstrapAUC.interval(s, resamples: 50), Interval(0.5, 0.5))
        let paired = try XCTUnwrap(DeLong.paired(s, s))
        XCTAssertNil(paired.z, "zero variance of the difference: no z")
        XCTAssertNil(paired.p)
        XCTAssertEqual(paired.differenceInterval, Interval(0, 0))
    }

    /// Perfect separation: AUC 1, variance 0, CI [1, 1]; reversed: AUC 0.
    func testPerfectSeparation() throws {
        let s = ClassScores(positives: [0.7, 0.8, 0.9], negatives: [0.1, 0.2, 0.3])
        XCTAssertEqual(AUC.mannWhitney(s), 1)
        XCTAssertEqual(DeLong.variance(s), 0)
        XCTAssertEqual(DeLong.interval(auc: 1, variance: 0), Interval(1, 1))
        XCTAssertEqual(BootstrapAUC.interval(s, resamples: 50), Interval(1, 1))
        XCTAssertEqual(try XCTUnwrap(ROCCurve(s)).youdenThreshold, 0.7)
        XCTAssertEqual(AUC.mannWhitney(ClassScores(positives: s.negatives, negatives: s.positives)), 0)
    }

    func testDeLongIntervalIsClipped() {
        XCTAssertEqual(DeLong.interval(auc: 0.95, variance: 0.01).upper, 1)
        XCTAssertEqual(DeLong.interval(auc: 0.05, variance: 0.01).lower, 0)
    }
}

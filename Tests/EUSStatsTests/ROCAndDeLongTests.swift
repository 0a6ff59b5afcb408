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

final class BootstrapAndMcNemarTests: XCTestCase {
    /// SplitMix64's published first output for seed 0.
    func testSplitMix64ReferenceOutput() {
        var generator = SplitMix64(seed: 0)
        XCTAssertEqual(generator.next(), 0xE220_A839_7B1D_CDAF)
    }

    func testBootstrapIsSeededAndStratified() throws {
        let (isPositive, scores) = randomCases(count: 60, seed: 9, levels: 20)
        let s = ClassScores(isPositive: isPositive, scores: scores)
        let first = try XCTUnwrap(BootstrapAUC.interval(s, resamples: 500, seed: 7))
        XCTAssertEqual(BootstrapAUC.interval(s, resamples: 500, seed: 7), first, "same seed, same interval")
        XCTAssertNotEqual(BootstrapAUC.interval(s, resamples: 500, seed: 8), first, "another seed moves it")
        let auc = try XCTUnwrap(AUC.mannWhitney(s))
        XCTAssertTrue(first.contains(auc), "\(first) should contain \(auc)")
        XCTAssertLessThan(first.width, 0.6)
        XCTAssertNil(BootstrapAUC.interval(s, resamples: 0))
        // Width agrees with the DeLong SE to first order (2·1.96·SE), a loose sanity bound.
        let delongWidth = try 2 * 1.959964 * XCTUnwrap(DeLong.variance(s)).squareRoot()
        XCTAssertEqual(first.width, delongWidth, accuracy: 0.35 * delongWidth)
    }

    /// The histogram AUC of a replicate equals the Mann-Whitney AUC of the same draws made explicitly.
    func testReplicateAUCMatchesMannWhitneyOfTheSameDraws() throws {
        let (isPositive, scores) = randomCases(count: 47, seed: 5, levels: 9)
        let s = ClassScores(isPositive: isPositive, scores: scores)
        let ranked = BootstrapAUC.RankedScores(s)
        var fast = SplitMix64(seed: 11), slow = SplitMix64(seed: 11)
        for _ in 0..<100 {
            let auc = ranked.replicateAUC(using: &fast)
            let positives = s.positives.indices.map { _ in s.positives[slow.index(below: s.positives.count)] }
            let negatives = s.negatives.indices.map { _ in s.negatives[slow.index(below: s.negatives.count)] }
            XCTAssertEqual(auc, try XCTUnwrap(AUC.mannWhitney(ClassScores(positives: positives, negatives: negatives))), accuracy: 1e-14)
        }
        // 2000 resamples: the 2.5% and 97.5% percentiles of exactly these replicate AUCs.
        var generator = SplitMix64(seed: 4)
        let aucs = (0..<2000).map { _ in ranked.replicateAUC(using: &generator) }.sorted()
        let interval = try XCTUnwrap(BootstrapAUC.interval(s, seed: 4))
        XCTAssertEqual(interval.lower, aucs[49] + 0.975 * (aucs[50] - aucs[49]), accuracy: 1e-15)
        XCTAssertEqual(interval.upper, aucs[1949] + 0.025 * (aucs[1950] - aucs[1949]), accuracy: 1e-15)
    }

    /// R's type-7 quantile.
    func testPercentileInterpolation() {
        XCTAssertEqual(BootstrapAUC.quantile(sorted: [1, 2, 3, 4], 0.25), 1.75)
        XCTAssertEqual(BootstrapAUC.quantile(sorted: [1, 2, 3, 4], 1), 4)
        XCTAssertEqual(BootstrapAUC.quantile(sorted: [1, 2, 3, 4], 0), 1)
        XCTAssertEqual(BootstrapAUC.quantile(sorted: [5], 0.975), 5)
    }

    /// mcnemar.json within 1e-9; b = c = 0 has no chi-square (documented nil; statsmodels gives ∞, p 0).
    func testMcNemarMatchesStatsmodels() throws {
        let reference = try Fixtures.load(Fixtures.McNemarCases.self, "mcnemar")
        XCTAssertGreaterThanOrEqual(reference.cases.count, 8)
        for c in reference.cases {
            assertClose(McNemar.exactP(b: c.b, c: c.c), c.exact_p, tolerance: 1e-9, "exact b=\(c.b) c=\(c.c)")
            if c.b + c.c == 0 {
                XCTAssertEqual(c.chi2_cc, .infinity)
                XCTAssertNil(McNemar.chiSquareCC(b: 0, c: 0))
                continue
            }
            let chi = try XCTUnwrap(McNemar.chiSquareCC(b: c.b, c: c.c))
            assertClose(chi.statistic, c.chi2_cc, tolerance: 1e-9, "chi2 b=\(c.b) c=\(c.c)")
            assertClose(chi.p, c.chi2_cc_p, tolerance: 1e-9, "chi2 p b=\(c.b) c=\(c.c)")
        }
    }

    func testMcNemarWorkedExampleAndAgreement() {
        XCTAssertEqual(McNemar.exactP(b: 2, c: 8), 2 * (1 + 10 + 45) / 1024.0, accuracy: 1e-15)
        XCTAssertEqual(McNemar.exactP(b: 0, c: 0), 1)
        let table = AgreementTable(aCorrect: [true, true, false, false, true], bCorrect: [true, false, true, false, false])
        XCTAssertEqual(table, AgreementTable(bothCorrect: 1, onlyA: 2, onlyB: 1, bothWrong: 1))
        let summary = McNemar.summary(b: 0, c: 0)
        XCTAssertNil(summary.chi2CC)
        XCTAssertNil(summary.chi2CCP)
    }
}

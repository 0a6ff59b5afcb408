import Foundation
import XCTest
import EUSSupport
@testable import EUSStats

final class BootstrapAndMcNemarTests: XCTestCase {
    /// The seeding of the bootstrap's generator: SplitMix64's published first output for seed 0.
    func testSplitMix64ReferenceOutput() {
        XCTAssertEqual(SeededRandom.mix(0x9E37_79B9_7F4A_7C15), 0xE220_A839_7B1D_CDAF)
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
        var fast = SeededRandom(seed: 11), slow = SeededRandom(seed: 11)
        for _ in 0..<100 {
            let auc = ranked.replicateAUC(using: &fast)
            let positives = s.positives.indices.map { _ in s.positives[slow.index(s.positives.count)] }
            let negatives = s.negatives.indices.map { _ in s.negatives[slow.index(s.negatives.count)] }
            XCTAssertEqual(auc, try XCTUnwrap(AUC.mannWhitney(ClassScores(positives: positives, negatives: negatives))), accuracy: 1e-14)
        }
        // 2000 resamples: the 2.5% and 97.5% percentiles of exactly these replicate AUCs.
        var generator = SeededRandom(seed: 4)
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

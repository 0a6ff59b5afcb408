import Foundation

/// The corrected resampled t-test of two models compared over the same k·R cross-validation
/// folds: is the mean per-fold difference in a score (A − B) zero?
///
/// The folds' training sets overlap, so the per-fold differences are correlated and the plain
/// paired t-test, with variance σ̂²/(kR), rejects far too often (Dietterich 1998). Nadeau and
/// Bengio correct the variance for that overlap; Bouckaert and Frank give the form for R-times
/// repeated k-fold cross-validation:
///
///     d̄ = (1/kR) Σᵢ dᵢ,   σ̂² = Σᵢ (dᵢ − d̄)²/(kR − 1)
///     t = d̄ / √((1/kR + n_test/n_train) · σ̂²),   df = kR − 1
///     p = P(|T_df| ≥ |t|) = I_{df/(df+t²)}(df/2, ½)            (two-sided)
///     CI = d̄ ± t_{1−α/2, df} · √((1/kR + n_test/n_train) · σ̂²)
///
/// with dᵢ the difference in fold i (every fold of every repeat), n_test the cases a fold holds
/// out and n_train the cases it trains on. This is the computation of scikit-learn's example
/// "Statistical comparison of models using grid search" (`corrected_std`,
/// `compute_corrected_ttest`), whose p is one-tailed: the two-sided p here is twice it. The
/// tests check t, p and the interval against that code (Fixtures/corrected_ttest.json) to 1e-9.
///
/// References: Nadeau C, Bengio Y (2003) Inference for the generalization error, Mach Learn
/// 52:239–281. Bouckaert RR, Frank E (2004) Evaluating the replicability of significance tests
/// for comparing learning algorithms, PAKDD 2004, LNCS 3056:3–12. Dietterich TG (1998)
/// Approximate statistical tests for comparing supervised classification learning algorithms,
/// Neural Comput 10:1895–1923.
///
/// Degenerate input gives a defined result with a `reason`, never a NaN: fewer than 2
/// differences (no variance) and differences that are all equal (zero variance, so t would be
/// 0/0 or ±∞) leave `t`, `p` and `ci` nil; no differences at all also leave `meanDifference`
/// and `sd` nil.
///
/// Worked example (also a test): differences [0.02, 0.04, 0.00, 0.06, 0.03] over 5×1 folds with
/// n_train 120, n_test 30 give d̄ = 0.03, σ̂² = 0.0005, corrected variance
/// (1/5 + 30/120)·0.0005 = 0.000225, so SD 0.015, t = 2, df = 4, p = 0.116117 and the 95% CI
/// 0.03 ± 2.776445·0.015 = [−0.011647, 0.071647].
///
/// JSON keys: `differences`, `n_train`, `n_test` (what it used, so that a reader can recompute
/// it), `mean_difference`, `sd` (σ̂, uncorrected), `corrected_sd`, `t`, `df`, `p`, `ci` and
/// `reason` (null unless the test is undefined); undefined values are explicit nulls.
public struct CorrectedResampledTTest: Codable, Equatable, Sendable {
    /// dᵢ = score(A) − score(B) in each fold, in the order given (repeat by repeat, fold by fold).
    public var differences: [Double]
    /// The cases each fold trains on (the mean over folds when they differ).
    public var nTrain: Double
    /// The cases each fold holds out (the mean over folds when they differ).
    public var nTest: Double
    /// d̄; nil with no differences.
    public var meanDifference: Double?
    /// σ̂, the sample SD of the differences (divisor kR − 1); nil with fewer than 2.
    public var sd: Double?
    /// √((1/kR + n_test/n_train)·σ̂²); nil with fewer than 2 differences.
    public var correctedSD: Double?
    /// d̄ / corrected SD; nil when undefined (see `reason`).
    public var t: Double?
    /// kR − 1 (0 when there are fewer than 2 differences).
    public var df: Int
    /// The two-sided p-value; nil with t.
    public var p: Double?
    /// The (1 − α) interval of the mean difference, d̄ ± t_{1−α/2, df}·corrected SD; nil with t.
    public var ci: Interval?
    /// Why t, p and ci are nil, in words for the report; nil when they are defined.
    public var reason: String?

    /// The test on `differences` (A − B per fold).
    ///
    /// - Parameters:
    ///   - differences: the k·R per-fold differences, each finite.
    ///   - nTrain: training cases per fold, > 0.
    ///   - nTest: held-out cases per fold, > 0.
    ///   - alpha: 1 − the interval's confidence level (0.05 for 95%).
    public init(differences: [Double], nTrain: Double, nTest: Double, alpha: Double = 0.05) {
        precondition(differences.allSatisfy(\.isFinite), "per-fold differences must be finite")
        precondition(nTrain > 0 && nTest > 0, "n_train and n_test must be positive (got \(nTrain), \(nTest))")
        precondition(alpha > 0 && alpha < 1, "alpha must be in (0, 1), got \(alpha)")
        self.differences = differences
        self.nTrain = nTrain
        self.nTest = nTest
        let kr = differences.count
        df = max(kr - 1, 0)
        guard kr >= 2 else {
            meanDifference = differences.first
            reason = kr == 0 ? "no folds to compare" : "one fold only: the t-test needs at least 2 per-fold differences"
            return
        }
        let mean = differences.reduce(0, +) / Double(kr)
        let variance = differences.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(kr - 1)
        let corrected = ((1 / Double(kr) + nTest / nTrain) * variance).squareRoot()
        meanDifference = mean
        sd = variance.squareRoot()
        correctedSD = corrected
        guard corrected > 0 else {
            reason = "the per-fold differences are all equal (zero variance): t is undefined"
            return
        }
        let statistic = mean / corrected
        let half = StudentT.twoSidedCriticalValue(alpha: alpha, degreesOfFreedom: Double(df)) * corrected
        t = statistic
        p = StudentT.twoSidedP(statistic, degreesOfFreedom: Double(df))
        ci = Interval(mean - half, mean + half)
    }

    enum CodingKeys: String, CodingKey {
        case differences, nTrain = "n_train", nTest = "n_test", meanDifference = "mean_difference", sd
        case correctedSD = "corrected_sd", t, df, p, ci, reason
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(differences, forKey: .differences)
        try c.encode(nTrain, forKey: .nTrain)
        try c.encode(nTest, forKey: .nTest)
        try c.encode(meanDifference, forKey: .meanDifference)
        try c.encode(sd, forKey: .sd)
        try c.encode(correctedSD, forKey: .correctedSD)
        try c.encode(t, forKey: .t)
        try c.encode(df, forKey: .df)
        try c.encode(p, forKey: .p)
        try c.encode(ci, forKey: .ci)
        try c.encode(reason, forKey: .reason)
    }
}

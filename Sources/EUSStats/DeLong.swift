import Foundation

/// DeLong's nonparametric variance of the AUC and the paired test of two correlated AUCs.
///
/// DeLong ER, DeLong DM, Clarke-Pearson DL (1988) Comparing the areas under two or more
/// correlated receiver operating characteristic curves: a nonparametric approach.
/// Biometrics 44:837–845. Computed in O((m+n) log(m+n)) from midranks as in Sun X, Xu W (2014)
/// Fast implementation of DeLong's algorithm, IEEE Signal Process Lett 21:1389–1393.
/// Matches R pROC (`var(roc, method="delong")`, `ci.auc`, `roc.test(paired=TRUE)`);
/// the test suite keeps the O(m·n) double sum as the oracle.
///
/// With m positive scores X and n negative scores Y and ψ as in `AUC.mannWhitney`:
/// - structural components V₁₀(Xᵢ) = (1/n) Σⱼ ψ(Xᵢ, Yⱼ) and V₀₁(Yⱼ) = (1/m) Σᵢ ψ(Xᵢ, Yⱼ);
/// - S₁₀, S₀₁ their sample variances (divisor m − 1 and n − 1);
/// - Var(AUC) = S₁₀/m + S₀₁/n.
///
/// Worked example (also a test): positives [0.8, 0.4], negatives [0.4, 0.1] give V₁₀ = [1, 0.75],
/// V₀₁ = [0.75, 1], S₁₀ = S₀₁ = 0.03125, Var = 0.03125, AUC 0.875, SE 0.1767767.
public enum DeLong {
    /// The AUC and its structural components for one model.
    public struct Components: Sendable, Equatable {
        public var auc: Double
        /// V₁₀, one per positive case, in case order.
        public var positive: [Double]
        /// V₀₁, one per negative case, in case order.
        public var negative: [Double]
    }

    /// The structural components from midranks: with R the midrank among all m + n scores,
    /// Rₓ among the positives and R_y among the negatives,
    /// V₁₀(Xᵢ) = (R(Xᵢ) − Rₓ(Xᵢ))/n and V₀₁(Yⱼ) = 1 − (R(Yⱼ) − R_y(Yⱼ))/m.
    /// Degenerate input: nil when a class is absent.
    public static func components(_ scores: ClassScores) -> Components? {
        guard scores.hasBothClasses else { return nil }
        let (m, n) = (scores.positives.count, scores.negatives.count)
        let all = Ranking.midranks(scores.positives + scores.negatives)
        let withinPositive = Ranking.midranks(scores.positives)
        let withinNegative = Ranking.midranks(scores.negatives)
        let positive = (0..<m).map { (all[$0] - withinPositive[$0]) / Double(n) }
        let negative = (0..<n).map { 1 - (all[m + $0] - withinNegative[$0]) / Double(m) }
        let auc = positive.reduce(0, +) / Double(m)
        return Components(auc: auc, positive: positive, negative: negative)
    }

    /// Var(AUC) = S₁₀/m + S₀₁/n.
    ///
    /// Degenerate input: nil when a class has fewer than 2 cases (a sample variance needs two;
    /// pROC gives NA). All scores tied gives 0; perfect separation gives 0.
    public static func variance(_ scores: ClassScores) -> Double? {
        guard scores.positives.count >= 2, scores.negatives.count >= 2,
              let c = components(scores) else { return nil }
        return covariance(c.positive, c.positive) / Double(c.positive.count)
            + covariance(c.negative, c.negative) / Double(c.negative.count)
    }

    /// The (1 − α) interval AUC ± z_{1−α/2}·√Var, clipped to [0, 1] as pROC's `ci.auc` clips it.
    /// A zero variance (perfect separation, all tied) gives the point interval [AUC, AUC].
    public static func interval(auc: Double, variance: Double, alpha: Double = 0.05) -> Interval {
        let half = Normal.twoSidedCriticalValue(alpha: alpha) * variance.squareRoot()
        return Interval(auc - half, auc + half).clipped()
    }

    /// The paired DeLong test of AUC(A) − AUC(B) for two models scored on the same cases.
    public struct PairedResult: Sendable, Equatable {
        public var aucA: Double
        public var aucB: Double
        /// AUC(A) − AUC(B).
        public var difference: Double
        /// Var(AUC(A) − AUC(B)) = Var(A) + Var(B) − 2·Cov(A, B).
        public var variance: Double
        /// z = difference/√variance; nil when the variance is 0 (e.g. identical rankings).
        public var z: Double?
        /// Two-sided p = 2·(1 − Φ(|z|)); nil with z.
        public var p: Double?
        /// difference ± z_{1−α/2}·√variance, not clipped (pROC does not clip it).
        public var differenceInterval: Interval
    }

    /// The paired test: with the 2×2 sample covariance matrices S₁₀ (over positives) and S₀₁
    /// (over negatives) of the two models' structural components,
    /// Var(A − B) = (S₁₀ᴬᴬ + S₁₀ᴮᴮ − 2S₁₀ᴬᴮ)/m + (S₀₁ᴬᴬ + S₀₁ᴮᴮ − 2S₀₁ᴬᴮ)/n, and
    /// z = (AUC_A − AUC_B)/√Var, p = 2Φ(−|z|) (DeLong et al. 1988, eq. 5; pROC `roc.test`).
    ///
    /// `a` and `b` must hold the same cases in the same order (as `ClassScores(isPositive:scores:)`
    /// gives for two columns of one table). Degenerate input: nil when a class has fewer than
    /// 2 cases; z and p nil when the variance of the difference is 0.
    public static func paired(_ a: ClassScores, _ b: ClassScores, alpha: Double = 0.05) -> PairedResult? {
        precondition(a.positives.count == b.positives.count && a.negatives.count == b.negatives.count,
                     "paired DeLong needs the same cases for both models")
        guard a.positives.count >= 2, a.negatives.count >= 2,
              let ca = components(a), let cb = components(b) else { return nil }
        let (m, n) = (Double(a.positives.count), Double(a.negatives.count))
        let positiveTerm = covariance(ca.positive, ca.positive) + covariance(cb.positive, cb.positive)
            - 2 * covariance(ca.positive, cb.positive)
        let negativeTerm = covariance(ca.negative, ca.negative) + covariance(cb.negative, cb.negative)
            - 2 * covariance(ca.negative, cb.negative)
        let variance = max(positiveTerm / m + negativeTerm / n, 0)
        let difference = ca.auc - cb.auc
        let half = Normal.twoSidedCriticalValue(alpha: alpha) * variance.squareRoot()
        let z: Double? = variance > 0 ? difference / variance.squareRoot() : nil
        return PairedResult(aucA: ca.auc, aucB: cb.auc, difference: difference, variance: variance,
                            z: z, p: z.map { 2 * Normal.survival(abs($0)) },
                            differenceInterval: Interval(difference - half, difference + half))
    }

    /// The sample covariance Σ(uᵢ − ū)(vᵢ − v̄)/(k − 1); needs k ≥ 2.
    static func covariance(_ u: [Double], _ v: [Double]) -> Double {
        precondition(u.count == v.count && u.count >= 2, "sample covariance needs two equal-length samples of ≥ 2")
        let k = Double(u.count)
        let (meanU, meanV) = (u.reduce(0, +) / k, v.reduce(0, +) / k)
        var sum = 0.0
        for i in u.indices { sum += (u[i] - meanU) * (v[i] - meanV) }
        return sum / (k - 1)
    }
}

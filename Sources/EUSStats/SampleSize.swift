import Foundation

/// Sample size for estimating sensitivity and specificity to a given precision (Buderer NMF
/// (1996) Statistical methodology: I. Incorporating the prevalence of disease into the sample
/// size calculation for sensitivity and specificity, Acad Emerg Med 3:895–900).
///
/// With z = z_{1−α/2}, precision d (the CI half-width), prevalence π:
/// - cases needed for sensitivity: n_Se = z²·Se(1 − Se) / (d²·π) (the positives z²Se(1−Se)/d²,
///   divided by π to count all cases that must be enrolled to meet them);
/// - for specificity: n_Sp = z²·Sp(1 − Sp) / (d²·(1 − π));
/// - the study needs max(n_Se, n_Sp), each rounded up.
///
/// Worked example (Carley S, Dosman S, Jones SR, Harrison M (2005) Simple nomograms to
/// calculate sample size in diagnostic studies, Emerg Med J 22:180–181, specificity plot):
/// Sp = 0.90, d = 0.04, π = 0.55 gives 1.96²·0.09/(0.0016·0.45) = 480.2, read off as N = 480;
/// rounded up, 481 (also a test).
///
/// Degenerate input: nil when π is 0 or 1, or when the proportion is 0 or 1 (the normal
/// approximation has zero variance there and the formula gives 0, which is no answer).
public enum Buderer {
    public static func sensitivityN(sensitivity: Double, precision: Double, prevalence: Double,
                                    alpha: Double = 0.05) -> Double? {
        n(proportion: sensitivity, precision: precision, share: prevalence, alpha: alpha)
    }

    public static func specificityN(specificity: Double, precision: Double, prevalence: Double,
                                    alpha: Double = 0.05) -> Double? {
        n(proportion: specificity, precision: precision, share: 1 - prevalence, alpha: alpha)
    }

    static func n(proportion p: Double, precision d: Double, share: Double, alpha: Double) -> Double? {
        precondition(d > 0, "the precision must be positive")
        guard p > 0, p < 1, share > 0, share < 1 else { return nil }
        let z = Normal.twoSidedCriticalValue(alpha: alpha)
        return z * z * p * (1 - p) / (d * d * share)
    }
}

/// The power of the paired DeLong comparison of two correlated AUCs and the number of cases
/// for a target power, exactly as R pROC's `power.roc.test(roc1, roc2, method = "delong")`
/// computes them (Obuchowski NA, McClish DK (1997) Sample size determination for diagnostic
/// accuracy studies involving binormal ROC curve indices, Stat Med 16:1529–1542; pROC: Robin X
/// et al. (2011) BMC Bioinformatics 12:77).
///
/// With m GIST cases and k = n₋/m controls per case, δ = AUC₁ − AUC₂, and the DeLong variances
/// V₁, V₂ and covariance C of the two AUCs scaled by m (Vᵢ·m, C·m):
/// - v₀ = 2V₁ − 2C (the variance of δ under H₀, taken from curve 1 as pROC takes it),
///   v_A = V₁ + V₂ − 2C (under the alternative);
/// - power at m cases: Φ((√(m·δ²) − z_α·√v₀)/√v_A), z_α = z_{1−α/2} two-sided;
/// - cases for power 1 − β: m = (z_α·√v₀ + z_β·√v_A)²/δ², z_β = Φ⁻¹(1 − β); controls k·m.
///
/// The test suite holds both to pROC 1.18.0 within 1e-6, in both orders of the curves (the
/// order matters through v₀). The power is the power to detect the difference observed, a
/// function of the observed p-value ("post-hoc power"): it says how large a study would have to
/// be, not whether the networks are equivalent (Hoenig JM, Heisey DM (2001) The abuse of
/// power, Am Stat 55:19–24).
///
/// Degenerate input: nil when a class has fewer than 2 cases (no DeLong variance), when δ = 0
/// (|δ| ≤ 1e-12, rounding: no difference to detect, the needed n is infinite), or when v₀ or
/// v_A is not positive.
public struct ROCPower: Sendable, Equatable {
    public var auc1: Double
    public var auc2: Double
    public var cases: Int
    public var controls: Int
    public var power: Double
    public var casesNeeded: Double
    public var controlsNeeded: Double

    public init?(_ a: ClassScores, _ b: ClassScores, alpha: Double = 0.05, targetPower: Double = 0.8,
                 twoSided: Bool = true) {
        precondition(targetPower > 0 && targetPower < 1, "the target power must lie in (0, 1)")
        guard a.positives.count >= 2, a.negatives.count >= 2,
              let ca = DeLong.components(a), let cb = DeLong.components(b) else { return nil }
        let m = Double(a.positives.count), controls = Double(a.negatives.count)
        func scaledCovariance(_ u: DeLong.Components, _ v: DeLong.Components) -> Double {
            m * (DeLong.covariance(u.positive, v.positive) / m + DeLong.covariance(u.negative, v.negative) / controls)
        }
        let v1 = scaledCovariance(ca, ca), v2 = scaledCovariance(cb, cb), c = scaledCovariance(ca, cb)
        let v0 = 2 * v1 - 2 * c, va = v1 + v2 - 2 * c
        let delta = ca.auc - cb.auc
        // AUCs equal up to rounding (|δ| ≤ 1e-12) leave nothing to detect.
        guard abs(delta) > 1e-12, v0 > 0, va > 0 else { return nil }
        let zAlpha = Normal.quantile(1 - (twoSided ? alpha / 2 : alpha))
        let zBeta = Normal.quantile(targetPower)
        auc1 = ca.auc
        auc2 = cb.auc
        cases = a.positives.count
        self.controls = a.negatives.count
        power = Normal.cdf(((m * delta * delta).squareRoot() - zAlpha * v0.squareRoot()) / va.squareRoot())
        let needed = pow(zAlpha * v0.squareRoot() + zBeta * va.squareRoot(), 2) / (delta * delta)
        casesNeeded = needed
        controlsNeeded = controls / m * needed
    }
}

import Foundation

/// Student's t distribution with ν degrees of freedom, through the regularised incomplete beta
/// of SpecialFunctions.swift (Abramowitz M, Stegun IA (1964) Handbook of Mathematical
/// Functions, 26.7.1):
///
///     P(|T| ≥ |t|) = I_x(ν/2, ½)  with  x = ν/(ν + t²).
///
/// ν may be any positive real; the corrected resampled t-test uses ν = k·R − 1.
public enum StudentT {
    /// The two-sided tail P(|T| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, ½), the two-sided p-value of a
    /// t statistic (scipy: `2 * t.sf(abs(t), df)`). Small p keep their relative accuracy: for
    /// large |t| the incomplete beta is evaluated directly on its small side.
    ///
    /// Degenerate input: t = 0 gives 1; t = ±∞ gives 0; NaN t is a programming error.
    ///
    ///     StudentT.twoSidedP(2.7764451051977934, degreesOfFreedom: 4)  // 0.05
    public static func twoSidedP(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(nu > 0, "Student's t needs ν > 0 (got \(nu))")
        precondition(!t.isNaN, "Student's t tail of NaN")
        if t.isInfinite { return 0 }
        let t2 = t * t
        return IncompleteBeta.regularized(x: nu / (nu + t2), a: nu / 2, b: 0.5)
    }

    /// P(T > t), the upper tail (scipy's `t.sf`): half the two-sided tail for t ≥ 0, one minus
    /// half of it for t < 0.
    public static func survival(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let half = twoSidedP(t, degreesOfFreedom: nu) / 2
        return t >= 0 ? half : 1 - half
    }

    /// The two-sided critical value t_{1−α/2, ν}: the t with P(|T| ≥ t) = α (scipy:
    /// `t.ppf(1 - alpha/2, df)`). From x = I⁻¹(α; ν/2, ½), t = √(ν(1 − x)/x); x is the small
    /// side, so the inverse incomplete beta returns it with full relative precision.
    ///
    /// Degenerate input: alpha outside (0, 1) is a programming error.
    ///
    ///     StudentT.twoSidedCriticalValue(alpha: 0.05, degreesOfFreedom: 4)  // 2.7764451051977…
    public static func twoSidedCriticalValue(alpha: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(alpha > 0 && alpha < 1, "alpha must be in (0, 1), got \(alpha)")
        precondition(nu > 0, "Student's t needs ν > 0 (got \(nu))")
        let x = IncompleteBeta.inverse(p: alpha, a: nu / 2, b: 0.5)
        return (nu * (1 - x) / x).squareRoot()
    }
}

import Foundation

/// Two-sided (1 − α) confidence intervals for a binomial proportion p̂ = x/n.
///
/// Notation: z = z_{1−α/2} (1.959963984540054 for α = 0.05), p̂ = x/n, q̂ = 1 − p̂.
/// Every method returns `nil` when n = 0: the proportion is undefined, and a report shows
/// "n/a", never a number. The methods follow the implementations reviewers use, and tests
/// compare every one with them (statsmodels `proportion_confint`; R `prop.test` for Wilson-CC).
///
/// References: Wilson EB (1927) JASA 22:209–212. Clopper CJ, Pearson ES (1934) Biometrika
/// 26:404–413. Newcombe RG (1998) Stat Med 17:857–872 (methods 1–5 compared). Agresti A,
/// Coull BA (1998) Am Stat 52:119–126. Brown LD, Cai TT, DasGupta A (2001) Stat Sci
/// 16:101–133 (Jeffreys).
///
/// Worked example (also a test): 12/14 at α = 0.05 gives p̂ = 85.71% and Wald (clipped)
/// [67.38%, 100.00%]: 0.857143 ± 1.959964·√(0.857143·0.142857/14) = 0.857143 ± 0.183304.
public enum BinomialInterval: String, CaseIterable, Sendable {
    /// p̂ ± z·√(p̂q̂/n), clipped to [0, 1]: the study's convention. x = 0 or x = n gives a
    /// zero-width interval at 0 or 1 (the method's known failure, kept for comparison).
    case wald
    /// p̂ ± z·√(p̂q̂/n) without clipping (may leave [0, 1]), so a reader sees what was clipped.
    case waldUnclipped = "wald_unclipped"
    /// Wilson (1927) score interval:
    /// (p̂ + z²/2n ± z·√(p̂q̂/n + z²/4n²)) / (1 + z²/n). x = 0 gives lower 0, x = n upper 1.
    case wilson
    /// Wilson with Yates' continuity correction (Newcombe 1998 method 4) exactly as R's
    /// `prop.test(x, n, correct = TRUE)` computes it: with c = min(½, |x − n/2|) and
    /// p± = p̂ ± c/n, upper = (p₊ + z²/2n + z·√(p₊(1−p₊)/n + z²/4n²)) / (1 + z²/n), and lower
    /// likewise with p₋ and −z. The bound is 1 when p₊ ≥ 1 and 0 when p₋ ≤ 0 (so x = n gives
    /// upper 1 and x = 0 lower 0), and the interval is clipped to [0, 1]. R shrinks the
    /// correction when x is within ½ of n/2 (its null p₀ = ½), which makes 50/100 equal Wilson.
    case wilsonCC = "wilson_cc"
    /// Clopper-Pearson (1934) exact interval: lower = B⁻¹(α/2; x, n−x+1) (0 when x = 0), upper
    /// = B⁻¹(1−α/2; x+1, n−x) (1 when x = n), with B⁻¹ the inverse regularised incomplete beta.
    case clopperPearson = "clopper_pearson"
    /// Agresti-Coull (1998): ñ = n + z², p̃ = (x + z²/2)/ñ, p̃ ± z·√(p̃(1−p̃)/ñ), clipped to [0, 1].
    case agrestiCoull = "agresti_coull"
    /// Jeffreys: the α/2 and 1−α/2 quantiles of Beta(x + ½, n − x + ½), as statsmodels computes
    /// it (no special case at x = 0 or x = n, so the bounds stay strictly inside (0, 1)).
    case jeffreys

    /// The interval for x successes out of n, or `nil` when n = 0.
    ///
    /// - Parameters: x in 0...n; n ≥ 0; alpha in (0, 1), default 0.05 for a 95% interval.
    ///
    ///     BinomialInterval.wald.interval(x: 12, n: 14)  // [0.673838…, 1.0]
    public func interval(x: Int, n: Int, alpha: Double = 0.05) -> Interval? {
        precondition(n >= 0 && x >= 0 && x <= n, "a proportion needs 0 ≤ x ≤ n (x=\(x), n=\(n))")
        guard n > 0 else { return nil }
        let z = Normal.twoSidedCriticalValue(alpha: alpha)
        let (xd, nd) = (Double(x), Double(n))
        switch self {
        case .wald: return BinomialInterval.wald(x: xd, n: nd, z: z).clipped()
        case .waldUnclipped: return BinomialInterval.wald(x: xd, n: nd, z: z)
        case .wilson: return BinomialInterval.wilson(x: xd, n: nd, z: z, x0: x == 0, xn: x == n)
        case .wilsonCC: return BinomialInterval.wilsonCC(x: xd, n: nd, z: z)
        case .clopperPearson: return BinomialInterval.clopperPearson(x: xd, n: nd, alpha: alpha)
        case .agrestiCoull: return BinomialInterval.agrestiCoull(x: xd, n: nd, z: z)
        case .jeffreys:
            return Interval(IncompleteBeta.inverse(p: alpha / 2, a: xd + 0.5, b: nd - xd + 0.5),
                            IncompleteBeta.inverse(p: 1 - alpha / 2, a: xd + 0.5, b: nd - xd + 0.5))
        }
    }

    private static func wald(x: Double, n: Double, z: Double) -> Interval {
        let p = x / n
        let half = z * (p * (1 - p) / n).squareRoot()
        return Interval(p - half, p + half)
    }

    private static func wilson(x: Double, n: Double, z: Double, x0: Bool, xn: Bool) -> Interval {
        let p = x / n, z2 = z * z
        let centre = p + z2 / (2 * n)
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        let denominator = 1 + z2 / n
        return Interval(x0 ? 0 : (centre - half) / denominator, xn ? 1 : (centre + half) / denominator)
    }

    private static func wilsonCC(x: Double, n: Double, z: Double) -> Interval {
        let p = x / n
        let correction = min(0.5, abs(x - n * 0.5))
        let z22n = z * z / (2 * n)
        func bound(_ pc: Double, _ sign: Double) -> Double {
            (pc + z22n + sign * z * (pc * (1 - pc) / n + z22n / (2 * n)).squareRoot()) / (1 + 2 * z22n)
        }
        let pUpper = p + correction / n, pLower = p - correction / n
        let upper = pUpper >= 1 ? 1 : bound(pUpper, 1)
        let lower = pLower <= 0 ? 0 : bound(pLower, -1)
        return Interval(max(lower, 0), min(upper, 1))
    }

    private static func clopperPearson(x: Double, n: Double, alpha: Double) -> Interval {
        let lower = x == 0 ? 0 : IncompleteBeta.inverse(p: alpha / 2, a: x, b: n - x + 1)
        let upper = x == n ? 1 : IncompleteBeta.inverse(p: 1 - alpha / 2, a: x + 1, b: n - x)
        return Interval(lower, upper)
    }

    private static func agrestiCoull(x: Double, n: Double, z: Double) -> Interval {
        let nTilde = n + z * z
        let pTilde = (x + z * z / 2) / nTilde
        let half = z * (pTilde * (1 - pTilde) / nTilde).squareRoot()
        return Interval(pTilde - half, pTilde + half).clipped()
    }
}

extension Interval {
    /// The interval with both ends clipped to [0, 1].
    public func clipped() -> Interval {
        Interval(min(max(lower, 0), 1), min(max(upper, 0), 1))
    }

    public var width: Double { upper - lower }

    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }
}

extension ProportionSummary {
    /// x/n with every interval of `BinomialInterval` at level 1 − α. With n = 0 the value and
    /// every interval are `nil` (JSON `null`, "n/a" in text).
    ///
    ///     ProportionSummary(x: 12, n: 14).wald  // [0.673838…, 1.0]
    public init(x: Int, n: Int, alpha: Double = 0.05) {
        func ci(_ method: BinomialInterval) -> Interval? { method.interval(x: x, n: n, alpha: alpha) }
        self.init(x: x, n: n, value: n > 0 ? Double(x) / Double(n) : nil,
                  wald: ci(.wald), waldUnclipped: ci(.waldUnclipped), wilson: ci(.wilson),
                  wilsonCC: ci(.wilsonCC), clopperPearson: ci(.clopperPearson),
                  agrestiCoull: ci(.agrestiCoull), jeffreys: ci(.jeffreys))
    }

    /// The interval that `method` names.
    public func interval(_ method: BinomialInterval) -> Interval? {
        switch method {
        case .wald: return wald
        case .waldUnclipped: return waldUnclipped
        case .wilson: return wilson
        case .wilsonCC: return wilsonCC
        case .clopperPearson: return clopperPearson
        case .agrestiCoull: return agrestiCoull
        case .jeffreys: return jeffreys
        }
    }
}

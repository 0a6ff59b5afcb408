import Foundation

/// The difference between two proportions measured on the same cases, such as two readers'
/// sensitivities on the same positives.
///
/// The paired 2×2 table of N cases:
///
///                  B success   B failure
///     A success        a           b
///     A failure        c           d
///
/// gives p̂_A = (a + b)/N, p̂_B = (a + c)/N and θ̂ = p̂_A − p̂_B = (b − c)/N.
public enum PairedProportionDifference {
    /// Newcombe's method 10 interval for θ (Newcombe RG (1998) Improved confidence intervals for
    /// the difference between binomial proportions based on paired data, Stat Med
    /// 17:2635–2650): the square-and-add (MOVER) combination of the two Wilson score intervals
    /// [l_A, u_A] and [l_B, u_B], corrected for the correlation of the pairs:
    ///
    ///     lower = θ̂ − √((p̂_A − l_A)² − 2φ(p̂_A − l_A)(u_B − p̂_B) + (u_B − p̂_B)²)
    ///     upper = θ̂ + √((p̂_B − l_B)² − 2φ(p̂_B − l_B)(u_A − p̂_A) + (u_A − p̂_A)²)
    ///
    /// where φ = C/√((a+b)(c+d)(a+c)(b+d)) with C = ad − bc − N/2 when ad − bc > N/2, C = 0
    /// when 0 ≤ ad − bc ≤ N/2 and C = ad − bc when ad − bc < 0 (Newcombe's continuity-corrected
    /// φ), and φ = 0 when any margin is empty.
    ///
    /// Degenerate input: nil when N = 0. The limits stay within [−1, 1] by construction.
    ///
    /// Worked example (also a test): a = 59, b = 6, c = 16, d = 80 (Cavo et al. 2012, as used by
    /// Fagerland MW, Lydersen S, Laake P (2014) Stat Med 33:2850–2875) gives θ̂ = −0.0621 and
    /// the interval −0.1186 to −0.0046.
    public static func newcombe(a: Int, b: Int, c: Int, d: Int, alpha: Double = 0.05) -> Interval? {
        precondition([a, b, c, d].allSatisfy { $0 >= 0 }, "paired counts must be ≥ 0")
        let total = a + b + c + d
        guard total > 0 else { return nil }
        let n = Double(total)
        let pA = Double(a + b) / n, pB = Double(a + c) / n
        guard let ciA = BinomialInterval.wilson.interval(x: a + b, n: total, alpha: alpha),
              let ciB = BinomialInterval.wilson.interval(x: a + c, n: total, alpha: alpha) else { return nil }
        let phi = correlation(a: a, b: b, c: c, d: d)
        let theta = pA - pB
        let dl = (pA - ciA.lower, ciB.upper - pB), du = (pB - ciB.lower, ciA.upper - pA)
        let lower = theta - max(0, dl.0 * dl.0 - 2 * phi * dl.0 * dl.1 + dl.1 * dl.1).squareRoot()
        let upper = theta + max(0, du.0 * du.0 - 2 * phi * du.0 * du.1 + du.1 * du.1).squareRoot()
        return Interval(max(-1, lower), min(1, upper))
    }

    /// Newcombe's continuity-corrected φ of the paired table (see `newcombe`).
    static func correlation(a: Int, b: Int, c: Int, d: Int) -> Double {
        let margins = Double(a + b) * Double(c + d) * Double(a + c) * Double(b + d)
        guard margins > 0 else { return 0 }
        let n = Double(a + b + c + d)
        let cross = Double(a) * Double(d) - Double(b) * Double(c)
        let corrected = cross > n / 2 ? cross - n / 2 : (cross < 0 ? cross : 0)
        return corrected / margins.squareRoot()
    }
}

import Foundation

// The distribution functions the intervals and tests need, written here so that every number
// in metrics.json can be traced to a formula in this module. Only the C library's `erfc` and
// `lgamma` (both correctly rounded to within a few ulp on glibc) are taken from the platform.

/// The standard normal distribution N(0, 1).
public enum Normal {
    /// Φ(x) = ½·erfc(−x/√2). Accurate to a few ulp in both tails (no 1 − small cancellation).
    ///
    ///     Normal.cdf(1.959963984540054)  // 0.975
    public static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// 1 − Φ(x) = ½·erfc(x/√2), computed without cancellation for large x.
    public static func survival(_ x: Double) -> Double {
        0.5 * erfc(x / 2.0.squareRoot())
    }

    /// Φ⁻¹(p), Wichura's algorithm AS 241 (PPND16, Applied Statistics 37, 1988): rational
    /// approximations with relative error below 1e-16, the algorithm behind R's `qnorm`.
    ///
    /// Degenerate input: p = 0 gives −∞, p = 1 gives +∞; p outside [0,1] or NaN gives NaN.
    ///
    ///     Normal.quantile(0.975)  // 1.959963984540054
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            return q * centralNumerator(r) / centralDenominator(r)
        }
        var r = q < 0 ? p : 1 - p
        r = (-log(r)).squareRoot()
        let value: Double
        if r <= 5 {
            r -= 1.6
            value = intermediateNumerator(r) / intermediateDenominator(r)
        } else {
            r -= 5
            value = tailNumerator(r) / tailDenominator(r)
        }
        return q < 0 ? -value : value
    }

    /// z_{1−α/2}, the two-sided critical value: 1.959963984540054 for α = 0.05.
    public static func twoSidedCriticalValue(alpha: Double) -> Double {
        precondition(alpha > 0 && alpha < 1, "alpha must be in (0, 1), got \(alpha)")
        return quantile(1 - alpha / 2)
    }

    // AS 241 coefficients, highest power first.
    private static func centralNumerator(_ r: Double) -> Double {
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r
            + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
            + 133.14166789178437745) * r + 3.387132872796366608)
    }

    private static func centralDenominator(_ r: Double) -> Double {
        (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r
            + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
            + 42.313330701600911252) * r + 1.0)
    }

    private static func intermediateNumerator(_ r: Double) -> Double {
        (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r
            + 0.24178072517745061177) * r + 1.27045825245236838258) * r
            + 3.64784832476320460504) * r + 5.7694972214606914055) * r
            + 4.6303378461565452959) * r + 1.42343711074968357734)
    }

    private static func intermediateDenominator(_ r: Double) -> Double {
        (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r
            + 0.0151986665636164571966) * r + 0.14810397642748007459) * r
            + 0.68976733498510000455) * r + 1.6763848301838038494) * r
            + 2.05319162663775882187) * r + 1.0)
    }

    private static func tailNumerator(_ r: Double) -> Double {
        (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r
            + 0.0012426609473880784386) * r + 0.026532189526576123093) * r
            + 0.29656057182850489123) * r + 1.7848265399172913358) * r
            + 5.4637849111641143699) * r + 6.6579046435011037772)
    }

    private static func tailDenominator(_ r: Double) -> Double {
        (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r
            + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r
            + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
            + 0.59983220655588793769) * r + 1.0)
    }
}

/// The regularised incomplete beta function I_x(a, b) and its inverse: the Beta(a, b) CDF and
/// quantile, which give the Clopper-Pearson and Jeffreys intervals and binomial tails.
public enum IncompleteBeta {
    /// I_x(a, b) = B(x; a, b) / B(a, b) = ∫₀ˣ t^(a−1)(1−t)^(b−1) dt / B(a, b), for a, b > 0.
    ///
    /// Evaluated by the continued fraction of Numerical Recipes §6.4 (modified Lentz), on
    /// I_x(a,b) directly when x < (a+1)/(a+b+2) and through I_x(a,b) = 1 − I_{1−x}(b,a)
    /// otherwise, where the fraction converges fast. Relative accuracy about 1e-14.
    ///
    /// Degenerate input: x ≤ 0 gives 0, x ≥ 1 gives 1.
    ///
    ///     IncompleteBeta.regularized(x: 0.5, a: 2, b: 3)  // 0.6875 = 11/16
    public static func regularized(x: Double, a: Double, b: Double) -> Double {
        tails(x: x, a: a, b: b).lower
    }

    /// (I_x(a, b), 1 − I_x(a, b)), each computed directly on its own branch so that whichever is
    /// small keeps its relative accuracy (no 1 − (nearly 1) cancellation).
    public static func tails(x: Double, a: Double, b: Double) -> (lower: Double, upper: Double) {
        precondition(a > 0 && b > 0, "incomplete beta needs a, b > 0 (got a=\(a), b=\(b))")
        if x <= 0 { return (0, 1) }
        if x >= 1 { return (1, 0) }
        let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let logFront: Double = a * log(x) + b * log1p(-x) - logBeta
        if x < (a + 1) / (a + b + 2) {
            let lower = exp(logFront) * continuedFraction(x: x, a: a, b: b) / a
            return (lower, 1 - lower)
        }
        let upper = exp(logFront) * continuedFraction(x: 1 - x, a: b, b: a) / b
        return (1 - upper, upper)
    }

    /// The density of Beta(a, b) at x: x^(a−1)(1−x)^(b−1) / B(a, b), the derivative of I_x(a, b).
    public static func density(x: Double, a: Double, b: Double) -> Double {
        guard x > 0, x < 1 else { return 0 }
        let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let logKernel: Double = (a - 1) * log(x) + (b - 1) * log1p(-x)
        return exp(logKernel - logBeta)
    }

    /// The x with I_x(a, b) = p: the Beta(a, b) quantile (scipy's `beta.ppf`).
    ///
    /// Works on whichever side keeps precision: when the answer lies above ½ it is found as
    /// 1 − t with I_t(b, a) = 1 − p (doubles are dense near 0, so t carries full relative
    /// precision), and when the target probability q is above ½ the residual compares upper
    /// tails, (1 − q) − (1 − I_t), both computed without cancellation. Newton's method is kept
    /// inside a bracket that shrinks with every step, falling back to bisection when a step
    /// would leave it, so it always converges; it stops when the step is below 4e-16 relative
    /// or the bracket closes. Tests check that p lies between I at the result's neighbouring
    /// doubles (1e-13 relative to the smaller tail), and the closed forms.
    ///
    /// Degenerate input: p ≤ 0 gives 0, p ≥ 1 gives 1.
    public static func inverse(p: Double, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0, "inverse incomplete beta needs a, b > 0 (got a=\(a), b=\(b))")
        if p <= 0 { return 0 }
        if p >= 1 { return 1 }
        if regularized(x: 0.5, a: a, b: b) < p {
            return 1 - lowerInverse(q: 1 - p, qComplement: p, a: b, b: a)
        }
        return lowerInverse(q: p, qComplement: 1 - p, a: a, b: b)
    }

    /// The root t in (0, ½] of I_t(a,b) = q, given q and 1 − q (each exact where it is small).
    private static func lowerInverse(q: Double, qComplement: Double, a: Double, b: Double) -> Double {
        func residual(_ t: Double) -> Double {
            let (lower, upper) = tails(x: t, a: a, b: b)
            return q <= 0.5 ? lower - q : qComplement - upper
        }
        var lower = 0.0, upper = 0.5
        var t = min(a / (a + b), 0.25)
        for _ in 0..<400 {
            let f = residual(t)
            if f == 0 { return t }
            if f < 0 { lower = t } else { upper = t }
            let slope = density(x: t, a: a, b: b)
            var next = slope > 0 ? t - f / slope : .nan
            if !(next > lower && next < upper) { next = 0.5 * (lower + upper) }
            if abs(next - t) <= 4e-16 * t || next == lower || next == upper { return next }
            t = next
        }
        return t
    }

    /// Numerical Recipes' `betacf`: the continued fraction for I_x(a,b)·a·B(a,b)/(x^a(1−x)^b).
    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }
}

/// The regularised incomplete gamma functions, for the chi-square distribution.
public enum IncompleteGamma {
    /// Q(a, x) = Γ(a, x)/Γ(a) = 1 − P(a, x), the upper tail, for a > 0 and x ≥ 0.
    ///
    /// The series for P when x < a + 1 and the Legendre continued fraction for Q otherwise
    /// (Numerical Recipes §6.2), so neither branch subtracts nearly equal numbers where it
    /// matters. Degenerate input: x ≤ 0 gives 1; x = +∞ gives 0.
    public static func regularizedUpper(a: Double, x: Double) -> Double {
        precondition(a > 0, "incomplete gamma needs a > 0 (got \(a))")
        if x <= 0 { return 1 }
        if x == .infinity { return 0 }
        if x < a + 1 { return 1 - lowerSeries(a: a, x: x) }
        return upperContinuedFraction(a: a, x: x)
    }

    private static func lowerSeries(a: Double, x: Double) -> Double {
        var term = 1 / a, sum = term, ap = a
        for _ in 0..<10_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * 1e-17 { break }
        }
        return sum * exp(-x + a * log(x) - lgamma(a))
    }

    private static func upperContinuedFraction(a: Double, x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(-x + a * log(x) - lgamma(a)) * h
    }
}

/// The chi-square distribution.
public enum ChiSquare {
    /// P(χ²_k > x) = Q(k/2, x/2). For k = 1 this is erfc(√(x/2)), used directly for accuracy.
    ///
    /// Degenerate input: x ≤ 0 gives 1; x = +∞ gives 0.
    ///
    ///     ChiSquare.survival(3.841458820694124, degreesOfFreedom: 1)  // 0.05
    public static func survival(_ x: Double, degreesOfFreedom k: Int) -> Double {
        precondition(k > 0, "chi-square needs at least one degree of freedom (got \(k))")
        if x <= 0 { return 1 }
        if k == 1 { return erfc((x / 2).squareRoot()) }
        return IncompleteGamma.regularizedUpper(a: Double(k) / 2, x: x / 2)
    }
}

/// The binomial distribution Bin(n, p).
public enum Binomial {
    /// P(X = k) = C(n,k) pᵏ (1−p)ⁿ⁻ᵏ, through log-gamma so that large n neither overflows nor
    /// underflows early. Degenerate input: k outside 0...n gives 0; p = 0 or 1 gives the point mass.
    public static func probability(_ k: Int, n: Int, p: Double) -> Double {
        precondition(n >= 0 && p >= 0 && p <= 1, "binomial needs n ≥ 0 and p in [0,1] (n=\(n), p=\(p))")
        guard k >= 0, k <= n else { return 0 }
        if p == 0 { return k == 0 ? 1 : 0 }
        if p == 1 { return k == n ? 1 : 0 }
        let (kd, nd) = (Double(k), Double(n))
        let logChoose = lgamma(nd + 1) - lgamma(kd + 1) - lgamma(nd - kd + 1)
        return exp(logChoose + kd * log(p) + (nd - kd) * log1p(-p))
    }

    /// P(X ≤ k) = Σ_{i=0}^{k} P(X = i), summed term by term with the recurrence
    /// P(i+1) = P(i)·(n−i)/(i+1)·p/(1−p) from P(0) = (1−p)ⁿ (exact for p = ½ and small n, so
    /// McNemar's p-values print as 0.625, not 0.6250000000000001), or through log-gamma when
    /// (1−p)ⁿ would underflow. Tests check it against I_{1−p}(n−k, k+1).
    /// Degenerate input: k < 0 gives 0, k ≥ n gives 1.
    ///
    ///     Binomial.cdf(2, n: 10, p: 0.5)  // 56/1024 = 0.0546875
    public static func cdf(_ k: Int, n: Int, p: Double) -> Double {
        if k < 0 { return 0 }
        if k >= n { return 1 }
        var term = pow(1 - p, Double(n))
        guard term > 1e-290, p < 1 else { return min((0...k).map { probability($0, n: n, p: p) }.reduce(0, +), 1) }
        var sum = term
        let odds = p / (1 - p)
        for i in 0..<k {
            term *= Double(n - i) / Double(i + 1) * odds
            sum += term
        }
        return min(sum, 1)
    }

    /// P(X ≥ k) = Σ_{i=k}^{n} P(X = i). Degenerate input: k ≤ 0 gives 1, k > n gives 0.
    public static func upperTail(_ k: Int, n: Int, p: Double) -> Double {
        if k <= 0 { return 1 }
        if k > n { return 0 }
        var sum = 0.0
        for i in k...n { sum += probability(i, n: n, p: p) }
        return min(sum, 1)
    }
}

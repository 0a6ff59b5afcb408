import Foundation

/// Chance-corrected agreement of raters who sort the same cases into the same categories.
///
/// References: Cohen J (1960) A coefficient of agreement for nominal scales, Educ Psychol Meas
/// 20:37–46. Fleiss JL, Cohen J, Everitt BS (1969) Large sample standard errors of kappa and
/// weighted kappa, Psychol Bull 72:323–327. Fleiss JL (1971) Measuring nominal scale agreement
/// among many raters, Psychol Bull 76:378–382. Both statistics follow statsmodels
/// (`statsmodels.stats.inter_rater.cohens_kappa` and `fleiss_kappa`), and the tests hold them to
/// it within 1e-9.
public enum Kappa {
    /// Cohen's κ of two raters with its asymptotic standard error and Wald interval.
    public struct Cohen: Sendable, Equatable {
        public var kappa: Double
        /// √var(κ̂), the large-sample variance of Fleiss, Cohen & Everitt (1969).
        public var standardError: Double
        /// κ̂ ± z_{1−α/2}·SE (not clipped to [−1, 1], as statsmodels reports it).
        public var interval: Interval
        public var n: Int
        /// p_o, the share of cases on which the raters agree.
        public var observedAgreement: Double
        /// p_e = Σ_i p_i. p_.i, the agreement expected from the margins alone.
        public var expectedAgreement: Double
    }

    /// Cohen's κ from a k×k table, `table[i][j]` = cases rater A put in category i and rater B
    /// in category j.
    ///
    /// With p_ij = table[i][j]/N, row margins p_i. and column margins p_.j:
    /// κ = (p_o − p_e)/(1 − p_e), p_o = Σ p_ii, p_e = Σ p_i. p_.i, and
    ///
    ///     var(κ) = [ Σ_i p_ii (1 − (p_i. + p_.i)(1 − κ))²
    ///              + (1 − κ)² Σ_{i≠j} p_ij (p_.i + p_j.)²
    ///              − (κ − p_e(1 − κ))² ] / ((1 − p_e)² N)
    ///
    /// Degenerate input: nil when N = 0 or p_e = 1 (both raters put every case in the same
    /// single category, so κ is 0/0). A variance that rounds below zero (perfect agreement)
    /// is taken as 0.
    ///
    ///     Kappa.cohen([[20, 5], [10, 15]])  // p_o 0.7, p_e 0.5, κ 0.4
    public static func cohen(_ table: [[Int]], alpha: Double = 0.05) -> Cohen? {
        let k = table.count
        precondition(k >= 2 && table.allSatisfy { $0.count == k }, "Cohen's kappa needs a square table of ≥ 2 categories")
        precondition(table.joined().allSatisfy { $0 >= 0 }, "Cohen's kappa needs counts ≥ 0")
        let total = table.joined().reduce(0, +)
        guard total > 0 else { return nil }
        let n = Double(total)
        let p = table.map { $0.map { Double($0) / n } }
        let row = p.map { $0.reduce(0, +) }
        let column = (0..<k).map { j in p.reduce(0) { $0 + $1[j] } }
        let observed = (0..<k).reduce(0) { $0 + p[$1][$1] }
        let expected = (0..<k).reduce(0) { $0 + row[$1] * column[$1] }
        guard expected < 1 else { return nil }
        let kappa = (observed - expected) / (1 - expected)
        var termA = 0.0, termB = 0.0
        for i in 0..<k {
            let factor = 1 - (row[i] + column[i]) * (1 - kappa)
            termA += p[i][i] * factor * factor
            for j in 0..<k where j != i {
                let sum = column[i] + row[j]
                termB += p[i][j] * sum * sum
            }
        }
        termB *= (1 - kappa) * (1 - kappa)
        let termC = (kappa - expected * (1 - kappa)) * (kappa - expected * (1 - kappa))
        let variance = max(0, (termA + termB - termC) / ((1 - expected) * (1 - expected)) / n)
        let se = variance.squareRoot()
        let z = Normal.twoSidedCriticalValue(alpha: alpha)
        return Cohen(kappa: kappa, standardError: se, interval: Interval(kappa - z * se, kappa + z * se), n: total,
                     observedAgreement: observed, expectedAgreement: expected)
    }

    /// Cohen's κ of two raters' binary calls on the same cases (true = the positive class).
    public static func cohen(_ a: [Bool], _ b: [Bool], alpha: Double = 0.05) -> Cohen? {
        precondition(a.count == b.count, "both raters must call the same cases")
        var table = [[0, 0], [0, 0]]
        for (x, y) in zip(a, b) { table[x ? 0 : 1][y ? 0 : 1] += 1 }
        return cohen(table, alpha: alpha)
    }

    /// Fleiss' κ from a subjects × categories table of counts, `counts[s][c]` = raters who put
    /// subject s in category c; every subject must be rated by the same number r ≥ 2 of raters.
    ///
    /// With N subjects, p_c = Σ_s counts[s][c]/(N r), P_s = (Σ_c counts[s][c]² − r)/(r(r − 1)),
    /// P̄ = mean P_s and P̄_e = Σ_c p_c²: κ = (P̄ − P̄_e)/(1 − P̄_e) (Fleiss 1971, statsmodels'
    /// `method="fleiss"`).
    ///
    /// Degenerate input: nil with no subjects, fewer than 2 raters, or P̄_e = 1 (every call in
    /// one category).
    ///
    ///     Kappa.fleiss([[3, 0], [0, 3], [2, 1], [1, 2]])  // P̄ 2/3, P̄_e 1/2, κ 1/3
    public static func fleiss(_ counts: [[Int]]) -> Double? {
        guard let first = counts.first else { return nil }
        let raters = first.reduce(0, +)
        precondition(counts.allSatisfy { $0.count == first.count && $0.reduce(0, +) == raters },
                     "Fleiss' kappa needs every subject rated by the same number of raters")
        guard raters >= 2 else { return nil }
        let r = Double(raters), subjects = Double(counts.count)
        let categoryShare = first.indices.map { c in Double(counts.reduce(0) { $0 + $1[c] }) / (subjects * r) }
        let agreement = counts.map { row in (Double(row.reduce(0) { $0 + $1 * $1 }) - r) / (r * (r - 1)) }
        let mean = agreement.reduce(0, +) / subjects
        let expected = categoryShare.reduce(0) { $0 + $1 * $1 }
        guard expected < 1 else { return nil }
        return (mean - expected) / (1 - expected)
    }

    /// Fleiss' κ of several raters' binary calls: `calls[rater][case]`, all raters calling the
    /// same cases.
    public static func fleiss(_ calls: [[Bool]]) -> Double? {
        guard let first = calls.first else { return nil }
        precondition(calls.allSatisfy { $0.count == first.count }, "every rater must call the same cases")
        let counts = first.indices.map { index -> [Int] in
            let positive = calls.filter { $0[index] }.count
            return [positive, calls.count - positive]
        }
        return fleiss(counts)
    }
}

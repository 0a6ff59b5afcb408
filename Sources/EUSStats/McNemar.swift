import Foundation

/// McNemar's test of two models' accuracy on the same cases (McNemar Q (1947) Note on the
/// sampling error of the difference between correlated proportions or percentages,
/// Psychometrika 12:153–157), from the discordant counts only:
/// b = cases A got right and B wrong, c = cases B got right and A wrong.
public enum McNemar {
    /// The exact two-sided p: under H₀ each discordant case falls to either side with
    /// probability ½, so p = min(1, 2·P(X ≤ min(b, c))) with X ~ Bin(b + c, ½) (statsmodels
    /// `mcnemar(exact=True)`). Degenerate input: b = c = 0 gives 1.
    ///
    ///     McNemar.exactP(b: 2, c: 8)  // 2·(1 + 10 + 45)/1024 = 0.109375
    public static func exactP(b: Int, c: Int) -> Double {
        precondition(b >= 0 && c >= 0, "McNemar counts must be ≥ 0 (b=\(b), c=\(c))")
        return min(1, 2 * Binomial.cdf(min(b, c), n: b + c, p: 0.5))
    }

    /// The continuity-corrected statistic χ² = (|b − c| − 1)²/(b + c) with 1 degree of freedom
    /// and its p-value (Edwards AL (1948) Psychometrika 13:185–187; statsmodels
    /// `mcnemar(exact=False, correction=True)`).
    ///
    /// Degenerate input: nil when b + c = 0: the statistic is 0/0 (statsmodels reports ∞ and
    /// p = 0 there, which would read as a certain difference between models that never
    /// disagree); the exact p (1) is the answer in that case. As in statsmodels the
    /// correction is not truncated at 0: |b − c| = 1 gives χ² = 0, and b = c gives 1/(b + c).
    public static func chiSquareCC(b: Int, c: Int) -> (statistic: Double, p: Double)? {
        precondition(b >= 0 && c >= 0, "McNemar counts must be ≥ 0 (b=\(b), c=\(c))")
        guard b + c > 0 else { return nil }
        let excess = Double(abs(b - c)) - 1
        let statistic = excess * excess / Double(b + c)
        return (statistic, ChiSquare.survival(statistic, degreesOfFreedom: 1))
    }

    /// Both tests for metrics.json.
    public static func summary(b: Int, c: Int) -> McNemarSummary {
        let chi = chiSquareCC(b: b, c: c)
        return McNemarSummary(b: b, c: c, exactP: exactP(b: b, c: c), chi2CC: chi?.statistic, chi2CCP: chi?.p)
    }
}

extension AgreementTable {
    /// How two models' calls agree with the truth, case by case:
    ///
    ///                   B right        B wrong
    ///     A right    bothCorrect       onlyA (= McNemar b)
    ///     A wrong    onlyB (= c)       bothWrong
    ///
    /// Degenerate input: no cases gives all zeros.
    public init(aCorrect: [Bool], bCorrect: [Bool]) {
        precondition(aCorrect.count == bCorrect.count, "agreement needs the same cases for both models")
        var table = AgreementTable(bothCorrect: 0, onlyA: 0, onlyB: 0, bothWrong: 0)
        for (a, b) in zip(aCorrect, bCorrect) {
            switch (a, b) {
            case (true, true): table.bothCorrect += 1
            case (true, false): table.onlyA += 1
            case (false, true): table.onlyB += 1
            case (false, false): table.bothWrong += 1
            }
        }
        self = table
    }
}

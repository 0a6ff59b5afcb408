import Foundation

extension ConfusionCounts {
    /// The 2×2 table of a model at a threshold: a case is called positive when its score
    /// (P(positive)) is ≥ `threshold`.
    ///
    ///                 called +   called −
    ///     positive       TP         FN
    ///     negative       FP         TN
    ///
    /// - Parameters: `isPositive[i]` the true class of case i; `scores[i]` its P(positive);
    ///   both of length N. Degenerate input: N = 0 gives all zeros.
    ///
    ///     ConfusionCounts(isPositive: [true, true, false], scores: [0.9, 0.4, 0.5], threshold: 0.5)
    ///     // tp 1, fn 1, tn 0, fp 1
    public init(isPositive: [Bool], scores: [Double], threshold: Double = 0.5) {
        precondition(isPositive.count == scores.count,
                     "labels (\(isPositive.count)) and scores (\(scores.count)) differ in length")
        var counts = ConfusionCounts(tp: 0, fn: 0, tn: 0, fp: 0)
        for (positive, score) in zip(isPositive, scores) {
            switch (positive, score >= threshold) {
            case (true, true): counts.tp += 1
            case (true, false): counts.fn += 1
            case (false, false): counts.tn += 1
            case (false, true): counts.fp += 1
            }
        }
        self = counts
    }

    public var total: Int { tp + fn + tn + fp }

    /// Sensitivity TP/(TP+FN), specificity TN/(TN+FP), PPV TP/(TP+FP), NPV TN/(TN+FN) and
    /// accuracy (TP+TN)/N, each with x, n and every interval (Altman DG, Bland JM (1994)
    /// Diagnostic tests 1: sensitivity and specificity, BMJ 308:1552; Diagnostic tests 2:
    /// predictive values, BMJ 309:102). n = 0 gives nil value and intervals (e.g. PPV when
    /// nothing is called positive).
    ///
    ///     ConfusionCounts(tp: 12, fn: 2, tn: 14, fp: 1).proportions().sensitivity  // x 12, n 14, 0.857…
    public func proportions(alpha: Double = 0.05) -> ProportionSet {
        ProportionSet(
            sensitivity: ProportionSummary(x: tp, n: tp + fn, alpha: alpha),
            specificity: ProportionSummary(x: tn, n: tn + fp, alpha: alpha),
            ppv: ProportionSummary(x: tp, n: tp + fp, alpha: alpha),
            npv: ProportionSummary(x: tn, n: tn + fn, alpha: alpha),
            accuracy: ProportionSummary(x: tp + tn, n: total, alpha: alpha))
    }

    /// F1 = 2TP/(2TP + FP + FN), the harmonic mean of PPV and sensitivity (van Rijsbergen CJ
    /// (1979) Information Retrieval, ch. 7). TP 12, FN 2, FP 1 gives 24/27.
    /// Degenerate input: nil when 2TP + FP + FN = 0 (no positives and nothing called positive).
    public var f1: Double? {
        let denominator = 2 * tp + fp + fn
        return denominator > 0 ? Double(2 * tp) / Double(denominator) : nil
    }

    /// Sensitivity TP/(TP+FN), nil with no positives.
    public var sensitivity: Double? { tp + fn > 0 ? Double(tp) / Double(tp + fn) : nil }

    /// Specificity TN/(TN+FP), nil with no negatives.
    public var specificity: Double? { tn + fp > 0 ? Double(tn) / Double(tn + fp) : nil }

    /// Balanced accuracy (sensitivity + specificity)/2 (Brodersen KH et al. (2010) ICPR
    /// 3121–3124). Nil unless both classes are present.
    public var balancedAccuracy: Double? {
        guard let sensitivity, let specificity else { return nil }
        return (sensitivity + specificity) / 2
    }

    /// LR+ = sensitivity/(1 − specificity) (Deeks JJ, Altman DG (2004) Diagnostic tests 4:
    /// likelihood ratios, BMJ 329:168). Nil when undefined: a class is absent, or
    /// specificity = 1 (division by zero: no false positives).
    public var lrPositive: Double? {
        guard let sensitivity, let specificity, specificity < 1 else { return nil }
        return sensitivity / (1 - specificity)
    }

    /// LR− = (1 − sensitivity)/specificity. Nil when a class is absent or specificity = 0.
    public var lrNegative: Double? {
        guard let sensitivity, let specificity, specificity > 0 else { return nil }
        return (1 - sensitivity) / specificity
    }
}

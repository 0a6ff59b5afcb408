import Foundation

/// One model's scores split by true class, in case order: the input of every ranking measure.
public struct ClassScores: Sendable, Equatable {
    /// Scores of the positive cases (m of them).
    public var positives: [Double]
    /// Scores of the negative cases (n of them).
    public var negatives: [Double]

    public init(positives: [Double], negatives: [Double]) {
        precondition(!(positives + negatives).contains { $0.isNaN }, "scores must not be NaN")
        self.positives = positives
        self.negatives = negatives
    }

    /// Splits `scores` by `isPositive`, keeping case order within each class (so two models'
    /// `ClassScores` on the same cases are paired element by element).
    public init(isPositive: [Bool], scores: [Double]) {
        precondition(isPositive.count == scores.count,
                     "labels (\(isPositive.count)) and scores (\(scores.count)) differ in length")
        self.init(positives: zip(isPositive, scores).filter { $0.0 }.map(\.1),
                  negatives: zip(isPositive, scores).filter { !$0.0 }.map(\.1))
    }

    /// True when both classes are present, so that ROC and AUC are defined.
    public var hasBothClasses: Bool { !positives.isEmpty && !negatives.isEmpty }
}

/// The empirical ROC curve at every distinct threshold (Fawcett T (2006) An introduction to ROC
/// analysis, Pattern Recognit Lett 27:861–874, algorithm 1).
///
/// Semantics are scikit-learn's `roc_curve(drop_intermediate=False)`: thresholds are the
/// distinct scores in decreasing order, preceded by +∞; point i counts the cases with
/// score ≥ thresholds[i], so the curve starts at (0, 0) and ends at (1, 1);
/// fpr = FP/N₋ and tpr = TP/N₊ as exact divisions of counts.
///
/// Worked example (also a test): labels [1,1,0,0], scores [0.8,0.4,0.4,0.1] give thresholds
/// [+∞, 0.8, 0.4, 0.1], tpr [0, 0.5, 1, 1], fpr [0, 0, 0.5, 1] (the tie at 0.4 moves both).
public struct ROCCurve: Sendable, Equatable {
    public var fpr: [Double]
    public var tpr: [Double]
    /// thresholds[0] = +∞, then the distinct scores, decreasing.
    public var thresholds: [Double]

    /// The curve, or nil when a class is absent (one of the rates would divide by zero;
    /// scikit-learn returns NaNs there).
    public init?(_ scores: ClassScores) {
        guard scores.hasBothClasses else { return nil }
        let labelled = scores.positives.map { ($0, true) } + scores.negatives.map { ($0, false) }
        let sorted = labelled.sorted { $0.0 > $1.0 }
        let (nPositive, nNegative) = (Double(scores.positives.count), Double(scores.negatives.count))
        var (tp, fp) = (0, 0)
        fpr = [0]; tpr = [0]; thresholds = [.infinity]
        for (index, (score, positive)) in sorted.enumerated() {
            if positive { tp += 1 } else { fp += 1 }
            let lastOfTie = index == sorted.count - 1 || sorted[index + 1].0 != score
            guard lastOfTie else { continue }
            thresholds.append(score)
            tpr.append(Double(tp) / nPositive)
            fpr.append(Double(fp) / nNegative)
        }
    }

    /// The curve for metrics.json, +∞ written as nil (JSON null).
    public var summary: ROCSummary {
        ROCSummary(fpr: fpr, tpr: tpr, thresholds: thresholds.map { $0.isFinite ? $0 : nil })
    }

    /// The area by the trapezoidal rule; equals the Mann-Whitney AUC (tests check both ways).
    public var trapezoidalArea: Double {
        var area = 0.0
        for i in 1..<fpr.count { area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2 }
        return area
    }

    /// The Youden-optimal threshold: the finite threshold maximising J = tpr − fpr
    /// (Youden WJ (1950) Index for rating diagnostic tests, Cancer 3:32–35), taking the highest
    /// threshold among ties. A case is positive when its score ≥ the threshold.
    /// Exploratory only: picked on the cases it is then judged on, it flatters the model.
    ///
    /// Worked example (also a test): the curve above has J = [0, 0.5, 0.5, 0] at the finite
    /// thresholds [0.8, 0.4, 0.1], so the threshold is 0.8.
    public var youdenThreshold: Double {
        var best = 1
        for i in 2..<thresholds.count where tpr[i] - fpr[i] > tpr[best] - fpr[best] { best = i }
        return thresholds[best]
    }
}

/// The area under the ROC curve as the Mann-Whitney statistic.
public enum AUC {
    /// AUC = (1/(m·n)) Σᵢ Σⱼ ψ(Xᵢ, Yⱼ), ψ = 1 if Xᵢ > Yⱼ, ½ if equal, 0 otherwise, over the
    /// m positive scores X and n negative scores Y: the probability that a random positive
    /// outranks a random negative (Hanley JA, McNeil BJ (1982) Radiology 143:29–36).
    /// Computed from midranks in O((m+n) log(m+n)): AUC = (Σ R(Xᵢ) − m(m+1)/2)/(m·n).
    ///
    /// Degenerate input: nil when a class is absent; all scores tied gives ½; perfect
    /// separation gives 1 (or 0 when every negative outscores every positive).
    ///
    ///     AUC.mannWhitney(ClassScores(positives: [0.8, 0.4], negatives: [0.4, 0.1]))  // 0.875
    public static func mannWhitney(_ scores: ClassScores) -> Double? {
        guard scores.hasBothClasses else { return nil }
        let ranks = Ranking.midranks(scores.positives + scores.negatives)
        let (m, n) = (Double(scores.positives.count), Double(scores.negatives.count))
        let positiveRankSum = ranks[0..<scores.positives.count].reduce(0, +)
        return (positiveRankSum - m * (m + 1) / 2) / (m * n)
    }
}

enum Ranking {
    /// The 1-based ranks of `values` in increasing order, ties getting the mean of the ranks
    /// they span. O(k log k).
    static func midranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            let midrank = Double(start + end) / 2 + 1
            for k in start...end { ranks[order[k]] = midrank }
            start = end + 1
        }
        return ranks
    }
}

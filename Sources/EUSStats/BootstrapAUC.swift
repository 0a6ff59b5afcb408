import EUSSupport
import Foundation

/// The stratified percentile bootstrap CI of the AUC.
public enum BootstrapAUC {
    /// Resamples the m positives and the n negatives separately, each with replacement and at
    /// its own size (so every resample keeps both classes, as pROC's `stratified = TRUE`),
    /// computes the Mann-Whitney AUC of each of `resamples` replicates, and returns the
    /// α/2 and 1 − α/2 percentiles, interpolated linearly between order statistics (R's
    /// quantile type 7, pROC's choice). Efron B, Tibshirani RJ (1993) An Introduction to the
    /// Bootstrap, ch. 13; Carpenter J, Bithell J (2000) Stat Med 19:1141–1164.
    ///
    /// Deterministic for a given seed (`SeededRandom`). Degenerate input: nil when a class is
    /// absent or `resamples` is 0; all tied scores give [0.5, 0.5]; perfect separation [1, 1].
    public static func interval(_ scores: ClassScores, resamples: Int = 2000, seed: UInt64 = 1,
                                alpha: Double = 0.05) -> Interval? {
        precondition(resamples >= 0, "resamples must be ≥ 0 (got \(resamples))")
        guard scores.hasBothClasses, resamples > 0 else { return nil }
        let ranked = RankedScores(scores)
        var generator = SeededRandom(seed: seed)
        var aucs = (0..<resamples).map { _ in ranked.replicateAUC(using: &generator) }
        aucs.sort()
        return Interval(quantile(sorted: aucs, alpha / 2), quantile(sorted: aucs, 1 - alpha / 2))
    }

    /// The scores replaced by the index of their value among the distinct values, so a
    /// replicate's AUC is a histogram and a prefix sum: O(m + n + distinct values), no sorting.
    struct RankedScores {
        var positiveLevels: [Int]
        var negativeLevels: [Int]
        var levelCount: Int

        init(_ scores: ClassScores) {
            let levels = Array(Set(scores.positives + scores.negatives)).sorted()
            var index: [Double: Int] = [:]
            for (i, value) in levels.enumerated() { index[value] = i }
            positiveLevels = scores.positives.map { index[$0]! }
            negativeLevels = scores.negatives.map { index[$0]! }
            levelCount = levels.count
        }

        /// One stratified replicate: m positive draws, then n negative draws, each uniform with
        /// replacement within its class; AUC = Σ over drawn positives of
        /// (#drawn negatives below + ½ #tied) / (m·n), the Mann-Whitney statistic of the replicate.
        func replicateAUC(using generator: inout SeededRandom) -> Double {
            let (m, n) = (positiveLevels.count, negativeLevels.count)
            let drawnPositives = (0..<m).map { _ in positiveLevels[generator.index(m)] }
            var negativesAt = [Int](repeating: 0, count: levelCount)
            for _ in 0..<n { negativesAt[negativeLevels[generator.index(n)]] += 1 }
            var below = [Int](repeating: 0, count: levelCount)
            var running = 0
            for level in 0..<levelCount {
                below[level] = running
                running += negativesAt[level]
            }
            var twiceWins = 0
            for level in drawnPositives { twiceWins += 2 * below[level] + negativesAt[level] }
            return Double(twiceWins) / Double(2 * m * n)
        }
    }

    /// R's type-7 sample quantile: h = (k − 1)q, x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
    static func quantile(sorted values: [Double], _ q: Double) -> Double {
        let h = Double(values.count - 1) * q
        let low = Int(h.rounded(.down))
        let high = min(low + 1, values.count - 1)
        return values[low] + (h - Double(low)) * (values[high] - values[low])
    }
}

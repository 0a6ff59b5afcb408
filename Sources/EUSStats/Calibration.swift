import Foundation

/// Calibration: how well P(positive) matches the observed frequency of the positive class.
public enum Calibration {
    /// The Brier score (1/N) Σᵢ (pᵢ − yᵢ)², yᵢ = 1 for a positive case and 0 otherwise
    /// (Brier GW (1950) Verification of forecasts expressed in terms of probability,
    /// Mon Weather Rev 78:1–3). 0 is perfect; always answering 0.5 scores 0.25.
    /// Degenerate input: nil for N = 0.
    ///
    ///     Calibration.brier(isPositive: [true, false], scores: [0.8, 0.4])  // (0.04 + 0.16)/2 = 0.1
    public static func brier(isPositive: [Bool], scores: [Double]) -> Double? {
        precondition(isPositive.count == scores.count, "labels and scores differ in length")
        guard !scores.isEmpty else { return nil }
        var sum = 0.0
        for (positive, p) in zip(isPositive, scores) {
            let error = p - (positive ? 1 : 0)
            sum += error * error
        }
        return sum / Double(scores.count)
    }

    /// The reliability table with `bins` equal-width bins over [0, 1] (DeGroot MH, Fienberg SE
    /// (1983) The comparison and evaluation of forecasters, The Statistician 32:12–22).
    /// Bin k (1-based) holds the scores in [(k−1)/B, k/B), the last bin also holding 1.0; a score
    /// on an edge belongs to the bin above it. Each row gives the bin's mean score, its observed
    /// positive rate and its count.
    ///
    /// Degenerate input: an empty bin has count 0 and nil mean and rate (never 0/0).
    ///
    ///     Calibration.reliability(isPositive: [true, false, true], scores: [0.95, 0.05, 1.0])
    ///     // bin 1: mean 0.05, rate 0, count 1; bin 10: mean 0.975, rate 1, count 2; others empty
    public static func reliability(isPositive: [Bool], scores: [Double], bins: Int = 10) -> [ReliabilityBin] {
        precondition(isPositive.count == scores.count, "labels and scores differ in length")
        precondition(bins > 0, "reliability needs at least one bin")
        var sums = [Double](repeating: 0, count: bins)
        var positives = [Int](repeating: 0, count: bins)
        var counts = [Int](repeating: 0, count: bins)
        for (positive, p) in zip(isPositive, scores) {
            let k = binIndex(p, bins: bins)
            sums[k] += p
            counts[k] += 1
            if positive { positives[k] += 1 }
        }
        return (0..<bins).map { k in
            let n = counts[k]
            return ReliabilityBin(bin: k + 1, lower: Double(k) / Double(bins), upper: Double(k + 1) / Double(bins),
                                  meanPredicted: n > 0 ? sums[k] / Double(n) : nil,
                                  observedRate: n > 0 ? Double(positives[k]) / Double(n) : nil,
                                  count: n)
        }
    }

    /// The 0-based bin of p: the number of interior edges k/B (k = 1…B−1) that are ≤ p, so the
    /// comparison is with the printed edges themselves (no p·B rounding surprises).
    static func binIndex(_ p: Double, bins: Int) -> Int {
        var k = 0
        while k + 1 < bins && p >= Double(k + 1) / Double(bins) { k += 1 }
        return k
    }
}

import Foundation

/// How numbers are printed in the summary, metrics.csv and the report, in one place so every
/// output agrees: proportions as percentages with 2 decimals, undefined values as "n/a".
public enum MetricsText {
    /// What an undefined value (n = 0, a division by zero) prints as.
    public static let notAvailable = "n/a"

    /// A number with `digits` decimals, "n/a" for nil or non-finite; never "-0.00".
    ///
    ///     MetricsText.decimal(2.3456, digits: 2)  // "2.35"
    public static func decimal(_ value: Double?, digits: Int = 2) -> String {
        guard let value, value.isFinite else { return notAvailable }
        let text = String(format: "%.\(digits)f", value)
        let isNegativeZero = text.hasPrefix("-") && text.dropFirst().allSatisfy { $0 == "0" || $0 == "." }
        return isNegativeZero ? String(text.dropFirst()) : text
    }

    /// A probability next to its call: 2 decimals, or as many more (up to 4) as it takes for
    /// the printed value to fall on the same side of `threshold` as the value itself, so that
    /// 0.497 under a 0.5 threshold never prints as "0.50 → LM".
    ///
    ///     MetricsText.probability(0.4971, threshold: 0.5)  // "0.497"
    public static func probability(_ value: Double, threshold: Double) -> String {
        for digits in 2...4 {
            let text = decimal(value, digits: digits)
            guard let printed = Double(text) else { return text }
            if (printed >= threshold) == (value >= threshold) { return text }
        }
        return decimal(value, digits: 4)
    }

    /// A proportion as a percentage with 2 decimals and no sign: 0.857142… → "85.71".
    public static func percentNumber(_ value: Double?) -> String {
        decimal(value.map { $0 * 100 }, digits: 2)
    }

    /// "85.71%", or "n/a".
    public static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return notAvailable }
        return percentNumber(value) + "%"
    }

    /// "67.38%–100.00%" (en dash), or "n/a".
    public static func percent(_ interval: Interval?) -> String {
        guard let interval else { return notAvailable }
        return "\(percent(interval.lower))–\(percent(interval.upper))"
    }

    /// "85.71% (67.38%–100.00%)"; "n/a" when the value is undefined, the value alone when only
    /// the interval is.
    ///
    ///     MetricsText.percent(12.0 / 14, interval: Interval(0.6738, 1))  // "85.71% (67.38%–100.00%)"
    public static func percent(_ value: Double?, interval: Interval?) -> String {
        guard value != nil else { return notAvailable }
        guard let interval else { return percent(value) }
        return "\(percent(value)) (\(percent(interval)))"
    }

    /// A proportion with the chosen interval (Wald, the study's convention, by default).
    public static func proportion(_ summary: ProportionSummary, method: BinomialInterval = .wald) -> String {
        percent(summary.value, interval: summary.interval(method))
    }

    /// "12/14".
    public static func fraction(_ summary: ProportionSummary) -> String { "\(summary.x)/\(summary.n)" }

    /// An AUC with its interval on the 0–1 scale: "0.871 (0.736–1.000)", or "n/a".
    public static func auc(_ value: Double?, interval: Interval?) -> String {
        guard let value else { return notAvailable }
        let text = decimal(value, digits: 3)
        guard let interval else { return text }
        return "\(text) (\(decimal(interval.lower, digits: 3))–\(decimal(interval.upper, digits: 3)))"
    }

    /// A p-value: 3 significant digits, "<0.001" below 0.001, "n/a" for nil.
    ///
    ///     MetricsText.pValue(0.0131907)  // "0.0132"
    public static func pValue(_ p: Double?) -> String {
        guard let p, p.isFinite else { return notAvailable }
        if p < 0.001 { return "<0.001" }
        if p >= 0.9995 { return "1.000" }
        let digits = max(3, 2 - Int(log10(p).rounded(.down)))
        return decimal(p, digits: digits)
    }
}

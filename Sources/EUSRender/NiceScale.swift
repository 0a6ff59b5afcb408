import Foundation

/// Axis ticks at "nice" numbers: 1, 2 or 5 times a power of ten (Heckbert 1990, "Nice numbers
/// for graph labels", Graphics Gems).
///
///     NiceScale.ticks(from: 0, to: 1, count: 5)      // [0, 0.2, 0.4, 0.6, 0.8, 1]
///     NiceScale.ticks(from: 0.31, to: 2.7, count: 5) // [0.5, 1, 1.5, 2, 2.5]
public enum NiceScale {
    /// The nice step closest to `span / count` (rounded, as in Heckbert's "loose labelling").
    public static func step(span: Double, count: Int) -> Double {
        precondition(count > 0, "NiceScale.step: count must be positive")
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction < 1.5 ? 1 : fraction < 2.25 ? 2 : fraction < 3.5 ? 2.5 : fraction < 7.5 ? 5 : 10
        return nice * magnitude
    }

    /// The nice step for whole-number data (epochs, counts): at least 1, and 2.5 becomes 2.
    public static func integerStep(span: Double, count: Int) -> Double {
        let nice = step(span: span, count: count)
        guard nice > 1 else { return 1 }
        let magnitude = pow(10, floor(log10(nice)))
        return abs(nice / magnitude - 2.5) < 1e-9 ? 2 * magnitude : nice
    }

    /// Tick values that are multiples of the nice step and lie within [lower, upper].
    public static func ticks(from lower: Double, to upper: Double, count: Int = 5, integer: Bool = false) -> [Double] {
        guard upper > lower else { return [lower] }
        let step = integer ? integerStep(span: upper - lower, count: count) : self.step(span: upper - lower, count: count)
        let first = (lower / step).rounded(.up) * step
        var ticks: [Double] = []
        var value = first
        while value <= upper + step * 1e-9 {
            ticks.append(abs(value) < step * 1e-9 ? 0 : value)
            value = first + Double(ticks.count) * step
        }
        return ticks
    }

    /// [lower, upper] widened outwards to multiples of the nice step.
    public static func niceRange(from lower: Double, to upper: Double, count: Int = 5, integer: Bool = false) -> ClosedRange<Double> {
        guard upper > lower else { return (lower - 0.5)...(upper + 0.5) }
        let step = integer ? integerStep(span: upper - lower, count: count) : self.step(span: upper - lower, count: count)
        return (floor(lower / step) * step)...(ceil(upper / step) * step)
    }

    /// A tick label with just enough decimals for the step (0.25 → "0.25", 0.2 → "0.2", 5 → "5").
    public static func label(_ value: Double, step: Double) -> String {
        let decimals = max(0, min(6, Int(ceil(-log10(step) - 1e-9)) + (isQuarter(step) ? 1 : 0)))
        return String(format: "%.\(decimals)f", value)
    }

    private static func isQuarter(_ step: Double) -> Bool {
        let magnitude = pow(10, floor(log10(step)))
        return abs(step / magnitude - 2.5) < 1e-9
    }
}

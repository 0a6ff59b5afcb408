import Foundation

/// Wall time per layer kind and direction ("conv forward", "bn backward", ...), for
/// `eus-report bench --profile`. Off by default; when off, `measure` costs one branch.
public enum Profiler {
    nonisolated(unsafe) public static var isEnabled = false
    nonisolated(unsafe) private static var totals: [String: Double] = [:]
    nonisolated(unsafe) private static var calls: [String: Int] = [:]

    @inline(__always)
    public static func measure<T>(_ key: String, _ body: () throws -> T) rethrows -> T {
        guard isEnabled else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        totals[key, default: 0] += seconds
        calls[key, default: 0] += 1
        return result
    }

    public static func reset() {
        totals = [:]
        calls = [:]
    }

    public typealias Row = (key: String, seconds: Double, calls: Int)

    /// (key, seconds, calls), largest first.
    public static var report: [Row] {
        totals.map { ($0.key, $0.value, calls[$0.key] ?? 0) }.sorted { $0.seconds > $1.seconds }
    }
}

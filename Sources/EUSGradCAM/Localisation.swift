import EUSImage

/// How well a heat map sits on the lesion, for one case.
public struct LocalisationScore: Equatable, Sendable {
    /// Σ cam·mask / Σ cam, in [0, 1]: the share of the map's energy inside the lesion.
    public var energyInMask: Double
    /// Whether the map's maximum lies in the lesion, within the pointing tolerance.
    public var pointingHit: Bool

    public init(energyInMask: Double, pointingHit: Bool) {
        self.energyInMask = energyInMask
        self.pointingHit = pointingHit
    }
}

/// Lesion-localisation scores of a heat map against a lesion mask.
///
/// Both scores are computed at the heat map's resolution (the network's input size). The mask is
/// brought to that size by nearest neighbour with half-pixel centres, source pixel
/// ⌊(d + 0.5)·in/out⌋, and a mask pixel counts as lesion when its value is at least 128.
///
/// - Energy in mask (the "energy-based pointing game" of Wang et al. 2020, "Score-CAM"):
///   E = Σ_p cam_p·m_p / Σ_p cam_p. A map that is zero everywhere has no energy to share
///   out, so E is undefined there.
/// - Pointing game (Zhang et al. 2018, "Top-down Neural Attention by Excitation Backprop"): a hit
///   when some lesion pixel lies within a Euclidean distance τ of the map's maximum (the first
///   maximum in row-major order), with τ = 15 px at 224×224, scaled with the map's size:
///   τ = 15 · (W + H) / (2 · 224).
///
/// A mask without any lesion pixel makes both scores undefined: `score` returns nil.
public enum Localisation {
    /// The pointing-game tolerance at a 224-pixel map.
    public static let toleranceAt224: Double = 15

    /// Both scores, or nil when the mask holds no lesion pixel or the map is zero everywhere.
    public static func score(heatMap: HeatMap, mask: GrayImage) -> LocalisationScore? {
        let lesion = lesionPixels(mask: mask, width: heatMap.width, height: heatMap.height)
        guard lesion.contains(true), let energy = energyInMask(heatMap: heatMap, lesion: lesion) else {
            return nil
        }
        return LocalisationScore(energyInMask: energy,
                                 pointingHit: pointingHit(heatMap: heatMap, lesion: lesion))
    }

    /// The mask at `width`×`height` (nearest neighbour, half-pixel centres), true inside the lesion.
    public static func lesionPixels(mask: GrayImage, width: Int, height: Int) -> [Bool] {
        let xs = nearestSources(input: mask.width, output: width)
        let ys = nearestSources(input: mask.height, output: height)
        var lesion = [Bool](repeating: false, count: width * height)
        for (y, sy) in ys.enumerated() {
            for (x, sx) in xs.enumerated() {
                lesion[y * width + x] = mask.pixels[sy * mask.width + sx] >= 128
            }
        }
        return lesion
    }

    /// Σ cam·m / Σ cam, or nil when Σ cam = 0. Negative values (none after Grad-CAM's ReLU)
    /// count as zero.
    public static func energyInMask(heatMap: HeatMap, lesion: [Bool]) -> Double? {
        precondition(lesion.count == heatMap.values.count, "Localisation: mask and map sizes differ")
        var inside = 0.0, total = 0.0
        for (value, isLesion) in zip(heatMap.values, lesion) {
            let energy = Double(max(value, 0))
            total += energy
            if isLesion { inside += energy }
        }
        return total > 0 ? inside / total : nil
    }

    /// τ for a map of this size: 15 · (W + H) / (2 · 224).
    public static func tolerance(width: Int, height: Int) -> Double {
        toleranceAt224 * Double(width + height) / (2 * 224)
    }

    /// Whether a lesion pixel lies within τ of the map's first maximum.
    public static func pointingHit(heatMap: HeatMap, lesion: [Bool]) -> Bool {
        precondition(lesion.count == heatMap.values.count, "Localisation: mask and map sizes differ")
        let peak = firstMaximum(heatMap.values)
        let (px, py) = (peak % heatMap.width, peak / heatMap.width)
        let tau = tolerance(width: heatMap.width, height: heatMap.height)
        let reach = Int(tau.rounded(.down))
        for y in max(0, py - reach)...min(heatMap.height - 1, py + reach) {
            for x in max(0, px - reach)...min(heatMap.width - 1, px + reach) where lesion[y * heatMap.width + x] {
                let dx = Double(x - px), dy = Double(y - py)
                if (dx * dx + dy * dy).squareRoot() <= tau { return true }
            }
        }
        return false
    }

    static func firstMaximum(_ values: [Float]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }

    static func nearestSources(input: Int, output: Int) -> [Int] {
        let scale = Double(input) / Double(output)
        return (0..<output).map { min(Int(((Double($0) + 0.5) * scale).rounded(.down)), input - 1) }
    }
}

/// Localisation scores of one model over a set of cases.
public struct LocalisationSummary: Equatable, Sendable {
    /// Cases with a defined score (a mask with lesion pixels and a non-zero map).
    public var count: Int
    /// Cases whose map's maximum hit the lesion.
    public var hits: Int
    /// Mean energy in mask over the scored cases; nil when there are none.
    public var meanEnergyInMask: Double?

    /// hits / count; nil when no case was scored.
    public var hitRate: Double? { count > 0 ? Double(hits) / Double(count) : nil }

    /// Summarises per-case scores; nil entries (no mask, or undefined) are left out.
    public init(scores: [LocalisationScore?]) {
        let scored = scores.compactMap { $0 }
        count = scored.count
        hits = scored.filter(\.pointingHit).count
        meanEnergyInMask = scored.isEmpty ? nil
            : scored.map(\.energyInMask).reduce(0, +) / Double(scored.count)
    }
}

import EUSSupport
import Foundation

/// Training augmentation: the ranges, recorded in a run's config.json.
///
/// Geometry (one bilinear resampling of the decoded image, zero fill outside it): a
/// horizontal flip with probability `flipProbability`; a rotation by θ ~ U(−maxRotation,
/// +maxRotation) degrees about the crop's centre; a crop of side `s · side`, s ~
/// U(minScale, maxScale), at a uniformly drawn position (then resized to the network's size).
///
/// Intensity, on values in [0,1], in this order: brightness `x · b`, b ~ U(1 − brightness,
/// 1 + brightness); contrast `(x − m) · c + m` about the image mean m, c ~ U(1 − contrast,
/// 1 + contrast); clamp to [0,1]; gamma `x^γ`, γ ~ U(1 − gamma, 1 + gamma).
///
/// A draw depends only on (seed, case id, epoch), so a run is reproducible whatever the
/// batch order or the thread that loads the case.
public struct Augmentation: Codable, Equatable, Sendable {
    public var flipProbability: Double
    public var maxRotationDegrees: Double
    public var minScale: Double
    public var maxScale: Double
    public var brightness: Double
    public var contrast: Double
    public var gamma: Double

    public init(flipProbability: Double = 0.5, maxRotationDegrees: Double = 15, minScale: Double = 0.85,
                maxScale: Double = 1.0, brightness: Double = 0.2, contrast: Double = 0.2, gamma: Double = 0.2) {
        precondition((0...1).contains(flipProbability), "Augmentation: flip probability in [0,1]")
        precondition(0 < minScale && minScale <= maxScale && maxScale <= 1, "Augmentation: 0 < minScale ≤ maxScale ≤ 1")
        precondition(brightness >= 0 && brightness < 1 && contrast >= 0 && contrast < 1 && gamma >= 0 && gamma < 1,
                     "Augmentation: brightness, contrast and gamma ranges in [0,1)")
        self.flipProbability = flipProbability
        self.maxRotationDegrees = maxRotationDegrees
        self.minScale = minScale
        self.maxScale = maxScale
        self.brightness = brightness
        self.contrast = contrast
        self.gamma = gamma
    }

    /// The defaults: flip 0.5, rotation ±15°, scale/crop 0.85–1.0, brightness, contrast and gamma ±0.2.
    public static let standard = Augmentation()

    /// The draw for one case in one epoch.
    public func draw(seed: UInt64, caseID: String, epoch: Int) -> AugmentationDraw {
        var random = SeededRandom(seed: seed, 0xA06, SeededRandom.hash(caseID), UInt64(epoch))
        return AugmentationDraw(
            flip: random.chance(flipProbability),
            rotationDegrees: random.uniform(-maxRotationDegrees, maxRotationDegrees),
            scale: random.uniform(minScale, maxScale),
            cropX: random.uniform(),
            cropY: random.uniform(),
            brightness: random.uniform(1 - brightness, 1 + brightness),
            contrast: random.uniform(1 - contrast, 1 + contrast),
            gamma: random.uniform(1 - gamma, 1 + gamma))
    }
}

/// One sampled augmentation; `cropX`, `cropY` in [0,1] place the crop within the free margin.
public struct AugmentationDraw: Codable, Equatable, Sendable {
    public var flip: Bool
    public var rotationDegrees: Double
    public var scale: Double
    public var cropX: Double
    public var cropY: Double
    public var brightness: Double
    public var contrast: Double
    public var gamma: Double

    public static let identity = AugmentationDraw(flip: false, rotationDegrees: 0, scale: 1, cropX: 0, cropY: 0,
                                                  brightness: 1, contrast: 1, gamma: 1)

    /// Applies the draw to planes in [0,1], (3, H, W) → (3, H', W') with H' = round(scale · H).
    public func apply(_ x: [Float], height: Int, width: Int) -> (planes: [Float], height: Int, width: Int) {
        precondition(x.count == 3 * height * width, "AugmentationDraw.apply: \(x.count) values for 3x\(height)x\(width)")
        var (y, h, w) = geometry(x, height: height, width: width)
        intensity(&y)
        return (y, h, w)
    }

    /// Flip, rotation and crop as one inverse mapping: output pixel centre (u, v) of the crop
    /// → flip → rotate by θ about the crop centre → shift by the crop offset → bilinear sample.
    func geometry(_ x: [Float], height: Int, width: Int) -> ([Float], Int, Int) {
        let ch = max(1, Int((scale * Double(height)).rounded())), cw = max(1, Int((scale * Double(width)).rounded()))
        if !flip && rotationDegrees == 0 && ch == height && cw == width { return (x, height, width) }
        let ox = cropX * Double(width - cw), oy = cropY * Double(height - ch)
        let theta = rotationDegrees * Double.pi / 180
        let (cosT, sinT) = (cos(theta), sin(theta))
        let (cx, cy) = (Double(cw) / 2, Double(ch) / 2)
        var y = [Float](repeating: 0, count: 3 * ch * cw)
        let plane = height * width, outPlane = ch * cw
        for v in 0..<ch {
            for u in 0..<cw {
                var pu = Double(u) + 0.5
                if flip { pu = Double(cw) - pu }
                let dx = pu - cx, dy = Double(v) + 0.5 - cy
                let sx = cosT * dx - sinT * dy + cx + ox - 0.5
                let sy = sinT * dx + cosT * dy + cy + oy - 0.5
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let fx = Float(sx - Double(x0)), fy = Float(sy - Double(y0))
                // The four neighbours with their bilinear weights; outside the image counts as 0.
                let o = v * cw + u
                func add(_ i: Int, _ j: Int, _ weight: Float) {
                    guard i >= 0 && i < width && j >= 0 && j < height && weight != 0 else { return }
                    for c in 0..<3 { y[c * outPlane + o] += weight * x[c * plane + j * width + i] }
                }
                add(x0, y0, (1 - fx) * (1 - fy))
                add(x0 + 1, y0, fx * (1 - fy))
                add(x0, y0 + 1, (1 - fx) * fy)
                add(x0 + 1, y0 + 1, fx * fy)
            }
        }
        return (y, ch, cw)
    }

    func intensity(_ y: inout [Float]) {
        if brightness == 1 && contrast == 1 && gamma == 1 { return }
        let b = Float(brightness), c = Float(contrast), g = Float(gamma)
        var total: Double = 0
        for v in y { total += Double(v) * Double(b) }
        let m = Float(total / Double(max(y.count, 1)))
        for i in y.indices {
            let adjusted = min(max((y[i] * b - m) * c + m, 0), 1)
            y[i] = g == 1 ? adjusted : powf(adjusted, g)
        }
    }
}

import EUSSupport
import Foundation

/// Training augmentation that fits EUS geometry: the ranges, recorded whole in a run's
/// config.json.
///
/// Geometry (one bilinear resampling of the decoded image, zero fill outside it), about the
/// scan's centre (`ScanGeometry`: the transducer of a radial scan, the field's centre for a
/// sector):
/// - a radial scan is the same anatomy at any angle, so it rotates by θ ~ U(−radialRotation,
///   +radialRotation) degrees (±180: any angle);
/// - a linear (curvilinear) scan only tilts, θ ~ U(−linearRotation, +linearRotation);
/// - either is mirrored left-right with probability `flipProbability`;
/// - then a crop of side `s · side`, s ~ U(minScale, maxScale), at a uniform position
///   (resized to the network's size afterwards).
///
/// Intensity, as an operator's controls change it, on values in [0,1], in this order:
/// - gain: `x · 10^(g/20)`, g ~ U(−gainDB, +gainDB) dB;
/// - dynamic range: `1 − (1 − x) · r`, r ~ U(1/(1 + dynamicRange), 1 + dynamicRange), on the
///   pixels that carry an echo (x > 0): a wider displayed range (r < 1) lifts the dark echoes;
/// - contrast: `(x − m) · c + m` about the image mean m, c ~ U(1 − contrast, 1 + contrast);
/// - clamp to [0,1], then gamma `x^γ`, γ ~ U(1/(1 + gamma), 1 + gamma).
///
/// Optional, off by default: speckle re-noising with probability `speckleProbability`
/// (`x · (1 − a + a · ρ)`, ρ unit-mean Rayleigh per pixel, a = `speckleStrength`), and random
/// erasing with probability `erasingProbability` (one rectangle of 2–20% of the area, aspect
/// 0.3–3.3, set to 0 as an acoustic shadow would be).
///
/// A draw depends only on (seed, case id, epoch), so a run is reproducible whatever the
/// batch order or the thread that loads the case.
public struct Augmentation: Codable, Equatable, Sendable {
    public var scanner: ScannerSetting
    public var radialRotationDegrees: Double
    public var linearRotationDegrees: Double
    public var flipProbability: Double
    public var minScale: Double
    public var maxScale: Double
    public var gainDB: Double
    public var dynamicRange: Double
    public var contrast: Double
    public var gamma: Double
    public var speckleProbability: Double
    public var speckleStrength: Double
    public var erasingProbability: Double

    enum CodingKeys: String, CodingKey {
        case scanner, radialRotationDegrees = "radial_rotation_deg", linearRotationDegrees = "linear_rotation_deg"
        case flipProbability = "flip_probability", minScale = "min_scale", maxScale = "max_scale"
        case gainDB = "gain_db", dynamicRange = "dynamic_range", contrast, gamma
        case speckleProbability = "speckle_probability", speckleStrength = "speckle_strength"
        case erasingProbability = "erasing_probability"
    }

    public init(scanner: ScannerSetting = .auto, radialRotationDegrees: Double = 180, linearRotationDegrees: Double = 10,
                flipProbability: Double = 0.5, minScale: Double = 0.8, maxScale: Double = 1.0, gainDB: Double = 1,
                dynamicRange: Double = 0.1, contrast: Double = 0.1, gamma: Double = 0.1,
                speckleProbability: Double = 0, speckleStrength: Double = 0.3, erasingProbability: Double = 0) {
        precondition([flipProbability, speckleProbability, speckleStrength, erasingProbability].allSatisfy { (0...1).contains($0) },
                     "Augmentation: probabilities and the speckle strength lie in [0,1]")
        precondition(0 < minScale && minScale <= maxScale && maxScale <= 1, "Augmentation: 0 < minScale ≤ maxScale ≤ 1")
        precondition((0...180).contains(radialRotationDegrees) && (0...180).contains(linearRotationDegrees),
                     "Augmentation: rotations in [0, 180] degrees")
        precondition(gainDB >= 0 && dynamicRange >= 0 && gamma >= 0 && (0..<1).contains(contrast),
                     "Augmentation: gain, dynamic range and gamma ranges ≥ 0, contrast in [0,1)")
        self.scanner = scanner
        self.radialRotationDegrees = radialRotationDegrees
        self.linearRotationDegrees = linearRotationDegrees
        self.flipProbability = flipProbability
        self.minScale = minScale
        self.maxScale = maxScale
        self.gainDB = gainDB
        self.dynamicRange = dynamicRange
        self.contrast = contrast
        self.gamma = gamma
        self.speckleProbability = speckleProbability
        self.speckleStrength = speckleStrength
        self.erasingProbability = erasingProbability
    }

    /// The defaults: radial scans at any angle, sectors ±10°, flip 0.5, crop 0.8–1.0, gain
    /// ±1 dB, dynamic range ×0.91–1.1, contrast ±0.1, gamma ×0.91–1.1; no speckle, no erasing.
    ///
    /// The intensity ranges are mild on purpose. Echogenicity is a diagnostic feature (GIST is
    /// less hypoechoic than a leiomyoma): with ±3 dB of gain and ×1.25 ranges, torchvision's
    /// ResNet-50 stayed at chance on the phantom's training set for 50 of 60 epochs and
    /// ResNet-34 reached validation accuracy 0.72 (AUC 0.79), against 0.86 (AUC 0.88) with these
    /// (phantom seed 1, 128 px, width 32; scripts/learning_baseline_torch.py).
    public static let standard = Augmentation()

    /// One line per part, for `--help`, the report and the logs.
    public var description: [String] {
        func f(_ x: Double) -> String { String(format: "%g", x) }
        func ratio(_ range: Double) -> String { String(format: "×%.2g–%.2g", 1 / (1 + range), 1 + range) }
        var parts = [
            "scanner type: \(scanner == .auto ? "detected per image (circular field with a central transducer, or a sector)" : scanner.rawValue)",
            "radial scans rotated about the transducer by U(±\(f(radialRotationDegrees))°)",
            "linear scans tilted by U(±\(f(linearRotationDegrees))°)",
            "left-right flip with probability \(f(flipProbability))",
            "crop of \(f(minScale))–\(f(maxScale)) of the side at a random position",
            "gain ±\(f(gainDB)) dB, dynamic range \(ratio(dynamicRange)), contrast ±\(f(contrast)), gamma \(ratio(gamma))",
        ]
        if speckleProbability > 0 { parts.append("speckle re-noising (strength \(f(speckleStrength))) with probability \(f(speckleProbability))") }
        if erasingProbability > 0 { parts.append("random erasing with probability \(f(erasingProbability))") }
        return parts
    }

    /// The draw for one case in one epoch, for a scan of kind `kind`.
    public func draw(seed: UInt64, caseID: String, epoch: Int, kind: ScanGeometry.Kind) -> AugmentationDraw {
        var random = SeededRandom(seed: seed, 0xA06, SeededRandom.hash(caseID), UInt64(epoch))
        let rotation = kind == .radial ? radialRotationDegrees : linearRotationDegrees
        func ratio(_ range: Double) -> Double { exp(random.uniform(-1, 1) * log1p(range)) }
        var draw = AugmentationDraw(
            flip: random.chance(flipProbability),
            rotationDegrees: random.uniform(-rotation, rotation),
            scale: random.uniform(minScale, maxScale),
            cropX: random.uniform(),
            cropY: random.uniform(),
            gain: pow(10, random.uniform(-gainDB, gainDB) / 20),
            dynamicRange: ratio(dynamicRange),
            contrast: random.uniform(1 - contrast, 1 + contrast),
            gamma: ratio(gamma))
        if random.chance(speckleProbability) {
            draw.speckleStrength = speckleStrength
            draw.speckleSeed = random.next()
        }
        if random.chance(erasingProbability) {
            let area = random.uniform(0.02, 0.2), aspect = exp(random.uniform(log(0.3), log(3.3)))
            let (w, h) = (min(1, (area * aspect).squareRoot()), min(1, (area / aspect).squareRoot()))
            draw.erase = [random.uniform(0, 1 - w), random.uniform(0, 1 - h), w, h]
        }
        return draw
    }
}

/// One sampled augmentation; `cropX`, `cropY` in [0,1] place the crop within the free margin.
public struct AugmentationDraw: Codable, Equatable, Sendable {
    public var flip: Bool
    public var rotationDegrees: Double
    public var scale: Double
    public var cropX: Double
    public var cropY: Double
    public var gain: Double
    public var dynamicRange: Double
    public var contrast: Double
    public var gamma: Double
    /// 0 for no speckle re-noising.
    public var speckleStrength: Double = 0
    public var speckleSeed: UInt64 = 0
    /// The erased rectangle (x, y, w, h) as fractions of the crop, or nil.
    public var erase: [Double]?

    public static let identity = AugmentationDraw(flip: false, rotationDegrees: 0, scale: 1, cropX: 0, cropY: 0,
                                                  gain: 1, dynamicRange: 1, contrast: 1, gamma: 1)

    /// Applies the draw to planes in [0,1], (C, H, W) → (C, H', W') with H' = round(scale · H),
    /// rotating and flipping about (`centreX`, `centreY`) (the image centre when nil).
    public func apply(_ x: [Float], channels: Int = 3, height: Int, width: Int,
                      centre: (x: Double, y: Double)? = nil) -> (planes: [Float], height: Int, width: Int) {
        precondition(x.count == channels * height * width, "AugmentationDraw.apply: \(x.count) values for \(channels)x\(height)x\(width)")
        var (y, h, w) = geometry(x, channels: channels, height: height, width: width,
                                 centre: centre ?? (Double(width) / 2, Double(height) / 2))
        intensity(&y)
        noise(&y, channels: channels, height: h, width: w)
        return (y, h, w)
    }

    /// Flip, rotation and crop as one inverse mapping: output pixel centre (u, v) → its place
    /// in the full frame (plus the crop offset) → mirror about the centre's vertical → rotate
    /// by θ about the centre → bilinear sample.
    func geometry(_ x: [Float], channels: Int, height: Int, width: Int, centre: (x: Double, y: Double)) -> ([Float], Int, Int) {
        let ch = max(1, Int((scale * Double(height)).rounded())), cw = max(1, Int((scale * Double(width)).rounded()))
        if !flip && rotationDegrees == 0 && ch == height && cw == width { return (x, height, width) }
        let ox = cropX * Double(width - cw), oy = cropY * Double(height - ch)
        let theta = rotationDegrees * Double.pi / 180
        let (cosT, sinT) = (cos(theta), sin(theta))
        var y = [Float](repeating: 0, count: channels * ch * cw)
        let plane = height * width, outPlane = ch * cw
        for v in 0..<ch {
            for u in 0..<cw {
                var px = Double(u) + 0.5 + ox
                if flip { px = 2 * centre.x - px }
                let dx = px - centre.x, dy = Double(v) + 0.5 + oy - centre.y
                let sx = cosT * dx - sinT * dy + centre.x - 0.5
                let sy = sinT * dx + cosT * dy + centre.y - 0.5
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let fx = Float(sx - Double(x0)), fy = Float(sy - Double(y0))
                // The four neighbours with their bilinear weights; outside the image counts as 0.
                let o = v * cw + u
                func add(_ i: Int, _ j: Int, _ weight: Float) {
                    guard i >= 0 && i < width && j >= 0 && j < height && weight != 0 else { return }
                    for c in 0..<channels { y[c * outPlane + o] += weight * x[c * plane + j * width + i] }
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
        if gain == 1 && dynamicRange == 1 && contrast == 1 && gamma == 1 { return }
        let (g, r, c, power) = (Float(gain), Float(dynamicRange), Float(contrast), Float(gamma))
        for i in y.indices where y[i] > 0 {
            let v = min(y[i] * g, 1)
            y[i] = max(1 - (1 - v) * r, 0)
        }
        var total: Double = 0
        for v in y { total += Double(v) }
        let m = Float(total / Double(max(y.count, 1)))
        for i in y.indices {
            let adjusted = min(max((y[i] - m) * c + m, 0), 1)
            y[i] = power == 1 ? adjusted : powf(adjusted, power)
        }
    }

    /// Speckle re-noising and erasing, the same on every channel.
    func noise(_ y: inout [Float], channels: Int, height: Int, width: Int) {
        let plane = height * width
        if speckleStrength > 0 {
            var random = SeededRandom(seed: speckleSeed)
            let a = Float(speckleStrength)
            // A Rayleigh variate with unit mean: σ·sqrt(−2 ln U), σ = sqrt(2/π).
            let sigma = Float((2 / Double.pi).squareRoot())
            for i in 0..<plane {
                let rho = sigma * (-2 * logf(Float(max(random.uniform(), 1e-12)))).squareRoot()
                let factor = 1 - a + a * rho
                for c in 0..<channels { y[c * plane + i] = min(y[c * plane + i] * factor, 1) }
            }
        }
        if let erase {
            let (x0, y0) = (Int(erase[0] * Double(width)), Int(erase[1] * Double(height)))
            let (x1, y1) = (min(width, x0 + Int((erase[2] * Double(width)).rounded())), min(height, y0 + Int((erase[3] * Double(height)).rounded())))
            for c in 0..<channels {
                for row in y0..<max(y0, y1) {
                    for column in x0..<max(x0, x1) { y[c * plane + row * width + column] = 0 }
                }
            }
        }
    }
}

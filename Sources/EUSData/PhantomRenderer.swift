import EUSImage
import EUSSupport
import Foundation

/// Renders a phantom case as a B-mode image and its lesion mask.
///
/// The image is formed as an ultrasound scanner forms it, in polar coordinates (r along the
/// beam, θ across beams), then scan-converted to the square image:
/// 1. Scatterers: a complex Gaussian field `z = a(r,θ) (n₁ + i n₂)/√2` whose amplitude
///    `a = 10^((E − 1) DR / 20)` follows the scene's brightness E; its envelope is Rayleigh
///    distributed (fully developed speckle).
/// 2. Point-spread function: a separable Gaussian, short along the beam and about 2.5 times
///    wider across it, so speckle grains are smeared laterally (and more so with depth, as
///    beams diverge).
/// 3. Attenuation: the dB loss accumulated along each beam (tissue ≈ 0.15 dB/px at 256 px,
///    water and cysts almost none, calcified foci a lot, so they shadow), partly undone by
///    time-gain compensation (75% of the tissue loss beyond the wall), plus the case's gain.
/// 4. Log compression: `B = clamp(1 + (20 log₁₀|env| + gain) / DR, 0, 1)`, DR ≈ 50 dB.
/// 5. Scan conversion: bilinear interpolation of the polar image at each pixel; black
///    outside the field of view and in the transducer.
///
/// References: Wagner et al., "Statistics of speckle in ultrasound B-scans", IEEE Trans. Sonics
/// Ultrason. 1983; Burckhardt, "Speckle in ultrasound B-mode scans", 1978.
public enum PhantomRenderer {
    public static func render(_ p: PhantomParameters, size: Int) -> (image: GrayImage, mask: GrayImage) {
        precondition(size >= 16, "PhantomRenderer: size must be at least 16, got \(size)")
        let scene = PhantomScene(p, size: size)
        let grid = PolarGrid(scene: scene)
        var random = SeededRandom(seed: p.textureSeed, 0x5BEC)
        let envelope = grid.speckleEnvelope(random: &random)
        let polar = grid.logCompressed(envelope: envelope)
        return (grid.scanConvert(polar), mask(scene))
    }

    /// 255 inside the lesion's border, 0 elsewhere, evaluated at pixel centres.
    static func mask(_ scene: PhantomScene) -> GrayImage {
        let size = scene.geometry.size
        var pixels = [UInt8](repeating: 0, count: size * size)
        for y in 0..<size {
            for x in 0..<size {
                let (r, theta) = scene.geometry.polar(x: Double(x) + 0.5, y: Double(y) + 0.5)
                guard scene.geometry.inFieldOfView(r: r, theta: theta) else { continue }
                let (t, d) = scene.wallCoordinates(r: r, theta: theta)
                if scene.lesionRadius(t: t, d: d) < 1 { pixels[y * size + x] = 255 }
            }
        }
        return GrayImage(width: size, height: size, pixels: pixels)
    }
}

/// The polar sampling grid of one case: `rows` samples along each beam (Δr = 0.75 px) and
/// `beams` beams (Δθ ≈ 1 px at the wall).
struct PolarGrid {
    let scene: PhantomScene
    let rows: Int, beams: Int
    let dr: Double, dtheta: Double
    let r0: Double, theta0: Double
    let wraps: Bool

    init(scene: PhantomScene) {
        self.scene = scene
        let g = scene.geometry
        dr = 0.75
        r0 = g.innerRadius
        rows = Int(((g.maxRadius - g.innerRadius) / dr).rounded(.up)) + 2
        let span = g.thetaRange.upperBound - g.thetaRange.lowerBound
        wraps = g.scanner == .radial
        let reference = scene.p.wallRadius + scene.p.wallThickness
        beams = max(16, Int((span * reference).rounded(.up)) + (wraps ? 0 : 2))
        dtheta = wraps ? span / Double(beams) : span / Double(beams - 2)
        theta0 = g.thetaRange.lowerBound - (wraps ? 0 : dtheta)
    }

    func radius(_ i: Int) -> Double { r0 + Double(i) * dr }
    func angle(_ j: Int) -> Double { theta0 + Double(j) * dtheta }

    /// Steps 1–3: speckle envelope times gain, in amplitude (index `j * rows + i`).
    func speckleEnvelope(random: inout SeededRandom) -> [Double] {
        let count = rows * beams
        var re = [Double](repeating: 0, count: count), im = [Double](repeating: 0, count: count)
        var gainDB = [Double](repeating: 0, count: count)
        let dynamicRange = scene.p.dynamicRangeDB
        let wall = scene.p.wallRadius
        let tgcPerPixel = 0.75 * PhantomScene.tissueAttenuation / scene.scale
        for j in 0..<beams {
            let theta = angle(j)
            var lossDB = 0.0
            for i in 0..<rows {
                let r = radius(i)
                let (level, attenuation) = scene.echo(r: r, theta: theta)
                // Below 0.05 the amplitude fades linearly to zero: water is silent, not a noise floor.
                let a = pow(10, (level - 1) * dynamicRange / 20) * min(level / 0.05, 1)
                let k = j * rows + i
                re[k] = a * random.normal() * 0.5.squareRoot()
                im[k] = a * random.normal() * 0.5.squareRoot()
                lossDB += attenuation * dr
                gainDB[k] = -lossDB + tgcPerPixel * max(0, r - wall) + scene.p.gainDB
            }
        }
        let axialSigma = max(0.9 * scene.scale, 0.5)
        let lateralSigma = max(2.1 * scene.scale, 0.6)
        for field in [0, 1] {
            if field == 0 { blur(&re, sigmaAxial: axialSigma, sigmaLateral: lateralSigma) }
            else { blur(&im, sigmaAxial: axialSigma, sigmaLateral: lateralSigma) }
        }
        var envelope = [Double](repeating: 0, count: count)
        for k in 0..<count {
            envelope[k] = (re[k] * re[k] + im[k] * im[k]).squareRoot() * pow(10, gainDB[k] / 20)
        }
        return envelope
    }

    /// Separable Gaussian PSF, normalised to keep the mean power (Σh² = 1 per axis).
    private func blur(_ x: inout [Double], sigmaAxial: Double, sigmaLateral: Double) {
        let axial = PolarGrid.kernel(sigmaAxial), lateral = PolarGrid.kernel(sigmaLateral)
        var y = [Double](repeating: 0, count: x.count)
        let ra = axial.count / 2, rl = lateral.count / 2
        for j in 0..<beams {
            for i in 0..<rows {
                var sum = 0.0
                for k in 0..<axial.count {
                    let ii = i + k - ra
                    if ii >= 0 && ii < rows { sum += x[j * rows + ii] * axial[k] }
                }
                y[j * rows + i] = sum
            }
        }
        for j in 0..<beams {
            for i in 0..<rows {
                var sum = 0.0
                for k in 0..<lateral.count {
                    var jj = j + k - rl
                    if wraps { jj = (jj + beams) % beams } else if jj < 0 || jj >= beams { continue }
                    sum += y[jj * rows + i] * lateral[k]
                }
                x[j * rows + i] = sum
            }
        }
    }

    /// A Gaussian kernel of radius ⌈3σ⌉ scaled so that Σh² = 1.
    static func kernel(_ sigma: Double) -> [Double] {
        let radius = Int((3 * sigma).rounded(.up))
        let h = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let norm = h.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return h.map { $0 / norm }
    }

    /// Step 4: brightness in [0,1].
    func logCompressed(envelope: [Double]) -> [Double] {
        let dynamicRange = scene.p.dynamicRangeDB
        return envelope.map { min(max(1 + 20 * log10(max($0, 1e-9)) / dynamicRange, 0), 1) }
    }

    /// Step 5: the square image.
    func scanConvert(_ polar: [Double]) -> GrayImage {
        let g = scene.geometry
        let size = g.size
        var pixels = [UInt8](repeating: 0, count: size * size)
        for y in 0..<size {
            for x in 0..<size {
                let (r, theta) = g.polar(x: Double(x) + 0.5, y: Double(y) + 0.5)
                guard g.inFieldOfView(r: r, theta: theta) else { continue }
                let fi = (r - r0) / dr, fj = (theta - theta0) / dtheta
                let i0 = min(Int(fi), rows - 2), j0 = Int(fj.rounded(.down))
                let wi = fi - Double(i0), wj = fj - Double(j0)
                func at(_ i: Int, _ j: Int) -> Double {
                    let jj = wraps ? ((j % beams) + beams) % beams : min(max(j, 0), beams - 1)
                    return polar[jj * rows + i]
                }
                let value = (at(i0, j0) * (1 - wi) + at(i0 + 1, j0) * wi) * (1 - wj)
                    + (at(i0, j0 + 1) * (1 - wi) + at(i0 + 1, j0 + 1) * wi) * wj
                pixels[y * size + x] = UInt8((min(max(value, 0), 1) * 255).rounded())
            }
        }
        return GrayImage(width: size, height: size, pixels: pixels)
    }
}

import EUSSupport
import Foundation

/// The acoustic scene of one phantom case in the scanner's polar coordinates (r, θ): where
/// the transducer, water, wall layers, lesion and surrounding tissue are, and how bright
/// (before speckle) and how attenuating each point is.
///
/// Wall coordinates: depth `d = r − R(θ)` below the luminal surface `R(θ) = R₀ (1 + e cos(θ −
/// θₑ))`, and arc length `t = wrap(θ − φ) R₀` from the lesion's direction φ. The lesion is a
/// lobulated ellipse in (t, d) centred at depth `d_c` in its layer of origin; the layers above
/// it are pushed towards the lumen and those below it away, so the wall drapes over the mass
/// and the layer of origin stays continuous with its border.
struct PhantomScene {
    let p: PhantomParameters
    let geometry: PhantomGeometry
    /// Image size / 256: lengths tuned at 256 px scale with it.
    let scale: Double
    /// Echo levels of the five layers: hyperechoic interface and mucosa, hypoechoic deep
    /// mucosa (muscularis mucosae), hyperechoic submucosa, hypoechoic muscularis propria,
    /// hyperechoic serosa/adventitia.
    let layerLevels: [Double]
    /// Depths of the layer boundaries below the luminal surface: 0, …, wall thickness.
    let boundaries: [Double]
    let tissueNoise: ValueNoise
    /// Fine lobular texture of the surrounding fat.
    let fatNoise: ValueNoise
    let lesionNoise: ValueNoise
    let lobes: [(k: Double, amplitude: Double, phase: Double)]
    let foci: [(t: Double, d: Double, radius: Double, level: Double)]
    let cysts: [(t: Double, d: Double, radius: Double)]
    let vessels: [(x: Double, y: Double, radius: Double)]
    /// The adjacent organ: its direction, angular half-width, depth of its capsule at the
    /// centre, and echo level.
    let organ: (theta: Double, halfWidth: Double, depth: Double, level: Double)?
    let eccentricityAngle: Double
    let phi: Double
    /// Depths of the top and bottom of the lesion's layer of origin.
    let originTop: Double, originBottom: Double

    static let waterLevel = 0.0
    /// dB per pixel at 256 px.
    static let tissueAttenuation = 0.15

    init(_ p: PhantomParameters, size: Int) {
        self.p = p
        geometry = PhantomGeometry(p.scanner, size: size)
        scale = Double(size) / 256
        var random = SeededRandom(seed: p.textureSeed)
        layerLevels = [0.82, 0.36, 0.84, 0.30, 0.78].map { $0 + random.uniform(-0.04, 0.04) }
        var edges = [0.0]
        for f in p.layerFractions { edges.append(edges.last! + f * p.wallThickness) }
        boundaries = edges
        originTop = edges[p.originLayer - 1]
        originBottom = edges[p.originLayer]
        tissueNoise = ValueNoise(cells: 7, random: &random)
        fatNoise = ValueNoise(cells: 22, random: &random)
        lesionNoise = ValueNoise(cells: 6, random: &random)
        eccentricityAngle = random.uniform(-Double.pi, Double.pi)
        phi = p.lesionAngleDegrees * Double.pi / 180
        // Border: three low-order lobes share `lobulation`, four fine ones share `irregularity`.
        var lobes: [(Double, Double, Double)] = []
        for k in [2.0, 3, 4] { lobes.append((k, p.lobulation * random.uniform(0.2, 0.6), random.uniform(0, 2 * .pi))) }
        for k in [7.0, 9, 11, 13] { lobes.append((k, p.irregularity * random.uniform(0.3, 0.7), random.uniform(0, 2 * .pi))) }
        self.lobes = lobes
        // Foci and cysts sit inside 70% of the lesion (normalised coordinates).
        func interiorPoint(_ random: inout SeededRandom) -> (Double, Double) {
            let angle = random.uniform(0, 2 * Double.pi), radius = 0.7 * random.uniform(0, 1).squareRoot()
            return (radius * cos(angle), radius * sin(angle))
        }
        foci = (0..<p.hyperechoicFoci).map { _ in
            let (u, v) = interiorPoint(&random)
            return (u * p.semiAxisAlong, p.centreDepth + v * p.semiAxisAcross,
                    random.uniform(1.3, 2.6) * max(Double(size) / 256, 0.5), random.uniform(0.88, 0.98))
        }
        cysts = (0..<p.cysticSpaces).map { _ in
            let (u, v) = interiorPoint(&random)
            return (u * p.semiAxisAlong, p.centreDepth + v * p.semiAxisAcross,
                    random.uniform(0.12, 0.22) * min(p.semiAxisAlong, p.semiAxisAcross))
        }
        let g = geometry
        vessels = (0..<p.vessels).compactMap { _ in
            // In the tissue beyond the wall, away from the lesion.
            let theta = g.thetaRange.lowerBound + random.uniform(0, 1) * (g.thetaRange.upperBound - g.thetaRange.lowerBound)
            let r = p.wallRadius + p.wallThickness + random.uniform(0.15, 0.7) * (g.maxRadius - p.wallRadius - p.wallThickness)
            let radius = random.uniform(3, 7) * Double(size) / 256
            let (x, y) = g.cartesian(r: r, theta: theta)
            let along = abs(PhantomScene.wrap(theta - p.lesionAngleDegrees * .pi / 180)) * p.wallRadius
            if along < p.semiAxisAlong * 1.6 + radius { return nil }
            return (x, y, radius)
        }
        // Opposite the lesion (radial) or at the far field (linear), beyond the wall.
        let organTheta = p.scanner == .radial ? phi + .pi + random.uniform(-1, 1) : random.uniform(-0.3, 0.3)
        let organHalfWidth = p.scanner == .radial ? random.uniform(0.5, 1.0) : 1.0
        let organDepth = p.scanner == .radial
            ? p.wallRadius + p.wallThickness + random.uniform(6, 22) * scale
            : max(p.wallRadius + p.centreDepth + 1.3 * p.semiAxisAcross + 8 * scale, g.maxRadius - random.uniform(40, 70) * scale)
        let organLevel = random.uniform(0.30, 0.40)
        organ = p.adjacentOrgan ? (organTheta, organHalfWidth, organDepth, organLevel) : nil
    }

    /// Radians wrapped to (−π, π].
    static func wrap(_ a: Double) -> Double {
        var x = a.truncatingRemainder(dividingBy: 2 * .pi)
        if x > .pi { x -= 2 * .pi }
        if x <= -.pi { x += 2 * .pi }
        return x
    }

    func surfaceRadius(_ theta: Double) -> Double {
        p.wallRadius * (1 + p.eccentricity * cos(theta - eccentricityAngle))
    }

    /// (t, d): arc length from the lesion's direction and depth below the luminal surface.
    func wallCoordinates(r: Double, theta: Double) -> (t: Double, d: Double) {
        (PhantomScene.wrap(theta - phi) * p.wallRadius, r - surfaceRadius(theta))
    }

    /// Lesion membership: ρ / border(ψ), where (ρ, ψ) are polar coordinates in the lesion's
    /// normalised frame `(t / a, (d − d_c) / b)` and `border(ψ) = 1 + Σ A_k cos(kψ + φ_k)`;
    /// inside when below 1. (The border never exceeds 1.4, so ρ > 1.6 is outside.)
    func lesionRadius(t: Double, d: Double) -> Double {
        let u = t / p.semiAxisAlong, v = (d - p.centreDepth) / p.semiAxisAcross
        let rho = (u * u + v * v).squareRoot()
        if rho > 1.6 { return rho }
        let psi = atan2(v, u)
        var border = 1.0
        for lobe in lobes { border += lobe.amplitude * cos(lobe.k * psi + lobe.phase) }
        return rho / border
    }

    /// Half-width of the lesion's draping ellipse at arc length t (0 beyond it).
    private func drapeHalfDepth(_ t: Double) -> Double {
        let x = t / (1.3 * p.semiAxisAlong)
        return x * x >= 1 ? 0 : p.semiAxisAcross * (1 - x * x).squareRoot()
    }

    /// Brightness before speckle, and attenuation in dB per pixel, at (r, θ).
    func echo(r: Double, theta: Double) -> (level: Double, attenuation: Double) {
        let tissueAttenuation = PhantomScene.tissueAttenuation / scale
        let (t, d) = wallCoordinates(r: r, theta: theta)
        let lesion = lesionRadius(t: t, d: d)
        // Anti-aliased lesion edge, about 0.7 px wide.
        let edgePixels = (1 - lesion) * min(p.semiAxisAlong, p.semiAxisAcross)
        let coverage = min(max(edgePixels / 0.7 + 0.5, 0), 1)
        var level = 0.0, attenuation = tissueAttenuation
        if coverage < 1 {
            (level, attenuation) = background(r: r, theta: theta, t: t, d: d)
        }
        if coverage > 0 {
            let (inside, insideAttenuation) = lesionEcho(t: t, d: d, relative: lesion)
            level = level * (1 - coverage) + inside * coverage
            attenuation = attenuation * (1 - coverage) + insideAttenuation * coverage
        }
        // Ring-down: reverberation bands just in front of the transducer face.
        let x = (r - geometry.innerRadius) / scale
        if x >= 0 && x < 14 { level = max(level, 0.62 * exp(-x / 5) * (0.55 + 0.45 * cos(2 * .pi * x / 3.5))) }
        return (level, attenuation)
    }

    /// The wall (draped over the lesion), water and surrounding tissue.
    private func background(r: Double, theta: Double, t: Double, d: Double) -> (Double, Double) {
        let half = drapeHalfDepth(t)
        var depth = d
        if half > 0 {
            if d < p.centreDepth {
                // Layers above the mass are pushed towards the lumen; the gap is the layer of origin.
                depth = d + max(0, originTop - (p.centreDepth - half))
                if depth >= originTop { depth = min(depth, originBottom - 0.01) }
            } else {
                // Layers below it are pushed away from the lumen.
                depth = d - max(0, p.centreDepth + half - originBottom)
                if depth <= originBottom { depth = max(depth, originTop + 0.01) }
            }
        }
        if depth < 0 { return (PhantomScene.waterLevel, 0.005 / scale) }
        let (x, y) = geometry.cartesian(r: r, theta: theta)
        let size = Double(geometry.size)
        var tissue = 0.52 + 0.11 * tissueNoise.value(x / size, y / size) + 0.06 * fatNoise.value(x / size, y / size)
        for vessel in vessels {
            let distance = ((x - vessel.x) * (x - vessel.x) + (y - vessel.y) * (y - vessel.y)).squareRoot()
            let edge = distance - vessel.radius
            if edge < -1 { tissue = PhantomScene.waterLevel } else if edge < 1.2 * scale + 0.8 { tissue = 0.8 }
        }
        if let organ {
            tissue = organEcho(organ, r: r, theta: theta, tissue: tissue, x: x / size, y: y / size)
        }
        // Five layers then tissue, joined by 0.6 px ramps.
        let levels = [PhantomScene.waterLevel] + layerLevels + [tissue]
        var level = levels[0]
        for (i, boundary) in boundaries.enumerated() {
            let ramp = min(max((depth - boundary) / 0.6 + 0.5, 0), 1)
            level += (levels[i + 1] - levels[i]) * ramp
        }
        return (level, PhantomScene.tissueAttenuation / scale)
    }

    /// The organ's homogeneous parenchyma behind a bright capsule whose depth curves gently
    /// with angle; outside its angular extent the tissue is unchanged.
    private func organEcho(_ organ: (theta: Double, halfWidth: Double, depth: Double, level: Double),
                           r: Double, theta: Double, tissue: Double, x: Double, y: Double) -> Double {
        let offset = PhantomScene.wrap(theta - organ.theta) / organ.halfWidth
        guard abs(offset) < 1 else { return tissue }
        let capsule = organ.depth + 0.35 * organ.depth * offset * offset
        let distance = r - capsule
        if abs(distance) < 0.8 * scale + 0.4 { return 0.72 }
        return distance > 0 ? organ.level + 0.03 * fatNoise.value(x, y) : tissue
    }

    /// Inside the lesion: base level, texture, halo, foci and cysts.
    private func lesionEcho(t: Double, d: Double, relative: Double) -> (Double, Double) {
        let u = t / p.semiAxisAlong, v = (d - p.centreDepth) / p.semiAxisAcross
        var level = p.echoLevel + p.heterogeneity * lesionNoise.value(u * 0.5 + 0.5, v * 0.5 + 0.5)
        let rim = min(max((relative - 0.74) / 0.2, 0), 1)
        level -= p.halo * rim
        var attenuation = PhantomScene.tissueAttenuation / scale
        for focus in foci {
            let d2 = (t - focus.t) * (t - focus.t) + (d - focus.d) * (d - focus.d)
            let bump = min(max((focus.radius - d2.squareRoot()) / 0.8 + 0.5, 0), 1)
            level = max(level, focus.level * bump)
            attenuation += 0.9 / scale * bump
        }
        for cyst in cysts {
            let distance = ((t - cyst.t) * (t - cyst.t) + (d - cyst.d) * (d - cyst.d)).squareRoot()
            let inside = min(max((cyst.radius - distance) / 0.7 + 0.5, 0), 1)
            level = level * (1 - inside) + PhantomScene.waterLevel * inside
            attenuation = attenuation * (1 - inside) + 0.005 / scale * inside
        }
        return (max(level, 0), attenuation)
    }
}

/// The scan geometry: radial (full circle round a transducer at the centre) or linear (a fan
/// below an apex above the image).
struct PhantomGeometry {
    let scanner: PhantomParameters.Scanner
    let size: Int
    let originX: Double, originY: Double
    /// The transducer's radius (radial) or the fan's near edge (linear).
    let innerRadius: Double
    let maxRadius: Double
    let thetaRange: ClosedRange<Double>

    init(_ scanner: PhantomParameters.Scanner, size: Int) {
        self.scanner = scanner
        self.size = size
        let s = Double(size)
        switch scanner {
        case .radial:
            (originX, originY) = (s / 2, s / 2)
            innerRadius = 0.055 * s
            maxRadius = 0.485 * s
            thetaRange = -Double.pi...Double.pi
        case .linear:
            // A 76° sector that fits the image (0.8 sin 0.66 < 0.5), centred vertically.
            (originX, originY) = (s / 2, 0.03 * s)
            innerRadius = 0.18 * s
            maxRadius = 0.8 * s
            thetaRange = -0.66...0.66
        }
    }

    /// θ: radial, from +x towards +y; linear, from straight down towards +x.
    func polar(x: Double, y: Double) -> (r: Double, theta: Double) {
        let dx = x - originX, dy = y - originY
        let r = (dx * dx + dy * dy).squareRoot()
        return (r, scanner == .radial ? atan2(dy, dx) : atan2(dx, dy))
    }

    func cartesian(r: Double, theta: Double) -> (x: Double, y: Double) {
        scanner == .radial
            ? (originX + r * cos(theta), originY + r * sin(theta))
            : (originX + r * sin(theta), originY + r * cos(theta))
    }

    func inFieldOfView(r: Double, theta: Double) -> Bool {
        r >= innerRadius && r <= maxRadius && thetaRange.contains(theta)
    }
}

import EUSSupport
import Foundation

/// The generating parameters of one phantom case, listed in `manifest.csv`. Lengths are in
/// pixels of the output image; echo levels are display brightness in [0,1] before speckle
/// (0 = black, 1 = white; the muscularis propria sits at about 0.30).
public struct PhantomParameters: Codable, Equatable, Sendable {
    public enum Scanner: String, Codable, Sendable { case radial, linear }

    public var caseID: String
    public var label: String
    public var scanner: Scanner
    /// Drawn partly from the other class's feature ranges (`--difficulty`).
    public var atypical: Bool

    // Scan geometry and wall.
    /// Radius of the wall's luminal surface (distance from the transducer centre or fan apex).
    public var wallRadius: Double
    public var wallThickness: Double
    /// Relative thickness of the five layers (sum 1): interface/mucosa, deep mucosa,
    /// submucosa, muscularis propria, serosa/adventitia.
    public var layerFractions: [Double]
    public var eccentricity: Double
    public var vessels: Int
    /// An adjacent organ (liver, spleen or pancreas-like parenchyma) in the far field.
    public var adjacentOrgan: Bool
    /// Overall gain (dB) and displayed dynamic range (dB).
    public var gainDB: Double
    public var dynamicRangeDB: Double

    // Lesion.
    /// Direction of the lesion from the transducer, degrees (radial: from +x; linear: from straight down).
    public var lesionAngleDegrees: Double
    /// Semi-axis along the wall and across it.
    public var semiAxisAlong: Double
    public var semiAxisAcross: Double
    /// Lesion centre depth below the wall surface.
    public var centreDepth: Double
    /// The wall layer it arises from: 4 (muscularis propria) or 2 (muscularis mucosae).
    public var originLayer: Int
    /// Relative amplitude of the low-order border lobes, and of fine border irregularity.
    public var lobulation: Double
    public var irregularity: Double
    public var echoLevel: Double
    /// Amplitude of the internal echo texture.
    public var heterogeneity: Double
    public var hyperechoicFoci: Int
    public var cysticSpaces: Int
    /// Darkening of the lesion's margin (hypoechoic halo).
    public var halo: Double
    /// The seed of this case's texture and speckle.
    public var textureSeed: UInt64
}

extension PhantomParameters {
    /// Manifest columns after `case_id,path,label,mask_path`.
    public static let manifestColumns = [
        "scanner", "atypical", "lesion_angle_deg", "semi_axis_along_px", "semi_axis_across_px",
        "centre_depth_px", "origin_layer", "lobulation", "irregularity", "echo_level", "heterogeneity",
        "hyperechoic_foci", "cystic_spaces", "halo", "wall_radius_px", "wall_thickness_px",
        "vessels", "adjacent_organ", "gain_db", "dynamic_range_db",
    ]

    public var manifestFields: [String] {
        func f(_ x: Double) -> String { String(format: "%.3f", x) }
        return [scanner.rawValue, atypical ? "1" : "0", f(lesionAngleDegrees), f(semiAxisAlong), f(semiAxisAcross),
                f(centreDepth), String(originLayer), f(lobulation), f(irregularity), f(echoLevel), f(heterogeneity),
                String(hyperechoicFoci), String(cysticSpaces), f(halo), f(wallRadius), f(wallThickness),
                String(vessels), adjacentOrgan ? "1" : "0", f(gainDB), f(dynamicRangeDB)]
    }
}

extension PhantomParameters {
    /// Draws a case. Lesion features come from its class's ranges (GIST larger, brighter and
    /// heterogeneous, lobulated, with foci, cysts and a halo; LM smaller, homogeneous, markedly
    /// hypoechoic and oval); an atypical case (probability `difficulty`) moves each feature
    /// 60–100% of the way towards the other class. Nuisance parameters (scanner, wall, gain)
    /// do not depend on the class.
    public static func sample(caseID: String, isGIST: Bool, size: Int, difficulty: Double,
                              random: inout SeededRandom) -> PhantomParameters {
        let s = Double(size) / 256
        let atypical = random.chance(difficulty)
        let mix = atypical ? random.uniform(0.6, 1.0) : 0
        // A feature: own-class draw blended towards an other-class draw.
        func feature(_ gist: ClosedRange<Double>, _ lm: ClosedRange<Double>) -> Double {
            let g = random.uniform(gist.lowerBound, gist.upperBound)
            let l = random.uniform(lm.lowerBound, lm.upperBound)
            return isGIST ? g + (l - g) * mix : l + (g - l) * mix
        }
        let scanner: Scanner = random.chance(0.65) ? .radial : .linear
        let geometry = PhantomGeometry(scanner, size: size)
        let wallRadius = geometry.innerRadius + (scanner == .radial ? random.uniform(30, 46) : random.uniform(34, 54)) * s
        let wallThickness = random.uniform(15, 20) * s
        var fractions = [0.15, 0.19, 0.27, 0.23, 0.16].map { $0 * random.uniform(0.85, 1.15) }
        let total = fractions.reduce(0, +)
        fractions = fractions.map { $0 / total }
        let angleDegrees = scanner == .radial ? random.uniform(-180, 180) : random.uniform(-10, 10)
        var along = feature(22...38, 12...24) * s
        var across = along * feature(0.78...1.0, 0.55...0.78)
        let fromSecondLayer = !isGIST && !atypical && random.chance(0.25)
        let originLayer = fromSecondLayer ? 2 : 4
        let layerTop = fractions.prefix(originLayer - 1).reduce(0, +) * wallThickness
        let layerMid = layerTop + fractions[originLayer - 1] * wallThickness / 2
        var outward = fromSecondLayer ? random.uniform(0.1, 0.4) : random.uniform(0.0, 0.65)
        // Fit the mass (whose lobulated border reaches at most 1.4 semi-axes) in the scan: its
        // bulge into the lumen clear of the transducer, its far side inside the field of view,
        // and (linear) its sides inside the sector.
        let maxBulge = 0.5 * (wallRadius - geometry.innerRadius)
        let room = geometry.maxRadius - wallRadius - 4 * s
        if scanner == .linear {
            let halfAngle = geometry.thetaRange.upperBound - abs(angleDegrees) * .pi / 180 - 0.04
            let limit = halfAngle * wallRadius / 1.45
            if along > limit { across *= limit / along; along = limit }
        }
        while true {
            let lowest = (across - maxBulge - layerMid) / across
            let highest = (room - layerMid) / across - 1.45
            if lowest <= highest {
                outward = min(max(outward, lowest), highest)
                break
            }
            along *= 0.95
            across *= 0.95
        }
        return PhantomParameters(
            caseID: caseID, label: isGIST ? "GIST" : "LM", scanner: scanner, atypical: atypical,
            wallRadius: wallRadius, wallThickness: wallThickness, layerFractions: fractions,
            eccentricity: random.uniform(0, 0.12), vessels: random.index(4), adjacentOrgan: random.chance(0.5),
            gainDB: random.uniform(-3, 3), dynamicRangeDB: random.uniform(46, 54),
            lesionAngleDegrees: angleDegrees,
            semiAxisAlong: along, semiAxisAcross: across,
            centreDepth: layerMid + outward * across, originLayer: originLayer,
            lobulation: feature(0.07...0.16, 0.0...0.025), irregularity: feature(0.015...0.04, 0.0...0.006),
            echoLevel: feature(0.36...0.46, 0.22...0.30), heterogeneity: feature(0.09...0.16, 0.0...0.02),
            hyperechoicFoci: Int(feature(1.5...7.49, 0...0.49).rounded()),
            cysticSpaces: Int(feature(-0.8...3.49, 0...0.3).rounded()).clamped(0, 4),
            halo: feature(0.07...0.14, 0.0...0.02),
            textureSeed: random.next())
    }
}

extension Int {
    func clamped(_ lo: Int, _ hi: Int) -> Int { Swift.min(Swift.max(self, lo), hi) }
}

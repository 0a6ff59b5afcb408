import Foundation

/// How the scanner type of an image is decided: read from the image (`auto`), or fixed.
public enum ScannerSetting: String, Codable, CaseIterable, Sendable {
    case auto, radial, linear
}

/// The field of view of a B-mode image: a radial scanner's full circle round the transducer,
/// or a linear (curvilinear) scanner's sector. It decides which augmentations keep the
/// anatomy plausible: a radial scan is the same anatomy at any angle about the transducer, a
/// sector only tolerates small tilts and a left-right flip.
public struct ScanGeometry: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, CaseIterable, Sendable { case radial, linear }

    public var kind: Kind
    /// The centre of rotation and flipping, in pixels (x right, y down): the transducer for a
    /// radial scan, the centre of the field's bounding box for a sector.
    public var centreX: Double
    public var centreY: Double

    public init(kind: Kind, centreX: Double, centreY: Double) {
        self.kind = kind
        self.centreX = centreX
        self.centreY = centreY
    }

    /// Echo levels at or below this (on [0,1]) count as outside the field of view.
    static let blank: Float = 0.02

    /// Reads the geometry off a gray plane (H, W) in [0,1].
    ///
    /// The field of view is the bounding box of the pixels above `blank`. A radial field is a
    /// disc: the box is square, and each of 36 angular sectors of the ring between 0.70 and
    /// 0.95 of its radius holds echoes (mean level above 2 × `blank`). A sector leaves the
    /// ring's upper and side sectors empty. Anything that is not a disc is treated as a
    /// sector, whose augmentations (a flip, small tilts) are safe for either kind.
    public static func detect(gray x: [Float], height: Int, width: Int) -> ScanGeometry {
        precondition(x.count == height * width, "ScanGeometry.detect: \(x.count) values for \(height)x\(width)")
        guard let box = fieldBox(x, height: height, width: width) else {
            return ScanGeometry(kind: .linear, centreX: Double(width) / 2, centreY: Double(height) / 2)
        }
        let cx = Double(box.minX + box.maxX + 1) / 2, cy = Double(box.minY + box.maxY + 1) / 2
        let (w, h) = (Double(box.maxX - box.minX + 1), Double(box.maxY - box.minY + 1))
        let square = abs(w - h) <= 0.06 * max(w, h)
        let kind: Kind = square && ringIsFull(x, height: height, width: width, cx: cx, cy: cy, radius: max(w, h) / 2)
            ? .radial : .linear
        return ScanGeometry(kind: kind, centreX: cx, centreY: cy)
    }

    /// `setting` for an image: the detected geometry, or its centre with a fixed kind.
    public static func resolve(_ setting: ScannerSetting, gray x: [Float], height: Int, width: Int) -> ScanGeometry {
        var geometry = detect(gray: x, height: height, width: width)
        switch setting {
        case .auto: break
        case .radial: geometry.kind = .radial
        case .linear: geometry.kind = .linear
        }
        return geometry
    }

    /// The bounding box of the rows and columns with at least two pixels above `blank`, or
    /// nil for a blank image.
    static func fieldBox(_ x: [Float], height: Int, width: Int) -> (minX: Int, maxX: Int, minY: Int, maxY: Int)? {
        var rows = [Int](repeating: 0, count: height), columns = [Int](repeating: 0, count: width)
        for y in 0..<height {
            for i in 0..<width where x[y * width + i] > blank {
                rows[y] += 1
                columns[i] += 1
            }
        }
        guard let minY = rows.firstIndex(where: { $0 >= 2 }), let maxY = rows.lastIndex(where: { $0 >= 2 }),
              let minX = columns.firstIndex(where: { $0 >= 2 }), let maxX = columns.lastIndex(where: { $0 >= 2 }) else { return nil }
        return (minX, maxX, minY, maxY)
    }

    /// Whether every one of 36 angular sectors of the ring 0.70–0.95 × `radius` about (cx, cy)
    /// has a mean level above 2 × `blank` (a sector outside the image counts as empty).
    static func ringIsFull(_ x: [Float], height: Int, width: Int, cx: Double, cy: Double, radius: Double) -> Bool {
        let sectors = 36
        var sums = [Double](repeating: 0, count: sectors), counts = [Int](repeating: 0, count: sectors)
        let (inner, outer) = (0.70 * radius, 0.95 * radius)
        let (y0, y1) = (max(0, Int(cy - outer)), min(height - 1, Int(cy + outer)))
        let (x0, x1) = (max(0, Int(cx - outer)), min(width - 1, Int(cx + outer)))
        guard y0 <= y1, x0 <= x1 else { return false }
        for y in y0...y1 {
            for i in x0...x1 {
                let (dx, dy) = (Double(i) + 0.5 - cx, Double(y) + 0.5 - cy)
                let r = (dx * dx + dy * dy).squareRoot()
                guard r >= inner && r <= outer else { continue }
                let sector = min(sectors - 1, Int((atan2(dy, dx) + .pi) / (2 * .pi) * Double(sectors)))
                sums[sector] += Double(x[y * width + i])
                counts[sector] += 1
            }
        }
        return (0..<sectors).allSatisfy { counts[$0] > 0 && sums[$0] / Double(counts[$0]) > 2 * Double(blank) }
    }
}

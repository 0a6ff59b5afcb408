/// Points, sizes and rectangles in PostScript points (1/72 in), origin at the top left, y down.
public struct Point: Equatable, Sendable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

public struct Size: Equatable, Sendable {
    public var width: Double
    public var height: Double

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }
}

public struct Rect: Equatable, Sendable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var minX: Double { x }
    public var minY: Double { y }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var midX: Double { x + width / 2 }
    public var midY: Double { y + height / 2 }

    /// The rectangle shrunk by the given margins (negative values grow it).
    public func inset(top: Double = 0, left: Double = 0, bottom: Double = 0, right: Double = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: max(0, width - left - right), height: max(0, height - top - bottom))
    }

    public func inset(by amount: Double) -> Rect {
        inset(top: amount, left: amount, bottom: amount, right: amount)
    }

    /// The largest rectangle of aspect `width:height` centred in this one.
    public func aspectFit(width contentWidth: Double, height contentHeight: Double) -> Rect {
        guard contentWidth > 0, contentHeight > 0 else { return self }
        let scale = min(width / contentWidth, height / contentHeight)
        let w = contentWidth * scale, h = contentHeight * scale
        return Rect(x: midX - w / 2, y: midY - h / 2, width: w, height: h)
    }
}

/// Millimetres and points: a journal column is given in mm, Cairo works in points.
public enum Units {
    public static let pointsPerInch = 72.0
    public static let millimetresPerInch = 25.4

    public static func points(millimetres: Double) -> Double { millimetres / millimetresPerInch * pointsPerInch }
    public static func millimetres(points: Double) -> Double { points / pointsPerInch * millimetresPerInch }
}

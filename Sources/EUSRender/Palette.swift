/// An RGBA colour with components in [0, 1].
public struct Color: Equatable, Sendable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// `Color(hex: 0x0072B2)`.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
                  blue: Double(hex & 0xFF) / 255, alpha: alpha)
    }

    /// The colour mixed with white: `c' = c + amount·(1 − c)`, amount in [0, 1].
    public func lighter(_ amount: Double) -> Color {
        Color(red: red + amount * (1 - red), green: green + amount * (1 - green),
              blue: blue + amount * (1 - blue), alpha: alpha)
    }

    public func withAlpha(_ alpha: Double) -> Color { Color(red: red, green: green, blue: blue, alpha: alpha) }

    /// `#RRGGBB` for HTML and SVG.
    public var hexString: String {
        func byte(_ v: Double) -> Int { Int((min(max(v, 0), 1) * 255).rounded()) }
        return "#" + [red, green, blue].map { String(format: "%02X", byte($0)) }.joined()
    }

    public static let white = Color(hex: 0xFFFFFF)
    public static let black = Color(hex: 0x000000)
}

/// The Okabe-Ito palette: eight colours that stay distinct under the common colour-vision
/// deficiencies (Okabe & Ito 2008, "Color Universal Design"; Wong 2011, Nature Methods 8:441).
public enum OkabeIto {
    public static let black = Color(hex: 0x000000)
    public static let orange = Color(hex: 0xE69F00)
    public static let skyBlue = Color(hex: 0x56B4E9)
    public static let bluishGreen = Color(hex: 0x009E73)
    public static let yellow = Color(hex: 0xF0E442)
    public static let blue = Color(hex: 0x0072B2)
    public static let vermillion = Color(hex: 0xD55E00)
    public static let reddishPurple = Color(hex: 0xCC79A7)

    /// Series colours in the order models are drawn: blue, vermillion, then the rest.
    public static let series: [Color] = [blue, vermillion, bluishGreen, reddishPurple, orange, skyBlue, black]

    public static func series(_ index: Int) -> Color { series[index % series.count] }
}

/// The neutral greys used for axes, grids and secondary text.
public enum Ink {
    public static let text = Color(hex: 0x1A1A1A)
    public static let secondary = Color(hex: 0x555555)
    public static let axis = Color(hex: 0x333333)
    public static let grid = Color(hex: 0xE3E3E3)
    public static let faint = Color(hex: 0xF4F4F4)
}

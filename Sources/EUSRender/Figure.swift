import EUSSupport
import Foundation

/// The widths a journal column allows: single 85 mm, double 178 mm.
public enum ColumnWidth: Sendable {
    case single
    case double

    public var millimetres: Double { self == .single ? 85 : 178 }
}

/// A figure drawn once against a `Canvas` and written as vector PDF, SVG and a 300 dpi PNG.
///
/// `draw` receives the canvas and the figure's size in points and draws into
/// `[0, width] × [0, height]`; the report draws the same closure into its own pages.
public struct Figure {
    public let name: String
    public let width: ColumnWidth
    public let heightMillimetres: Double
    public let draw: (Canvas, Size) -> Void

    public init(name: String, width: ColumnWidth, heightMillimetres: Double, draw: @escaping (Canvas, Size) -> Void) {
        precondition(heightMillimetres > 0, "Figure \(name): height must be positive")
        self.name = name
        self.width = width
        self.heightMillimetres = heightMillimetres
        self.draw = draw
    }

    /// The size in points.
    public var size: Size {
        Size(width: Units.points(millimetres: width.millimetres), height: Units.points(millimetres: heightMillimetres))
    }

    public static let dotsPerInch = 300.0

    /// The figure's bytes in one format.
    public func render(_ kind: Canvas.Kind) throws -> Data {
        let canvas = Canvas(kind: kind, size: size)
        draw(canvas, size)
        return try canvas.finish()
    }

    /// Writes `<name>.pdf`, `<name>.svg` and `<name>.png` (300 dpi) into `folder`.
    @discardableResult
    public func write(to folder: URL) throws -> [URL] {
        let formats: [(String, Canvas.Kind)] = [("pdf", .pdf), ("svg", .svg), ("png", .png(dotsPerInch: Figure.dotsPerInch))]
        return try formats.map { ext, kind in
            let url = folder.appendingPathComponent("\(name).\(ext)")
            try AtomicOutput.write(try render(kind), to: url)
            return url
        }
    }
}

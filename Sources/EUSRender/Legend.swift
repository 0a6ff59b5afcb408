/// A legend: a key symbol and a label per entry, in a box placed in a corner of a plot area.
public struct Legend {
    public enum Symbol {
        case line(Stroke)
        /// A line with a filled marker at its centre (a point estimate with its interval).
        case lineWithMarker(Stroke, marker: Color)
        case marker(Color)
        case box(Color)
    }

    public enum Corner { case topLeft, topRight, bottomLeft, bottomRight }

    public var entries: [(symbol: Symbol, label: String)]
    public var font: Font

    public init(_ entries: [(symbol: Symbol, label: String)], font: Font = FigureStyle.legendFont) {
        self.entries = entries
        self.font = font
    }

    private let keyWidth = 12.0
    private let padding = 3.0

    private func rowHeight() -> Double { font.size * 1.35 }

    /// The legend box size with labels measured in `font`.
    public func size(on canvas: Canvas) -> Size {
        let labelWidth = entries.map { canvas.measure($0.label, font: font).width }.max() ?? 0
        return Size(width: padding * 2 + keyWidth + 4 + labelWidth, height: padding * 2 + Double(entries.count) * rowHeight())
    }

    /// The legend made to fit `width`: the font shrinks (not below 6.5 pt), then the longest
    /// labels are shortened with an ellipsis.
    public func fitted(width: Double, on canvas: Canvas) -> Legend {
        var legend = self
        while legend.font.size > 6.5, legend.size(on: canvas).width > width {
            legend.font = legend.font.sized(legend.font.size - 0.25)
        }
        let labelWidth = width - padding * 2 - keyWidth - 4
        if legend.size(on: canvas).width > width {
            legend.entries = legend.entries.map { ($0.symbol, TextLayout.truncate($0.label, font: legend.font, width: labelWidth, on: canvas)) }
        }
        return legend
    }

    /// Draws the legend inside `area` at `corner`, fitted to the area's width.
    public func draw(on canvas: Canvas, in area: Rect, corner: Corner, inset: Double = 3) {
        let legend = fitted(width: area.width - 2 * inset, on: canvas)
        let size = legend.size(on: canvas)
        let x: Double, y: Double
        switch corner {
        case .topLeft: (x, y) = (area.minX + inset, area.minY + inset)
        case .topRight: (x, y) = (area.maxX - inset - size.width, area.minY + inset)
        case .bottomLeft: (x, y) = (area.minX + inset, area.maxY - inset - size.height)
        case .bottomRight: (x, y) = (area.maxX - inset - size.width, area.maxY - inset - size.height)
        }
        legend.draw(on: canvas, at: Point(x: x, y: y))
    }

    /// Draws the legend box with its top-left corner at `origin`.
    public func draw(on canvas: Canvas, at origin: Point) {
        let size = self.size(on: canvas)
        canvas.rect(Rect(x: origin.x, y: origin.y, width: size.width, height: size.height),
                    fill: Color.white.withAlpha(0.92), stroke: Stroke(Ink.grid, width: 0.5))
        for (index, entry) in entries.enumerated() {
            let midY = origin.y + padding + (Double(index) + 0.5) * rowHeight()
            let keyX = origin.x + padding
            drawSymbol(entry.symbol, on: canvas, from: keyX, midY: midY)
            canvas.text(entry.label, at: Point(x: keyX + keyWidth + 4, y: midY), font: font, align: .left, baseline: .middle)
        }
    }

    /// The width of the legend laid out in one row (`drawRow`).
    public func rowWidth(on canvas: Canvas, spacing: Double = 10) -> Double {
        entries.map { keyWidth + 4 + canvas.measure($0.label, font: font).width }.reduce(0, +)
            + spacing * Double(max(0, entries.count - 1))
    }

    /// The legend made to fit `width` when laid out in one row: the font shrinks (not below
    /// 6.5 pt), then every label is shortened to an equal share of the width.
    public func fittedRow(width: Double, on canvas: Canvas, spacing: Double = 10) -> Legend {
        var legend = self
        while legend.font.size > 6.5, legend.rowWidth(on: canvas, spacing: spacing) > width {
            legend.font = legend.font.sized(legend.font.size - 0.25)
        }
        if legend.rowWidth(on: canvas, spacing: spacing) > width, !entries.isEmpty {
            let share = (width - spacing * Double(entries.count - 1)) / Double(entries.count) - keyWidth - 4
            legend.entries = legend.entries.map { ($0.symbol, TextLayout.truncate($0.label, font: legend.font, width: share, on: canvas)) }
        }
        return legend
    }

    /// Draws the entries side by side on one line, without a box, starting at `origin`
    /// (`origin.y` is the line's vertical centre).
    public func drawRow(on canvas: Canvas, at origin: Point, spacing: Double = 10) {
        var x = origin.x
        for entry in entries {
            drawSymbol(entry.symbol, on: canvas, from: x, midY: origin.y)
            x += keyWidth + 4
            canvas.text(entry.label, at: Point(x: x, y: origin.y), font: font, align: .left, baseline: .middle)
            x += canvas.measure(entry.label, font: font).width + spacing
        }
    }

    private func drawSymbol(_ symbol: Symbol, on canvas: Canvas, from x: Double, midY: Double) {
        let a = Point(x: x, y: midY), b = Point(x: x + keyWidth, y: midY)
        switch symbol {
        case .line(let stroke):
            canvas.line(from: a, to: b, stroke: stroke)
        case .lineWithMarker(let stroke, let marker):
            canvas.line(from: a, to: b, stroke: stroke)
            canvas.circle(center: Point(x: x + keyWidth / 2, y: midY), radius: 2, fill: marker)
        case .marker(let color):
            canvas.circle(center: Point(x: x + keyWidth / 2, y: midY), radius: 2.2, fill: color)
        case .box(let color):
            canvas.rect(Rect(x: x + 2, y: midY - 3.5, width: keyWidth - 4, height: 7), fill: color)
        }
    }
}

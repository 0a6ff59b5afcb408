/// One axis: its data range, tick positions with labels, and its title.
public struct AxisSpec: Sendable {
    public var range: ClosedRange<Double>
    public var ticks: [(value: Double, label: String)]
    public var label: String

    public init(range: ClosedRange<Double>, ticks: [(value: Double, label: String)], label: String) {
        precondition(range.upperBound > range.lowerBound, "AxisSpec: empty range \(range)")
        self.range = range
        self.ticks = ticks
        self.label = label
    }

    /// Nice ticks over `range` with labels formatted for the step; `integer` keeps ticks on
    /// whole numbers (epochs, counts).
    public init(range: ClosedRange<Double>, label: String, tickCount: Int = 5, integer: Bool = false,
                format: ((Double) -> String)? = nil) {
        let values = NiceScale.ticks(from: range.lowerBound, to: range.upperBound, count: tickCount, integer: integer)
        let span = range.upperBound - range.lowerBound
        let step = integer ? NiceScale.integerStep(span: span, count: tickCount) : NiceScale.step(span: span, count: tickCount)
        let format = format ?? { NiceScale.label($0, step: step) }
        self.init(range: range, ticks: values.map { ($0, format($0)) }, label: label)
    }
}

/// A Cartesian plot area: maps data to points and draws the frame (left and bottom spines,
/// outward ticks, tick labels, axis titles and an optional panel title).
///
/// The plot area is what is left of `outer` after room is made for the measured tick labels,
/// the axis titles and the panel title, so labels are never clipped.
public struct Axes {
    public let outer: Rect
    public let frame: Rect
    public let x: AxisSpec
    public let y: AxisSpec
    public let title: String?

    public init(outer: Rect, x: AxisSpec, y: AxisSpec, title: String? = nil, on canvas: Canvas,
                rightPadding: Double = 6, topPadding: Double = 4) {
        self.outer = outer
        self.x = x
        self.y = y
        self.title = title
        let tick = FigureStyle.tickFont, label = FigureStyle.labelFont
        let yTickWidth = y.ticks.map { canvas.measure($0.label, font: tick).width }.max() ?? 0
        let yLabelRoom = y.label.isEmpty ? 0 : label.size * 1.3
        let left = yLabelRoom + yTickWidth + FigureStyle.tickLength + 3
        let tickHeight = canvas.measure("0", font: tick).height
        let bottom = FigureStyle.tickLength + 2 + tickHeight + (x.label.isEmpty ? 0 : label.size * 1.5)
        let lastXLabelOverhang = (x.ticks.last.map { canvas.measure($0.label, font: tick).width / 2 } ?? 0)
        let top = (title == nil ? topPadding : FigureStyle.titleFont.size * 1.6) + tickHeight / 2
        frame = outer.inset(top: top, left: left, bottom: bottom, right: max(rightPadding, lastXLabelOverhang))
    }

    public func px(_ value: Double) -> Double {
        frame.minX + (value - x.range.lowerBound) / (x.range.upperBound - x.range.lowerBound) * frame.width
    }

    public func py(_ value: Double) -> Double {
        frame.maxY - (value - y.range.lowerBound) / (y.range.upperBound - y.range.lowerBound) * frame.height
    }

    public func point(_ xValue: Double, _ yValue: Double) -> Point { Point(x: px(xValue), y: py(yValue)) }

    /// Light horizontal and vertical grid lines at the ticks (drawn before the data).
    public func drawGrid(on canvas: Canvas, vertical: Bool = true, horizontal: Bool = true) {
        if vertical {
            for t in x.ticks { canvas.line(from: Point(x: px(t.value), y: frame.minY), to: Point(x: px(t.value), y: frame.maxY), stroke: FigureStyle.gridStroke) }
        }
        if horizontal {
            for t in y.ticks { canvas.line(from: Point(x: frame.minX, y: py(t.value)), to: Point(x: frame.maxX, y: py(t.value)), stroke: FigureStyle.gridStroke) }
        }
    }

    /// Spines, ticks, tick labels, axis titles and the panel title (drawn after the data).
    public func drawFrame(on canvas: Canvas) {
        let stroke = FigureStyle.axisStroke, tick = FigureStyle.tickFont, length = FigureStyle.tickLength
        canvas.line(from: Point(x: frame.minX, y: frame.maxY), to: Point(x: frame.maxX, y: frame.maxY), stroke: stroke)
        canvas.line(from: Point(x: frame.minX, y: frame.minY), to: Point(x: frame.minX, y: frame.maxY), stroke: stroke)
        for t in x.ticks {
            let xp = px(t.value)
            canvas.line(from: Point(x: xp, y: frame.maxY), to: Point(x: xp, y: frame.maxY + length), stroke: stroke)
            canvas.text(t.label, at: Point(x: xp, y: frame.maxY + length + 1.5), font: tick, color: Ink.text,
                        align: .center, baseline: .top)
        }
        var widest = 0.0
        for t in y.ticks {
            let yp = py(t.value)
            canvas.line(from: Point(x: frame.minX - length, y: yp), to: Point(x: frame.minX, y: yp), stroke: stroke)
            canvas.text(t.label, at: Point(x: frame.minX - length - 2, y: yp), font: tick, color: Ink.text,
                        align: .right, baseline: .middle)
            widest = max(widest, canvas.measure(t.label, font: tick).width)
        }
        if !x.label.isEmpty {
            canvas.text(x.label, at: Point(x: frame.midX, y: outer.maxY), font: FigureStyle.labelFont,
                        align: .center, baseline: .bottom)
        }
        if !y.label.isEmpty {
            canvas.text(y.label, at: Point(x: outer.minX, y: frame.midY), font: FigureStyle.labelFont,
                        align: .center, baseline: .top, rotation: -.pi / 2)
        }
        if let title {
            canvas.text(title, at: Point(x: outer.minX, y: outer.minY), font: FigureStyle.titleFont,
                        align: .left, baseline: .top)
        }
    }
}

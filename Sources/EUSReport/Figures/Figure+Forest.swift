import EUSRender
import EUSStats

extension Figure {
    /// The five proportions of every model with 95% intervals: the point estimate carries its
    /// Wilson interval (dark line and dot), and the Wald interval (the study's convention) is
    /// drawn lighter just below it. The right column prints the Wilson values with x/n.
    public static func forest(_ metrics: MetricsDocument) -> Figure {
        let rows = Proportion.allCases.count * max(1, metrics.models.count)
        return Figure(name: "forest", width: .double, heightMillimetres: 30 + Double(rows) * 5) { canvas, size in
            ForestPlot(metrics: metrics, canvas: canvas, size: size).draw()
        }
    }
}

/// The forest plot's layout: a metric column, a model column, the plot on a 0–100% scale
/// and a value column, one row per metric per model.
private struct ForestPlot {
    let metrics: MetricsDocument
    let canvas: Canvas
    let outer: Rect
    let frame: Rect
    let metricWidth: Double
    let modelWidth: Double
    let tick = FigureStyle.tickFont
    let label = FigureStyle.labelFont
    let ticks = NiceScale.ticks(from: 0, to: 1, count: 5)

    init(metrics: MetricsDocument, canvas: Canvas, size: Size) {
        self.metrics = metrics
        self.canvas = canvas
        outer = Rect(x: 0, y: 0, width: size.width, height: size.height).inset(by: FigureStyle.margin)
        metricWidth = Proportion.allCases.map { canvas.measure($0.displayName, font: FigureStyle.labelFont).width }.max()! + 8
        let widestName = metrics.models.map { canvas.measure(ModelNames.display($0.name), font: FigureStyle.tickFont).width }.max() ?? 0
        modelWidth = min(outer.width * 0.24, widestName + 8)
        let valueWidth = canvas.measure("100.00% (100.00%–100.00%)  14/14", font: FigureStyle.tickFont).width + 4
        let headerHeight = 24.0
        let axisHeight = FigureStyle.tickFont.size * 1.4 + FigureStyle.labelFont.size * 1.5 + FigureStyle.tickLength + 2
        frame = Rect(x: outer.minX + metricWidth + modelWidth + 4, y: outer.minY + headerHeight,
                     width: outer.width - metricWidth - modelWidth - valueWidth - 16,
                     height: outer.height - headerHeight - axisHeight)
    }

    func px(_ value: Double) -> Double { frame.minX + value * frame.width }

    var rowHeight: Double { frame.height / Double(Proportion.allCases.count * max(1, metrics.models.count)) }

    func draw() {
        for t in ticks {
            canvas.line(from: Point(x: px(t), y: frame.minY), to: Point(x: px(t), y: frame.maxY), stroke: FigureStyle.gridStroke)
        }
        drawHeader()
        for (m, proportion) in Proportion.allCases.enumerated() {
            drawGroup(m, proportion: proportion)
        }
        drawAxis()
    }

    /// The legend (models are named on their rows, so it explains only the interval styles)
    /// and the value column's title.
    private func drawHeader() {
        let legend = Legend([(.lineWithMarker(Stroke(Ink.text, width: 1.4), marker: Ink.text), "Point estimate with Wilson 95% CI"),
                             (.line(Stroke(Ink.text.lighter(0.6), width: 1)), "Wald 95% CI")])
        legend.fittedRow(width: outer.width, on: canvas).drawRow(on: canvas, at: Point(x: outer.minX, y: outer.minY + 5))
        canvas.text("Wilson estimate (95% CI)  x/n", at: Point(x: outer.maxX, y: frame.minY - 3), font: Font(size: 7, bold: true),
                    align: .right, baseline: .bottom)
    }

    /// One metric: its name, then a row per model with both intervals and the values.
    private func drawGroup(_ m: Int, proportion: Proportion) {
        let count = max(1, metrics.models.count)
        let top = frame.minY + Double(m * count) * rowHeight
        if m > 0 {
            canvas.line(from: Point(x: outer.minX, y: top), to: Point(x: outer.maxX, y: top), stroke: Stroke(Ink.grid, width: 0.4))
        }
        canvas.text(proportion.displayName, at: Point(x: outer.minX, y: top + rowHeight * Double(count) / 2), font: label, baseline: .middle)
        for (k, model) in metrics.models.enumerated() {
            drawRow(model.proportions[proportion], model: model.name, color: ModelNames.color(k), y: top + (Double(k) + 0.5) * rowHeight)
        }
    }

    private func drawRow(_ summary: ProportionSummary, model: String, color: Color, y: Double) {
        let name = TextLayout.truncate(ModelNames.display(model), font: tick, width: modelWidth - 6, on: canvas)
        canvas.text(name, at: Point(x: outer.minX + metricWidth, y: y), font: tick, color: color, baseline: .middle)
        if let wald = summary.wald {
            canvas.line(from: Point(x: px(wald.lower), y: y + 2.6), to: Point(x: px(wald.upper), y: y + 2.6), stroke: Stroke(color.lighter(0.55), width: 1))
        }
        if let wilson = summary.wilson {
            canvas.line(from: Point(x: px(wilson.lower), y: y - 0.6), to: Point(x: px(wilson.upper), y: y - 0.6), stroke: Stroke(color, width: 1.4))
        }
        if let value = summary.value {
            canvas.circle(center: Point(x: px(value), y: y - 0.6), radius: 2.2, fill: color, stroke: Stroke(.white, width: 0.5))
        }
        let text = MetricsText.proportion(summary, method: .wilson) + "  " + MetricsText.fraction(summary)
        canvas.text(text, at: Point(x: outer.maxX, y: y), font: tick, align: .right, baseline: .middle)
    }

    private func drawAxis() {
        let stroke = FigureStyle.axisStroke
        canvas.line(from: Point(x: frame.minX, y: frame.maxY), to: Point(x: frame.maxX, y: frame.maxY), stroke: stroke)
        for t in ticks {
            let x = px(t)
            canvas.line(from: Point(x: x, y: frame.maxY), to: Point(x: x, y: frame.maxY + FigureStyle.tickLength), stroke: stroke)
            canvas.text(String(format: "%.0f", t * 100), at: Point(x: x, y: frame.maxY + FigureStyle.tickLength + 1.5), font: tick,
                        align: .center, baseline: .top)
        }
        canvas.text("Estimate with 95% CI (%)", at: Point(x: frame.midX, y: outer.maxY), font: label, align: .center, baseline: .bottom)
    }
}

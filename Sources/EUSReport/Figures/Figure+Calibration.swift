import EUSRender
import EUSStats

extension Figure {
    /// The reliability diagram: per 10%-bin mean predicted P(positive) against the observed
    /// share of positives, for every model, above a panel with the number of cases per bin.
    public static func calibration(_ metrics: MetricsDocument) -> Figure {
        Figure(name: "calibration", width: .single, heightMillimetres: 100) { canvas, size in
            let outer = Rect(x: 0, y: 0, width: size.width, height: size.height).inset(by: FigureStyle.margin)
            let split = outer.height * 0.68
            let percent: (Double) -> String = { String(format: "%.1f", $0) }
            let top = Axes(outer: Rect(x: outer.minX, y: outer.minY, width: outer.width, height: split),
                           x: AxisSpec(range: 0...1, label: "Mean predicted P(\(metrics.positiveClass))", format: percent),
                           y: AxisSpec(range: 0...1, label: "Observed share \(metrics.positiveClass)", format: percent), on: canvas)
            top.drawGrid(on: canvas)
            canvas.line(from: top.point(0, 0), to: top.point(1, 1), stroke: Stroke(Ink.secondary, width: 0.6, dash: [2, 2]))
            for (index, model) in metrics.models.enumerated() {
                let filled = model.reliability.filter { $0.count > 0 && $0.meanPredicted != nil && $0.observedRate != nil }
                let points = filled.map { top.point($0.meanPredicted!, $0.observedRate!) }
                let color = ModelNames.color(index)
                canvas.polyline(points, stroke: Stroke(color, width: 1, dash: index == 1 ? [3, 1.5] : []))
                for p in points { canvas.circle(center: p, radius: 2, fill: color, stroke: Stroke(.white, width: 0.5)) }
            }
            top.drawFrame(on: canvas)
            let entries: [(symbol: Legend.Symbol, label: String)] = metrics.models.enumerated().map { index, model in
                (.lineWithMarker(Stroke(ModelNames.color(index), width: 1, dash: index == 1 ? [3, 1.5] : []), marker: ModelNames.color(index)),
                 "\(ModelNames.display(model.name))  Brier \(MetricsText.decimal(model.brier, digits: 3))")
            } + [(.line(Stroke(Ink.secondary, width: 0.6, dash: [2, 2])), "Perfect calibration")]
            Legend(entries).draw(on: canvas, in: top.frame, corner: .topLeft)
            drawBinCounts(metrics, in: Rect(x: outer.minX, y: outer.minY + split + 4, width: outer.width, height: outer.height - split - 4),
                          alignedWith: top, on: canvas)
        }
    }

    private static func drawBinCounts(_ metrics: MetricsDocument, in rect: Rect, alignedWith top: Axes, on canvas: Canvas) {
        let maxCount = metrics.models.flatMap { $0.reliability.map(\.count) }.max() ?? 1
        let yRange = NiceScale.niceRange(from: 0, to: Double(max(maxCount, 1)) * 1.2, count: 3)
        let axes = Axes(outer: rect, x: AxisSpec(range: 0...1, ticks: [], label: ""),
                        y: AxisSpec(range: yRange, label: "Cases", tickCount: 3, format: { String(Int($0)) }), on: canvas)
        // Keep the bins under the reliability plot's x-axis.
        let frame = Rect(x: top.frame.minX, y: axes.frame.minY, width: top.frame.width, height: rect.maxY - axes.frame.minY - 10)
        let bars = Axes(outer: Rect(x: frame.minX, y: frame.minY, width: frame.width, height: frame.height), x: AxisSpec(range: 0...1, ticks: [], label: ""),
                        y: AxisSpec(range: yRange, ticks: [], label: ""), on: canvas, rightPadding: 0, topPadding: 0)
        let plot = Rect(x: frame.minX, y: frame.minY, width: frame.width, height: frame.height)
        let py: (Double) -> Double = { plot.maxY - ($0 - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * plot.height }
        let px: (Double) -> Double = { plot.minX + $0 * plot.width }
        _ = bars
        let modelCount = Double(max(1, metrics.models.count))
        for (index, model) in metrics.models.enumerated() {
            for bin in model.reliability {
                let binWidth = (bin.upper - bin.lower) * plot.width
                let barWidth = binWidth * 0.8 / modelCount
                let x = px(bin.lower) + binWidth * 0.1 + Double(index) * barWidth
                let y = py(Double(bin.count))
                canvas.rect(Rect(x: x, y: y, width: barWidth, height: plot.maxY - y), fill: ModelNames.color(index))
                if bin.count > 0 {
                    canvas.text("\(bin.count)", at: Point(x: x + barWidth / 2, y: y - 1), font: FigureStyle.annotationFont,
                                align: .center, baseline: .bottom)
                }
            }
        }
        canvas.line(from: Point(x: plot.minX, y: plot.maxY), to: Point(x: plot.maxX, y: plot.maxY), stroke: FigureStyle.axisStroke)
        canvas.line(from: Point(x: plot.minX, y: plot.minY), to: Point(x: plot.minX, y: plot.maxY), stroke: FigureStyle.axisStroke)
        for t in axes.y.ticks {
            canvas.line(from: Point(x: plot.minX - FigureStyle.tickLength, y: py(t.value)), to: Point(x: plot.minX, y: py(t.value)), stroke: FigureStyle.axisStroke)
            canvas.text(t.label, at: Point(x: plot.minX - FigureStyle.tickLength - 2, y: py(t.value)), font: FigureStyle.tickFont, align: .right, baseline: .middle)
        }
        canvas.text("Cases per bin", at: Point(x: rect.minX, y: plot.midY), font: FigureStyle.labelFont, align: .center, baseline: .top, rotation: -.pi / 2)
        canvas.text("Bins of predicted P(\(metrics.positiveClass)): 0–0.1, 0.1–0.2, …, 0.9–1.0", at: Point(x: plot.midX, y: rect.maxY),
                    font: FigureStyle.annotationFont, color: Ink.secondary, align: .center, baseline: .bottom)
    }
}

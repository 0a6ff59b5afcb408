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
            drawReliabilityBands(metrics, on: top, canvas: canvas)
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
                 ModelNames.label(model.name, suffix: "  Brier \(MetricsText.decimal(model.brier, digits: 3))", width: top.frame.width - 30,
                                  font: FigureStyle.legendFont, on: canvas))
            } + [(.line(Stroke(Ink.secondary, width: 0.6, dash: [2, 2])), "Perfect calibration")]
                + (metrics.calibration == nil ? [] : [(.line(Stroke(Ink.secondary.lighter(0.45), width: 0.8)), "Clopper-Pearson 95% band")])
            Legend(entries).draw(on: canvas, in: top.frame, corner: legendCorner(metrics))
            drawBinCounts(metrics, in: Rect(x: outer.minX, y: outer.minY + split + 4, width: outer.width, height: outer.height - split - 4),
                          alignedWith: top, on: canvas)
        }
    }

    /// The legend goes in whichever off-diagonal corner (over-confident top left or
    /// under-confident bottom right) holds fewer reliability points, so it hides none.
    public static func legendCorner(_ metrics: MetricsDocument) -> Legend.Corner {
        let points = metrics.models.flatMap(\.reliability).compactMap { bin -> (x: Double, y: Double)? in
            guard bin.count > 0, let x = bin.meanPredicted, let y = bin.observedRate else { return nil }
            return (x, y)
        }
        let topLeft = points.filter { $0.x < 0.6 && $0.y > 0.55 }.count
        let bottomRight = points.filter { $0.x > 0.4 && $0.y < 0.45 }.count
        return bottomRight < topLeft ? .bottomRight : .topLeft
    }

    /// Grouped bars of cases per bin, under the reliability plot and on its x scale, with the
    /// count printed above each non-empty bar.
    private static func drawBinCounts(_ metrics: MetricsDocument, in rect: Rect, alignedWith top: Axes, on canvas: Canvas) {
        let maxCount = Double(metrics.models.flatMap { $0.reliability.map(\.count) }.max() ?? 1)
        let range = NiceScale.niceRange(from: 0, to: max(maxCount, 1) * 1.15, count: 3, integer: true)
        let ticks = NiceScale.ticks(from: range.lowerBound, to: range.upperBound, count: 3, integer: true)
        let noteHeight = FigureStyle.annotationFont.size * 1.6
        let plot = Rect(x: top.frame.minX, y: rect.minY + FigureStyle.annotationFont.size * 1.4,
                        width: top.frame.width, height: rect.height - noteHeight - FigureStyle.annotationFont.size * 1.4)
        let py: (Double) -> Double = { plot.maxY - ($0 - range.lowerBound) / (range.upperBound - range.lowerBound) * plot.height }
        for t in ticks where t > 0 {
            canvas.line(from: Point(x: plot.minX, y: py(t)), to: Point(x: plot.maxX, y: py(t)), stroke: FigureStyle.gridStroke)
        }
        let modelCount = Double(max(1, metrics.models.count))
        for (index, model) in metrics.models.enumerated() {
            for bin in model.reliability {
                let binWidth = (bin.upper - bin.lower) * plot.width
                let barWidth = binWidth * 0.8 / modelCount
                let x = plot.minX + bin.lower * plot.width + binWidth * 0.1 + Double(index) * barWidth
                let y = py(Double(bin.count))
                canvas.rect(Rect(x: x, y: y, width: barWidth, height: plot.maxY - y), fill: ModelNames.color(index))
                if bin.count > 0 {
                    canvas.text("\(bin.count)", at: Point(x: x + barWidth / 2, y: y - 1), font: FigureStyle.annotationFont,
                                align: .center, baseline: .bottom)
                }
            }
        }
        let axis = FigureStyle.axisStroke
        canvas.line(from: Point(x: plot.minX, y: plot.maxY), to: Point(x: plot.maxX, y: plot.maxY), stroke: axis)
        canvas.line(from: Point(x: plot.minX, y: plot.minY), to: Point(x: plot.minX, y: plot.maxY), stroke: axis)
        for t in ticks {
            canvas.line(from: Point(x: plot.minX - FigureStyle.tickLength, y: py(t)), to: Point(x: plot.minX, y: py(t)), stroke: axis)
            canvas.text(String(Int(t)), at: Point(x: plot.minX - FigureStyle.tickLength - 2, y: py(t)), font: FigureStyle.tickFont,
                        align: .right, baseline: .middle)
        }
        canvas.text("Cases", at: Point(x: rect.minX, y: plot.midY), font: FigureStyle.labelFont, align: .center, baseline: .top, rotation: -.pi / 2)
        canvas.text("Cases per bin of predicted P(\(metrics.positiveClass)), bins 0–0.1, …, 0.9–1.0", at: Point(x: plot.midX, y: rect.maxY),
                    font: FigureStyle.annotationFont, color: Ink.secondary, align: .center, baseline: .bottom)
    }
}

extension Figure {
    /// Each non-empty bin's Clopper-Pearson 95% band on its observed share (from
    /// metrics.calibration), drawn as a light vertical bar with caps at the bin's mean
    /// prediction; the two models are nudged apart so their bands do not overlap.
    static func drawReliabilityBands(_ metrics: MetricsDocument, on axes: Axes, canvas: Canvas) {
        guard let fits = metrics.calibration else { return }
        for (index, model) in metrics.models.enumerated() {
            guard let fit = fits.first(where: { $0.model == model.name }) else { continue }
            let color = ModelNames.color(index).lighter(0.45)
            let nudge = (Double(index) - Double(metrics.models.count - 1) / 2) * 1.6
            for (bin, band) in zip(model.reliability, fit.reliabilityCI) {
                guard let band, let mean = bin.meanPredicted else { continue }
                let x = axes.px(mean) + nudge
                let (low, high) = (axes.py(band.lower), axes.py(band.upper))
                let stroke = Stroke(color, width: 0.8)
                canvas.line(from: Point(x: x, y: low), to: Point(x: x, y: high), stroke: stroke)
                canvas.line(from: Point(x: x - 1.2, y: low), to: Point(x: x + 1.2, y: low), stroke: stroke)
                canvas.line(from: Point(x: x - 1.2, y: high), to: Point(x: x + 1.2, y: high), stroke: stroke)
            }
        }
    }
}

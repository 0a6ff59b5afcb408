import EUSRender
import EUSStats

extension Figure {
    /// The subgroup forest plot: for every subgroup (a manifest column's level, with its n and
    /// class counts) and every model, sensitivity, specificity and accuracy with Wilson 95% CIs
    /// and the AUC with its DeLong 95% CI, in four panels on a 0–100% scale. What a subgroup
    /// cannot define (one class only) is written "n/a" in its panel.
    public static func subgroupForest(_ analyses: [SubgroupAnalysis], models: [String]) -> Figure {
        let rows = analyses.reduce(0) { $0 + 1 + $1.groups.count * max(1, models.count) }
        return Figure(name: "subgroup_forest", width: .double, heightMillimetres: 24 + Double(rows) * 4.2) { canvas, size in
            SubgroupForestPlot(analyses: analyses, models: models, canvas: canvas, size: size).draw()
        }
    }
}

private struct SubgroupForestPlot {
    let analyses: [SubgroupAnalysis]
    let models: [String]
    let canvas: Canvas
    let outer: Rect
    let labelWidth: Double
    let panels: [Rect]
    let rowHeight: Double
    let top: Double
    static let titles = ["Sensitivity", "Specificity", "Accuracy", "AUC"]
    let tick = FigureStyle.tickFont

    init(analyses: [SubgroupAnalysis], models: [String], canvas: Canvas, size: Size) {
        self.analyses = analyses
        self.models = models
        self.canvas = canvas
        outer = Rect(x: 0, y: 0, width: size.width, height: size.height).inset(by: FigureStyle.margin)
        let labels = analyses.flatMap { a in a.groups.map { "\($0.label)  n=\($0.n) (\($0.positives)/\($0.negatives))" } + [a.column] }
        let widestModel = models.map { canvas.measure(ModelNames.display($0), font: FigureStyle.tickFont).width }.max() ?? 0
        labelWidth = min(outer.width * 0.34, (labels.map { canvas.measure($0, font: FigureStyle.tickFont).width }.max() ?? 40) + widestModel + 16)
        let headerHeight = 22.0, axisHeight = FigureStyle.tickFont.size * 1.4 + FigureStyle.labelFont.size * 1.5 + FigureStyle.tickLength + 2
        let area = outer, left = labelWidth
        top = area.minY + headerHeight
        let plotHeight = area.height - headerHeight - axisHeight
        let gap = 12.0
        let panelWidth = (area.width - left - gap * 3) / 4
        panels = (0..<4).map { k in
            Rect(x: area.minX + left + Double(k) * (panelWidth + gap), y: area.minY + headerHeight,
                 width: panelWidth, height: plotHeight)
        }
        let rows = analyses.reduce(0) { $0 + 1 + $1.groups.count * max(1, models.count) }
        rowHeight = plotHeight / Double(max(rows, 1))
    }

    func px(_ panel: Rect, _ value: Double) -> Double { panel.minX + value * panel.width }

    func draw() {
        let legend = Legend([(.lineWithMarker(Stroke(Ink.text, width: 1.2), marker: Ink.text),
                              "Estimate with 95% CI (Wilson; DeLong for AUC); n = cases (GIST/other)")])
        legend.fittedRow(width: outer.width, on: canvas).drawRow(on: canvas, at: Point(x: outer.minX, y: outer.minY + 4))
        for (k, panel) in panels.enumerated() {
            for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
                canvas.line(from: Point(x: px(panel, t), y: panel.minY), to: Point(x: px(panel, t), y: panel.maxY), stroke: FigureStyle.gridStroke)
            }
            canvas.text(Self.titles[k], at: Point(x: panel.midX, y: panel.minY - 2), font: Font(size: 7.5, bold: true),
                        align: .center, baseline: .bottom)
        }
        var row = 0
        for analysis in analyses {
            let y = top + (Double(row) + 0.5) * rowHeight
            canvas.text(analysis.column + (analysis.cut.map { _ in " (cut at the \(analysis.cutSource == "median" ? "median" : "given value"))" } ?? ""),
                        at: Point(x: outer.minX, y: y), font: Font(size: 7.5, bold: true), baseline: .middle)
            row += 1
            for group in analysis.groups {
                canvas.line(from: Point(x: outer.minX, y: top + Double(row) * rowHeight), to: Point(x: outer.maxX, y: top + Double(row) * rowHeight),
                            stroke: Stroke(Ink.grid, width: 0.4))
                for (m, model) in group.models.enumerated() {
                    drawRow(group: group, model: model, index: m, y: top + (Double(row) + 0.5) * rowHeight)
                    row += 1
                }
            }
        }
        drawAxes()
    }

    private func drawRow(group: SubgroupAnalysis.Group, model: SubgroupAnalysis.Model, index: Int, y: Double) {
        let color = ModelNames.color(index)
        if index == 0 {
            let text = TextLayout.truncate("\(group.label)  n=\(group.n) (\(group.positives)/\(group.negatives))", font: tick,
                                           width: labelWidth * 0.62, on: canvas)
            canvas.text(text, at: Point(x: outer.minX + 6, y: y), font: tick, baseline: .middle)
        }
        canvas.text(TextLayout.truncate(ModelNames.display(model.name), font: tick, width: labelWidth * 0.36, on: canvas),
                    at: Point(x: outer.minX + labelWidth - 4, y: y), font: tick, color: color, align: .right, baseline: .middle)
        let values: [(Double?, Interval?)] = [(model.sensitivity.value, model.sensitivity.wilson),
                                              (model.specificity.value, model.specificity.wilson),
                                              (model.accuracy.value, model.accuracy.wilson), (model.auc, model.aucCI)]
        for (panel, (value, interval)) in zip(panels, values) {
            guard let value else {
                canvas.text(MetricsText.notAvailable, at: Point(x: panel.midX, y: y), font: tick, color: Ink.secondary,
                            align: .center, baseline: .middle)
                continue
            }
            if let interval {
                canvas.line(from: Point(x: px(panel, interval.lower), y: y), to: Point(x: px(panel, interval.upper), y: y),
                            stroke: Stroke(color, width: 1.1))
            }
            canvas.circle(center: Point(x: px(panel, value), y: y), radius: 1.8, fill: color, stroke: Stroke(.white, width: 0.4))
        }
    }

    private func drawAxes() {
        let stroke = FigureStyle.axisStroke
        for panel in panels {
            canvas.line(from: Point(x: panel.minX, y: panel.maxY), to: Point(x: panel.maxX, y: panel.maxY), stroke: stroke)
            for t in [0.0, 0.5, 1.0] {
                let x = px(panel, t)
                canvas.line(from: Point(x: x, y: panel.maxY), to: Point(x: x, y: panel.maxY + FigureStyle.tickLength), stroke: stroke)
                // 0 and 100 lean into their panel so neighbouring panels' labels never touch.
                canvas.text(String(format: "%.0f", t * 100), at: Point(x: x, y: panel.maxY + FigureStyle.tickLength + 1.5), font: tick,
                            align: t == 0 ? .left : (t == 1 ? .right : .center), baseline: .top)
            }
        }
        canvas.text("Estimate with 95% CI (%)", at: Point(x: (panels[0].minX + panels[3].maxX) / 2, y: outer.maxY),
                    font: FigureStyle.labelFont, align: .center, baseline: .bottom)
    }
}

import EUSRender
import EUSStats

extension Figure {
    /// Each model's 2×2 table side by side: rows are the true class, columns the model's call;
    /// cells show the count and the row percentage, shaded by the row share.
    public static func confusion(_ metrics: MetricsDocument) -> Figure {
        let count = max(1, metrics.models.count)
        let width: ColumnWidth = count > 1 ? .double : .single
        return Figure(name: "confusion", width: width, heightMillimetres: 62) { canvas, size in
            let panelWidth = (size.width - 2 * FigureStyle.margin) / Double(count)
            for (index, model) in metrics.models.enumerated() {
                let panel = Rect(x: FigureStyle.margin + Double(index) * panelWidth, y: FigureStyle.margin,
                                 width: panelWidth, height: size.height - 2 * FigureStyle.margin)
                drawConfusion(model, index: index, metrics: metrics, in: panel.inset(left: index == 0 ? 0 : 8, right: 8), on: canvas)
            }
        }
    }

    private static func drawConfusion(_ model: ModelMetrics, index: Int, metrics: MetricsDocument, in panel: Rect, on canvas: Canvas) {
        let title = "\(ModelNames.display(model.name))"
        let labelFont = FigureStyle.labelFont, tick = FigureStyle.tickFont
        let positive = metrics.positiveClass, negative = metrics.negativeClass
        let rowLabelWidth = max(canvas.measure(positive, font: tick).width, canvas.measure(negative, font: tick).width)
        let left = panel.minX + labelFont.size * 1.4 + rowLabelWidth + 4
        let top = panel.minY + FigureStyle.titleFont.size * 1.6 + labelFont.size * 1.4 + tick.size * 1.4
        let grid = Rect(x: left, y: top, width: panel.maxX - left, height: panel.maxY - top)
        let side = min(grid.width, grid.height)
        let cells = Rect(x: grid.minX + (grid.width - side) / 2, y: grid.minY, width: side, height: side)
        let cell = side / 2
        let c = model.confusion
        let rows: [(label: String, counts: [Int])] = [(positive, [c.tp, c.fn]), (negative, [c.fp, c.tn])]
        let base = ModelNames.color(index)
        for (r, row) in rows.enumerated() {
            let total = row.counts.reduce(0, +)
            for (k, value) in row.counts.enumerated() {
                let share = total > 0 ? Double(value) / Double(total) : 0
                let rect = Rect(x: cells.minX + Double(k) * cell, y: cells.minY + Double(r) * cell, width: cell, height: cell)
                let isCorrect = r == k
                canvas.rect(rect, fill: base.withAlpha(0.08 + 0.6 * share), stroke: Stroke(.white, width: 1.5))
                let textColor = share > 0.55 ? Color.white : Ink.text
                canvas.text("\(value)", at: Point(x: rect.midX, y: rect.midY - 1), font: Font(size: 9, bold: true),
                            color: textColor, align: .center, baseline: .bottom)
                let percent = total > 0 ? MetricsText.decimal(share * 100, digits: 1) + "%" : MetricsText.notAvailable
                canvas.text("\(percent) of row", at: Point(x: rect.midX, y: rect.midY + 1), font: FigureStyle.annotationFont,
                            color: textColor, align: .center, baseline: .top)
                canvas.text(isCorrect ? (r == 0 ? "TP" : "TN") : (r == 0 ? "FN" : "FP"),
                            at: Point(x: rect.minX + 3, y: rect.minY + 3), font: FigureStyle.annotationFont,
                            color: textColor.withAlpha(0.8), baseline: .top)
            }
            canvas.text(row.label, at: Point(x: cells.minX - 3, y: cells.minY + (Double(r) + 0.5) * cell), font: tick,
                        align: .right, baseline: .middle)
        }
        let titleX = cells.minX - rowLabelWidth - 5 - labelFont.size * 1.4
        canvas.text(TextLayout.truncate(title, font: FigureStyle.titleFont, width: panel.maxX - titleX, on: canvas),
                    at: Point(x: titleX, y: panel.minY), font: FigureStyle.titleFont, baseline: .top)
        for (k, label) in [positive, negative].enumerated() {
            canvas.text(label, at: Point(x: cells.minX + (Double(k) + 0.5) * cell, y: cells.minY - 2), font: tick,
                        align: .center, baseline: .bottom)
        }
        canvas.text("Model call", at: Point(x: cells.midX, y: cells.minY - tick.size * 1.4 - 2), font: labelFont,
                    align: .center, baseline: .bottom)
        canvas.text("True class", at: Point(x: cells.minX - rowLabelWidth - 5 - labelFont.size * 1.4, y: cells.midY), font: labelFont, align: .center,
                    baseline: .top, rotation: -.pi / 2)
    }
}

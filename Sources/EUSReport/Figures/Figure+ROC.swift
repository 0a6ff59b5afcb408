import EUSRender
import EUSStats

extension Figure {
    /// ROC curves of every model on one axis with the chance diagonal, each model's operating
    /// point at the report's threshold, and "AUC 0.xxx (95% CI a–b)" (DeLong) in the legend.
    public static func roc(_ metrics: MetricsDocument) -> Figure {
        Figure(name: "roc", width: .single, heightMillimetres: 80) { canvas, size in
            let percent: (Double) -> String = { String(format: "%.1f", $0) }
            let axes = Axes(outer: Rect(x: 0, y: 0, width: size.width, height: size.height).inset(by: FigureStyle.margin),
                            x: AxisSpec(range: 0...1, label: "1 − specificity (false-positive rate)", format: percent),
                            y: AxisSpec(range: 0...1, label: "Sensitivity (true-positive rate)", format: percent),
                            on: canvas)
            axes.drawGrid(on: canvas)
            canvas.line(from: axes.point(0, 0), to: axes.point(1, 1), stroke: Stroke(Ink.secondary, width: 0.6, dash: [2, 2]))
            canvas.withClip(axes.frame.inset(by: -1)) {
                for (index, model) in metrics.models.enumerated() {
                    let points = zip(model.roc.fpr, model.roc.tpr).map { axes.point($0, $1) }
                    canvas.polyline(points, stroke: Stroke(ModelNames.color(index), width: FigureStyle.seriesWidth,
                                                           dash: index == 1 ? [4, 1.5] : []))
                }
            }
            for (index, model) in metrics.models.enumerated() {
                if let sensitivity = model.proportions.sensitivity.value, let specificity = model.proportions.specificity.value {
                    canvas.circle(center: axes.point(1 - specificity, sensitivity), radius: 2.2,
                                  fill: ModelNames.color(index), stroke: Stroke(.white, width: 0.6))
                }
            }
            let readerEntries = drawReaderPoints(metrics.readers, axes: axes, on: canvas)
            axes.drawFrame(on: canvas)
            var entries: [(symbol: Legend.Symbol, label: String)] = metrics.models.enumerated().map { index, model in
                let label = ModelNames.label(model.name, suffix: "  AUC \(MetricsText.decimal(model.auc.value, digits: 2)) (95% CI \(MetricsText.decimal(model.auc.delongCI.lower, digits: 2))–\(MetricsText.decimal(model.auc.delongCI.upper, digits: 2)))", width: axes.frame.width - 30, font: FigureStyle.legendFont, on: canvas)
                return (.lineWithMarker(Stroke(ModelNames.color(index), width: FigureStyle.seriesWidth, dash: index == 1 ? [4, 1.5] : []),
                                        marker: ModelNames.color(index)), label)
            }
            entries += readerEntries
            entries.append((.line(Stroke(Ink.secondary, width: 0.6, dash: [2, 2])), "Chance"))
            Legend(entries).draw(on: canvas, in: axes.frame, corner: .bottomRight)
        }
    }
}

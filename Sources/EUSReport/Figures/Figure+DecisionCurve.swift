import EUSRender
import EUSStats

extension Figure {
    /// The decision curve: net benefit against the threshold probability p_t for every model,
    /// treat all (grey) and treat none (black, 0). The y-range runs from a tenth of the
    /// prevalence below 0 up to just above the prevalence (the largest net benefit possible),
    /// so treat-all's plunge at high p_t leaves the frame instead of flattening the models.
    public static func decisionCurve(_ curve: DecisionCurve, positiveClass: String) -> Figure {
        Figure(name: "decision_curve", width: .single, heightMillimetres: 80) { canvas, size in
            let (lower, upper) = decisionCurveRange(curve)
            let axes = Axes(outer: Rect(x: 0, y: 0, width: size.width, height: size.height).inset(by: FigureStyle.margin),
                            x: AxisSpec(range: 0...1, label: "Threshold probability p_t for managing as \(positiveClass)",
                                        format: { String(format: "%.0f%%", $0 * 100) }),
                            y: AxisSpec(range: lower...upper, label: "Net benefit", tickCount: 5),
                            on: canvas)
            axes.drawGrid(on: canvas)
            let x = curve.thresholds
            canvas.withClip(axes.frame) {
                canvas.polyline(zip(x, curve.treatAll).map { axes.point($0, $1) }, stroke: Stroke(Ink.secondary.lighter(0.3), width: 1))
                canvas.line(from: axes.point(0, 0), to: axes.point(1, 0), stroke: Stroke(Ink.text, width: 0.9))
                for (index, model) in curve.models.enumerated() {
                    canvas.polyline(zip(x, model.netBenefit).map { axes.point($0, $1) },
                                    stroke: Stroke(ModelNames.color(index), width: FigureStyle.seriesWidth, dash: index == 1 ? [4, 1.5] : []))
                }
            }
            axes.drawFrame(on: canvas)
            var entries: [(symbol: Legend.Symbol, label: String)] = curve.models.enumerated().map { index, model in
                (.line(Stroke(ModelNames.color(index), width: FigureStyle.seriesWidth, dash: index == 1 ? [4, 1.5] : [])),
                 ModelNames.display(model.name))
            }
            entries.append((.line(Stroke(Ink.secondary.lighter(0.3), width: 1)), "Treat all as \(positiveClass)"))
            entries.append((.line(Stroke(Ink.text, width: 0.9)), "Treat none"))
            Legend(entries).fitted(width: axes.frame.width * 0.6, on: canvas).draw(on: canvas, in: axes.frame, corner: .topRight)
        }
    }

    /// [−max(0.1·π, 0.02), 1.1·max(π, largest net benefit)]: room for every model's useful part
    /// and treat none, with treat all's negative tail cut.
    static func decisionCurveRange(_ curve: DecisionCurve) -> (Double, Double) {
        let top = max(curve.prevalence, curve.models.flatMap(\.netBenefit).max() ?? 0) * 1.1
        return (-max(0.1 * curve.prevalence, 0.02), max(top, 0.05))
    }
}

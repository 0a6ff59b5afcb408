import EUSRender
import EUSStats

extension Figure {
    /// Per-fold accuracy and AUC of every network, side by side: each network is a column of
    /// points (one per fold, on that fold's held-out cases) with its mean as a bar, and a gray
    /// line joins the networks' values in the same fold, so lines that all slope one way show
    /// a network that wins every fold. Fold numbers label the last column.
    public static func folds(_ cv: CrossValidationSummary, modelOrder: [String]) -> Figure {
        Figure(name: "folds", width: .double, heightMillimetres: 62) { canvas, size in
            let outer = Rect(x: 0, y: 0, width: size.width, height: size.height).inset(by: FigureStyle.margin)
            let panelWidth = (outer.width - 16) / 2
            let panels: [(title: String, value: (CrossValidationFold.Model) -> Double?)] = [
                ("Accuracy", { $0.proportions.accuracy.value }), ("AUC", { $0.auc }),
            ]
            let names = modelOrder
            for (p, panel) in panels.enumerated() {
                let values = cv.perFold.flatMap { fold in fold.models.compactMap(panel.value) }.filter(\.isFinite)
                let lower = NiceScale.niceRange(from: min(values.min() ?? 0.5, 0.9) - 0.05, to: 1, count: 4).lowerBound
                let range = max(0, lower)...1
                let rect = Rect(x: outer.minX + Double(p) * (panelWidth + 16), y: outer.minY, width: panelWidth, height: outer.height)
                let x = AxisSpec(range: -0.45...(Double(names.count) - 0.55),
                                 ticks: names.enumerated().map { (Double($0.offset), ModelNames.display($0.element)) }, label: "")
                let axes = Axes(outer: rect, x: x, y: AxisSpec(range: range, label: panel.title, tickCount: 4),
                                title: panel.title, on: canvas, rightPadding: 14)
                axes.drawGrid(on: canvas, vertical: false)
                var labels: [(text: String, at: Point)] = []
                for fold in cv.perFold {
                    let points = names.enumerated().compactMap { index, name -> Point? in
                        guard let model = fold.models.first(where: { $0.name == name }), let v = panel.value(model), v.isFinite else { return nil }
                        return axes.point(Double(index), v)
                    }
                    canvas.polyline(points, stroke: Stroke(Ink.secondary.lighter(0.45), width: 0.6))
                    if let last = points.last, points.count == names.count {
                        labels.append((cv.repeats > 1 ? "\(fold.repeatNumber).\(fold.fold)" : "\(fold.fold)", last))
                    }
                }
                // Fold numbers beside the last column, pushed apart where values (nearly) tie.
                let spacing = FigureStyle.annotationFont.size * 1.05
                var previous = -Double.infinity
                for label in labels.sorted(by: { ($0.at.y, $0.text) < ($1.at.y, $1.text) }) {
                    let y = max(label.at.y, previous + spacing)
                    previous = y
                    canvas.text(label.text, at: Point(x: label.at.x + 9, y: y), font: FigureStyle.annotationFont,
                                color: Ink.secondary, baseline: .middle)
                }
                for (index, name) in names.enumerated() {
                    let color = ModelNames.color(index)
                    let ys = cv.perFold.compactMap { fold in fold.models.first { $0.name == name }.flatMap(panel.value) }.filter(\.isFinite)
                    for v in ys { canvas.circle(center: axes.point(Double(index), v), radius: 1.6, fill: color) }
                    if !ys.isEmpty {
                        let mean = ys.reduce(0, +) / Double(ys.count)
                        let centre = axes.point(Double(index), mean)
                        canvas.line(from: Point(x: centre.x - 7, y: centre.y), to: Point(x: centre.x + 7, y: centre.y),
                                    stroke: Stroke(color, width: 1.4))
                    }
                }
                axes.drawFrame(on: canvas)
            }
        }
    }
}

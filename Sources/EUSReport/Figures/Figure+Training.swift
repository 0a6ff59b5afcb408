import EUSRender
import EUSStats

extension Figure {
    /// Training loss and accuracy per epoch for every model with a history, side by side;
    /// validation columns (`val_loss`, `val_accuracy`), when present, are dashed.
    public static func training(_ histories: [TrainingHistory], modelOrder: [String]) -> Figure {
        Figure(name: "training", width: .double, heightMillimetres: 62) { canvas, size in
            let outer = Rect(x: 0, y: 0, width: size.width, height: size.height).inset(by: FigureStyle.margin)
            let legendHeight = 12.0
            let panelWidth = (outer.width - 12) / 2
            let maxEpoch = histories.flatMap(\.epochs).max() ?? 1
            let minEpoch = min(0, histories.flatMap(\.epochs).min() ?? 0)
            let epochRange = minEpoch...max(maxEpoch, minEpoch + 1)
            let panels: [(title: String, columns: [String], range: ClosedRange<Double>?, label: String)] = [
                ("Loss", ["train_loss", "val_loss"], nil, "Cross-entropy loss"),
                ("Accuracy", ["train_accuracy", "val_accuracy"], 0...1, "Accuracy"),
            ]
            for (p, panel) in panels.enumerated() {
                let values = histories.flatMap { h in panel.columns.compactMap { h.values($0) }.flatMap { $0 } }.filter(\.isFinite)
                let range = panel.range ?? NiceScale.niceRange(from: 0, to: max(values.max() ?? 1, 1e-3), count: 4)
                let rect = Rect(x: outer.minX + Double(p) * (panelWidth + 12), y: outer.minY + legendHeight, width: panelWidth, height: outer.height - legendHeight)
                let axes = Axes(outer: rect, x: AxisSpec(range: epochRange, label: "Epoch", tickCount: 5, integer: true, format: { String(Int($0.rounded())) }),
                                y: AxisSpec(range: range, label: panel.label, tickCount: 4), title: panel.title, on: canvas)
                axes.drawGrid(on: canvas, vertical: false)
                for history in histories {
                    let color = ModelNames.color(modelOrder.firstIndex(of: history.model) ?? 0)
                    for (c, column) in panel.columns.enumerated() {
                        guard let ys = history.values(column) else { continue }
                        let points = zip(history.epochs, ys).filter { $1.isFinite }.map { axes.point($0, $1) }
                        canvas.polyline(points, stroke: Stroke(color, width: FigureStyle.seriesWidth, dash: c == 1 ? [3, 1.5] : []))
                        if points.count <= 30 { for point in points { canvas.circle(center: point, radius: 1.3, fill: color) } }
                    }
                }
                axes.drawFrame(on: canvas)
            }
            var entries: [(symbol: Legend.Symbol, label: String)] = histories.map { history in
                (.lineWithMarker(Stroke(ModelNames.color(modelOrder.firstIndex(of: history.model) ?? 0), width: FigureStyle.seriesWidth),
                                 marker: ModelNames.color(modelOrder.firstIndex(of: history.model) ?? 0)), ModelNames.display(history.model))
            }
            if histories.contains(where: { $0.values("val_loss") != nil || $0.values("val_accuracy") != nil }) {
                entries.append((.line(Stroke(Ink.secondary, width: FigureStyle.seriesWidth)), "Training set"))
                entries.append((.line(Stroke(Ink.secondary, width: FigureStyle.seriesWidth, dash: [3, 1.5])), "Validation set"))
            }
            let legend = Legend(entries).fittedRow(width: outer.width * 0.8, on: canvas)
            legend.drawRow(on: canvas, at: Point(x: outer.maxX - legend.rowWidth(on: canvas), y: outer.minY + 4))
        }
    }
}

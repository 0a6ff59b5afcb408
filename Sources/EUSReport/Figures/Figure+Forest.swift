import EUSRender
import EUSStats

extension Figure {
    /// The five proportions of every model with 95% intervals: the point estimate carries its
    /// Wilson interval (dark line and dot), and the Wald interval (the study's convention) is
    /// drawn lighter just below it. The right column prints the Wilson values.
    public static func forest(_ metrics: MetricsDocument) -> Figure {
        let names = ["sensitivity": "Sensitivity", "specificity": "Specificity", "ppv": "PPV", "npv": "NPV", "accuracy": "Accuracy"]
        let modelCount = max(1, metrics.models.count)
        let rows = 5 * modelCount
        let height = 22 + Double(rows) * 5.0 + 4 * 2.0
        return Figure(name: "forest", width: .double, heightMillimetres: height) { canvas, size in
            let outer = Rect(x: 0, y: 0, width: size.width, height: size.height).inset(by: FigureStyle.margin)
            let tick = FigureStyle.tickFont, label = FigureStyle.labelFont
            let metricWidth = names.values.map { canvas.measure($0, font: label).width }.max()! + 8
            let modelWidth = min(outer.width * 0.24, (metrics.models.map { canvas.measure(ModelNames.display($0.name), font: tick).width }.max() ?? 0) + 8)
            let valueSample = "100.00% (100.00%–100.00%)  14/14"
            let valueWidth = canvas.measure(valueSample, font: tick).width + 4
            let headerHeight = 24.0
            let plot = Rect(x: outer.minX + metricWidth + modelWidth, y: outer.minY + headerHeight,
                            width: outer.width - metricWidth - modelWidth - valueWidth - 8,
                            height: outer.height - headerHeight - tick.size * 1.4 - label.size * 1.5 - FigureStyle.tickLength - 2)
            let frame = Rect(x: plot.minX + 4, y: plot.minY, width: plot.width - 8, height: plot.height)
            let px: (Double) -> Double = { frame.minX + $0 * frame.width }
            let ticks = NiceScale.ticks(from: 0, to: 1, count: 5)
            let rowHeight = frame.height / Double(rows)
            for t in ticks {
                canvas.line(from: Point(x: px(t), y: frame.minY), to: Point(x: px(t), y: frame.maxY), stroke: FigureStyle.gridStroke)
            }
            // Models are named on their rows, so the legend explains only the two interval styles.
            let legend = Legend([(.lineWithMarker(Stroke(Ink.text, width: 1.4), marker: Ink.text), "Point estimate with Wilson 95% CI"),
                                 (.line(Stroke(Ink.text.lighter(0.6), width: 1)), "Wald 95% CI")])
            legend.fittedRow(width: outer.width, on: canvas).drawRow(on: canvas, at: Point(x: outer.minX, y: outer.minY + 5))
            canvas.text("Wilson estimate (95% CI)  x/n", at: Point(x: outer.maxX, y: frame.minY - 3), font: Font(size: 7, bold: true), align: .right, baseline: .bottom)
            for (m, key) in ["sensitivity", "specificity", "ppv", "npv", "accuracy"].enumerated() {
                let groupTop = frame.minY + Double(m * modelCount) * rowHeight
                if m > 0 { canvas.line(from: Point(x: outer.minX, y: groupTop), to: Point(x: outer.maxX, y: groupTop), stroke: Stroke(Ink.grid, width: 0.4)) }
                canvas.text(names[key]!, at: Point(x: outer.minX, y: groupTop + rowHeight * Double(modelCount) / 2), font: label, baseline: .middle)
                for (k, model) in metrics.models.enumerated() {
                    let summary = model.proportions.ordered[m].value
                    let y = groupTop + (Double(k) + 0.5) * rowHeight
                    let color = ModelNames.color(k)
                    let name = TextLayout.truncate(ModelNames.display(model.name), font: tick, width: modelWidth - 6, on: canvas)
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
            }
            canvas.line(from: Point(x: frame.minX, y: frame.maxY), to: Point(x: frame.maxX, y: frame.maxY), stroke: FigureStyle.axisStroke)
            for t in ticks {
                let x = px(t)
                canvas.line(from: Point(x: x, y: frame.maxY), to: Point(x: x, y: frame.maxY + FigureStyle.tickLength), stroke: FigureStyle.axisStroke)
                canvas.text(String(format: "%.0f", t * 100), at: Point(x: x, y: frame.maxY + FigureStyle.tickLength + 1.5), font: tick, align: .center, baseline: .top)
            }
            canvas.text("Estimate with 95% CI (%)", at: Point(x: frame.midX, y: outer.maxY), font: label, align: .center, baseline: .bottom)
        }
    }
}

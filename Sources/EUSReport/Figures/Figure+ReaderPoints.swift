import EUSRender
import EUSStats

extension Figure {
    /// Each reader as a labelled square at (1 − specificity, sensitivity) on the ROC axes:
    /// filled for an unaided reading, open for an AI-assisted one, with a thin arrow from the
    /// reader's unaided point to its assisted point. Returns the legend entry, or none without
    /// readers. A reader with no positives or no negatives read has no point.
    static func drawReaderPoints(_ readers: ReaderAnalysis?, axes: Axes, on canvas: Canvas) -> [(symbol: Legend.Symbol, label: String)] {
        guard let readers, !readers.readers.isEmpty else { return [] }
        func point(_ reader: ReaderMetrics) -> Point? {
            guard let sensitivity = reader.proportions.sensitivity.value, let specificity = reader.proportions.specificity.value else { return nil }
            return axes.point(1 - specificity, sensitivity)
        }
        let side = 3.2
        for reader in readers.readers where reader.assisted {
            let base = readers.readers.first { !$0.assisted && $0.name + ReaderColumn.assistedSuffix == reader.name }
            if let from = base.flatMap(point), let to = point(reader), from != to {
                canvas.line(from: from, to: to, stroke: Stroke(Ink.secondary, width: 0.5, dash: [1.5, 1]))
            }
        }
        var taken: [Rect] = readers.readers.compactMap(point).map { Rect(x: $0.x - side / 2, y: $0.y - side / 2, width: side, height: side) }
        for reader in readers.readers {
            guard let center = point(reader) else { continue }
            let square = Rect(x: center.x - side / 2, y: center.y - side / 2, width: side, height: side)
            canvas.rect(square, fill: reader.assisted ? .white : Ink.text, stroke: Stroke(Ink.text, width: 0.7))
            let name = reader.assisted ? String(reader.name.dropLast(ReaderColumn.assistedSuffix.count)) + "+AI" : reader.name
            let label = labelRect(name, beside: center, gap: side * 0.75, avoiding: taken, within: axes.frame, on: canvas)
            taken.append(label)
            canvas.text(name, at: Point(x: label.x, y: label.maxY), font: FigureStyle.annotationFont, color: Ink.text,
                        align: .left, baseline: .bottom)
        }
        let assisted = readers.readers.contains { $0.assisted }
        return [(.box(Ink.text), assisted ? "Readers (■ unaided, □ with AI)" : "Readers")]
    }

    /// Where a point's label goes: of the places right, left, above and below the point (one
    /// and two lines away), the first inside the plot and clear of the labels and markers
    /// already placed; when none is clear, the one inside the plot that overlaps them least.
    static func labelRect(_ text: String, beside center: Point, gap: Double, avoiding taken: [Rect], within frame: Rect,
                          on canvas: Canvas) -> Rect {
        let m = canvas.measure(text, font: FigureStyle.annotationFont)
        let (w, h) = (m.width, m.height)
        var offsets: [(Double, Double)] = [(gap, -h / 2), (-gap - w, -h / 2)]
        for rows in [1.0, 2.0] {
            for dx in [gap, -gap - w, -w / 2] {
                offsets += [(dx, -gap - rows * h), (dx, gap + (rows - 1) * h)]
            }
        }
        let candidates = offsets.map { Rect(x: center.x + $0.0, y: center.y + $0.1, width: w, height: h) }
        func overlap(_ r: Rect) -> Double {
            taken.reduce(0) { sum, t in
                sum + max(0, min(t.maxX, r.maxX) - max(t.x, r.x)) * max(0, min(t.maxY, r.maxY) - max(t.y, r.y))
            }
        }
        let inside = candidates.filter { $0.x >= frame.x && $0.maxX <= frame.maxX && $0.y >= frame.y && $0.maxY <= frame.maxY }
        if let clear = inside.first(where: { overlap($0) == 0 }) { return clear }
        return (inside.isEmpty ? candidates : inside).min { overlap($0) < overlap($1) }!
    }
}

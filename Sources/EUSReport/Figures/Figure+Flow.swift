import EUSRender
import EUSStats
import Foundation

/// The counts a STARD-style flow diagram shows.
public struct FlowCounts: Sendable {
    public var positiveClass: String
    public var negativeClass: String
    /// Cases per partition per class, when the evaluation recorded the split.
    public var partitions: [String: [String: Int]]
    public var excluded: Int?
    public var splitDescription: String?
    /// Evaluated cases per class (from the predictions).
    public var evaluated: [String: Int]
    /// Per model: its name and its 2×2 table on the evaluated cases.
    public var models: [(name: String, confusion: ConfusionCounts)]
    /// Cases per class in each fold of the first repeat, for out-of-fold predictions.
    public var folds: [[String: Int]]?
    /// How the folds were made, and how many repeats.
    public var foldDescription: String?

    public init(input: ReportInput) {
        positiveClass = input.metrics.positiveClass
        negativeClass = input.metrics.negativeClass
        partitions = input.evaluation?.counts ?? [:]
        excluded = input.evaluation?.excluded
        let split = Dictionary(input.evaluation?.split ?? [], uniquingKeysWith: { a, _ in a })
        splitDescription = split.isEmpty ? nil : [split["method"], split["ratio"].map { "ratio \($0)" }, split["seed"].map { "seed \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
        evaluated = Dictionary(grouping: input.cases, by: \.label).mapValues(\.count)
        models = input.metrics.models.map { ($0.name, $0.confusion) }
        if let cv = input.metrics.crossValidation {
            let (p, n) = (positiveClass, negativeClass)
            folds = cv.perFold.filter { $0.repeatNumber == cv.perFold.first?.repeatNumber }.map { [p: $0.nPositive, n: $0.nNegative] }
            foldDescription = (input.evaluation?.crossValidation?.method ?? "stratified \(cv.folds)-fold")
                + (cv.repeats > 1 ? "; first of \(cv.repeats) repeats shown" : "")
        }
    }
}

extension Figure {
    /// A STARD-style flow diagram: cases → exclusions → split → training and validation sets →
    /// each model's calls on the validation set, with counts per class at every step.
    public static func flow(_ counts: FlowCounts) -> Figure {
        // Lay the diagram out once on a scratch canvas to learn its height.
        let width = Units.points(millimetres: ColumnWidth.double.millimetres)
        let scratch = Canvas(kind: .svg, size: Size(width: width, height: 2000))
        let used = FlowDiagram(counts: counts, canvas: scratch, size: Size(width: width, height: 2000)).draw()
        _ = try? scratch.finish()
        return Figure(name: "flow", width: .double, heightMillimetres: Units.millimetres(points: used + FigureStyle.margin)) { canvas, size in
            FlowDiagram(counts: counts, canvas: canvas, size: size).draw()
        }
    }
}

private struct FlowDiagram {
    let counts: FlowCounts
    let canvas: Canvas
    let size: Size
    let font = Font(size: 7.5)
    let bold = Font(size: 7.5, bold: true)
    let gap = 14.0

    func classes(_ map: [String: Int]) -> String {
        "\(counts.positiveClass) \(map[counts.positiveClass] ?? 0), \(counts.negativeClass) \(map[counts.negativeClass] ?? 0)"
    }

    func total(_ map: [String: Int]) -> Int { map.values.reduce(0, +) }

    /// A box whose first line is bold; returns its rectangle.
    @discardableResult
    func box(_ title: String, _ body: String, centerX: Double, top: Double, width: Double, emphasis: Color? = nil) -> Rect {
        let inner = width - 10
        let height = 8 + canvas.paragraphHeight(title, width: inner, font: bold) + (body.isEmpty ? 0 : canvas.paragraphHeight(body, width: inner, font: font))
        let rect = Rect(x: centerX - width / 2, y: top, width: width, height: height)
        canvas.rect(rect, fill: (emphasis ?? Ink.secondary).lighter(0.93), stroke: Stroke(emphasis ?? Ink.secondary, width: 0.7), cornerRadius: 2)
        let used = canvas.paragraph(title, at: Point(x: rect.minX + 5, y: rect.minY + 4), width: inner, font: bold, align: .center)
        canvas.paragraph(body, at: Point(x: rect.minX + 5, y: rect.minY + 4 + used), width: inner, font: font, align: .center)
        return rect
    }

    func arrow(from a: Point, to b: Point) {
        let stroke = Stroke(Ink.axis, width: 0.7)
        let length = 4.0, half = 2.0
        let angle = atan2(b.y - a.y, b.x - a.x)
        canvas.line(from: a, to: Point(x: b.x - (length - 1) * cos(angle), y: b.y - (length - 1) * sin(angle)), stroke: stroke)
        let left = Point(x: b.x - length * cos(angle) + half * sin(angle), y: b.y - length * sin(angle) - half * cos(angle))
        let right = Point(x: b.x - length * cos(angle) - half * sin(angle), y: b.y - length * sin(angle) + half * cos(angle))
        canvas.polygon([b, left, right], fill: Ink.axis)
    }

    /// An elbow connector: down from `a`, across, and down into `b`.
    func elbow(from a: Point, to b: Point) {
        let midY = (a.y + b.y) / 2
        canvas.polyline([a, Point(x: a.x, y: midY), Point(x: b.x, y: midY)], stroke: Stroke(Ink.axis, width: 0.7))
        arrow(from: Point(x: b.x, y: midY), to: b)
    }

    /// Draws the diagram and returns the bottom of its lowest box.
    @discardableResult
    func draw() -> Double {
        let w = size.width
        var y = FigureStyle.margin
        let mainX = w * 0.40
        let validationX = w * 0.62
        if let folds = counts.folds { return drawFolds(folds, top: y) }
        let training = counts.partitions["train"] ?? counts.partitions["training"]
        let validation = counts.partitions["validation"] ?? counts.partitions["val"]
        if let training, let validation {
            var all = training
            for (k, v) in validation { all[k, default: 0] += v }
            let top = box("Cases with one EUS image each", "n = \(total(all) + (counts.excluded ?? 0)) before exclusions", centerX: mainX, top: y, width: w * 0.36)
            if let excluded = counts.excluded {
                let side = box("Excluded", "n = \(excluded) (unreadable or non-image files)", centerX: w * 0.84, top: y, width: w * 0.26)
                arrow(from: Point(x: top.maxX, y: top.midY), to: Point(x: side.minX, y: top.midY))
            }
            y = top.maxY + gap
            let eligible = box("Eligible cases", "n = \(total(all)) (\(classes(all)))", centerX: mainX, top: y, width: w * 0.36)
            arrow(from: Point(x: mainX, y: top.maxY), to: Point(x: mainX, y: eligible.minY))
            y = eligible.maxY + gap
            let split = box("Split", counts.splitDescription ?? "stratified single hold-out", centerX: mainX, top: y, width: w * 0.36)
            arrow(from: Point(x: mainX, y: eligible.maxY), to: Point(x: mainX, y: split.minY))
            y = split.maxY + gap
            let trainingX = w * 0.17
            let trainBox = box("Training set", "n = \(total(training)) (\(classes(training)))\nfits both models", centerX: trainingX, top: y, width: w * 0.30)
            let validationBox = box("Validation set", "n = \(total(validation)) (\(classes(validation)))", centerX: validationX, top: y, width: w * 0.30)
            elbow(from: Point(x: mainX, y: split.maxY), to: Point(x: trainingX, y: trainBox.minY))
            elbow(from: Point(x: mainX, y: split.maxY), to: Point(x: validationX, y: validationBox.minY))
            y = max(trainBox.maxY, validationBox.maxY) + gap
            return drawModels(from: Point(x: validationX, y: validationBox.maxY), top: y, centerX: validationX)
        } else {
            let top = box("Cases in the predictions file", "n = \(total(counts.evaluated)) (\(classes(counts.evaluated)))", centerX: w * 0.38, top: y, width: w * 0.40)
            let note = box("Not recorded in this input", "how the cases were selected and split (an evaluation folder gives the full flow)",
                           centerX: w * 0.82, top: y, width: w * 0.30)
            canvas.line(from: Point(x: top.maxX, y: top.midY), to: Point(x: note.minX, y: top.midY), stroke: Stroke(Ink.secondary, width: 0.7, dash: [2, 2]))
            y = max(top.maxY, note.maxY) + gap
            return drawModels(from: Point(x: w * 0.38, y: top.maxY), top: y, centerX: w * 0.38)
        }
    }

    /// Cases → exclusions → k folds, side by side → out-of-fold predictions → each model's calls.
    func drawFolds(_ folds: [[String: Int]], top start: Double) -> Double {
        let w = size.width
        var y = start
        let mainX = w * 0.40
        var all: [String: Int] = [:]
        for fold in folds { for (k, v) in fold { all[k, default: 0] += v } }
        let top = box("Cases with one EUS image each", "n = \(total(all) + (counts.excluded ?? 0)) before exclusions", centerX: mainX, top: y, width: w * 0.36)
        if let excluded = counts.excluded {
            let side = box("Excluded", "n = \(excluded) (unreadable or non-image files)", centerX: w * 0.84, top: y, width: w * 0.26)
            arrow(from: Point(x: top.maxX, y: top.midY), to: Point(x: side.minX, y: top.midY))
        }
        y = top.maxY + gap
        let split = box("\(folds.count) folds", "n = \(total(all)) (\(classes(all)))\n\(counts.foldDescription ?? "")", centerX: mainX, top: y, width: w * 0.44)
        arrow(from: Point(x: mainX, y: top.maxY), to: Point(x: mainX, y: split.minY))
        y = split.maxY + gap
        let usable = w - 2 * FigureStyle.margin
        let width = min(w * 0.22, usable / Double(folds.count) - 6)
        let span = (width + 6) * Double(folds.count) - 6
        var x = (w - span) / 2 + width / 2
        var bottom = y
        var centres: [Double] = []
        for (index, fold) in folds.enumerated() {
            let rect = box("Fold \(index + 1)", "n = \(total(fold))\n\(counts.positiveClass) \(fold[counts.positiveClass] ?? 0), \(counts.negativeClass) \(fold[counts.negativeClass] ?? 0)",
                           centerX: x, top: y, width: width)
            elbow(from: Point(x: mainX, y: split.maxY), to: Point(x: x, y: rect.minY))
            bottom = max(bottom, rect.maxY)
            centres.append(x)
            x += width + 6
        }
        y = bottom + gap
        let pooled = box("Out-of-fold predictions", "each fold predicted by networks trained on the other \(folds.count - 1) fold\(folds.count == 2 ? "" : "s")\nn = \(total(all)) (\(classes(all)))",
                         centerX: mainX, top: y, width: w * 0.50)
        for centre in centres { elbow(from: Point(x: centre, y: bottom), to: Point(x: mainX, y: pooled.minY)) }
        return drawModels(from: Point(x: mainX, y: pooled.maxY), top: pooled.maxY + gap, centerX: mainX)
    }

    /// One box per model under the validation set: how many it called positive and negative,
    /// broken down by the true class (the reference standard).
    func drawModels(from anchor: Point, top: Double, centerX: Double) -> Double {
        let count = Double(max(1, counts.models.count))
        let width = min(size.width * 0.30, (size.width - 2 * FigureStyle.margin) / count - 8)
        let span = (width + 10) * count - 10
        var x = min(max(centerX - span / 2, FigureStyle.margin), size.width - FigureStyle.margin - span) + width / 2
        var bottom = top
        for (index, model) in counts.models.enumerated() {
            let c = model.confusion
            let body = "evaluated n = \(c.tp + c.fn + c.tn + c.fp)\ncalled \(counts.positiveClass) \(c.tp + c.fp): \(c.tp) \(counts.positiveClass), \(c.fp) \(counts.negativeClass)\ncalled \(counts.negativeClass) \(c.tn + c.fn): \(c.tn) \(counts.negativeClass), \(c.fn) \(counts.positiveClass)"
            let rect = box(ModelNames.display(model.name), body, centerX: x, top: top, width: width, emphasis: ModelNames.color(index))
            elbow(from: anchor, to: Point(x: x, y: rect.minY))
            bottom = max(bottom, rect.maxY)
            x += width + 10
        }
        return bottom
    }
}

import EUSImage
import EUSRender
import EUSStats

/// One case drawn as a row of images, the case image then each model's Grad-CAM overlay, with
/// the true class above and each model's P(positive) and call below. The gallery figure, the
/// report's gallery pages and the misclassified-case audit all draw cases with it.
struct CasePanel {
    /// The case images and overlays are photographs: the PDF and SVG embed them as JPEG at
    /// this quality, and the HTML's pictures are JPEG at it too. At 90 (4:4:4) an overlay's
    /// colour map keeps clean edges and a scan its speckle, at a fraction of the lossless size.
    static let jpegQuality = 90

    let item: ReportCase
    let input: ReportInput
    var captionFont = Font(size: 7)
    var headerFont = Font(size: 7.5, bold: true)

    /// The panel's height for a given width: header + square tiles + two caption lines.
    func height(width: Double) -> Double {
        headerFont.size * 1.5 + tileSide(width: width) + captionFont.size * 2.6 + 2
    }

    func tileSide(width: Double) -> Double {
        let tiles = Double(1 + input.modelNames.count)
        return (width - 3 * (tiles - 1)) / tiles
    }

    func draw(on canvas: Canvas, in rect: Rect) {
        let threshold = input.threshold
        let wrongByAny = item.misclassifiedByAny(threshold: threshold)
        let header = "\(item.id) · true \(item.label)" + (wrongByAny ? " · misclassified" : "")
        let fitted = TextLayout.fit(header, font: headerFont, width: rect.width, minimumSize: 6.5, on: canvas)
        canvas.text(TextLayout.truncate(header, font: fitted, width: rect.width, on: canvas), at: Point(x: rect.minX, y: rect.minY),
                    font: fitted, color: wrongByAny ? OkabeIto.vermillion : Ink.text, baseline: .top)
        let side = tileSide(width: rect.width)
        let top = rect.minY + headerFont.size * 1.5
        let calls = item.calls(threshold: threshold), correct = item.correct(threshold: threshold)
        var tiles: [(image: RGBImage?, caption: String, detail: String, color: Color)] = [
            (input.images.image(for: item), "Image", "", Ink.text)
        ]
        for (index, name) in input.modelNames.enumerated() {
            let call = calls[index] ? input.metrics.positiveClass : input.metrics.negativeClass
            tiles.append((input.images.overlay(model: name, caseID: item.id), ModelNames.display(name),
                          "\(MetricsText.probability(item.probabilities[index], threshold: threshold)) → \(call) \(correct[index] ? "✓" : "✗")",
                          correct[index] ? ModelNames.color(index) : OkabeIto.vermillion))
        }
        for (t, tile) in tiles.enumerated() {
            let box = Rect(x: rect.minX + Double(t) * (side + 3), y: top, width: side, height: side)
            drawTile(tile.image, in: box, on: canvas)
            let captionY = box.maxY + 1.5
            let caption = TextLayout.truncate(tile.caption, font: captionFont, width: side, on: canvas)
            canvas.text(caption, at: Point(x: box.midX, y: captionY), font: captionFont, color: t == 0 ? Ink.secondary : ModelNames.color(t - 1),
                        align: .center, baseline: .top)
            if !tile.detail.isEmpty {
                let font = TextLayout.fit(tile.detail, font: Font(size: 7, bold: !correct[t - 1]), width: side, minimumSize: 6.5, on: canvas)
                canvas.text(tile.detail, at: Point(x: box.midX, y: captionY + captionFont.size * 1.25), font: font,
                            color: correct[t - 1] ? Ink.text : OkabeIto.vermillion, align: .center, baseline: .top)
            }
        }
    }

    private func drawTile(_ image: RGBImage?, in box: Rect, on canvas: Canvas) {
        guard let image else {
            canvas.rect(box, fill: Ink.faint, stroke: Stroke(Ink.grid, width: 0.5))
            canvas.paragraph("not available", at: Point(x: box.minX + 2, y: box.midY - 4), width: box.width - 4,
                             font: Font(size: 6.5, italic: true), color: Ink.secondary, align: .center)
            return
        }
        canvas.rect(box, fill: .black)
        canvas.image(image, in: box.aspectFit(width: Double(image.width), height: Double(image.height)),
                     encoding: .jpeg(quality: CasePanel.jpegQuality))
    }
}

extension Figure {
    /// Validation cases in a grid, each as image + one Grad-CAM overlay per model with the
    /// true class and each model's P(positive) and call. Misclassified cases come first; at most
    /// `limit` cases (7 rows, about 225 mm) fit a journal page; the report shows every case.
    public static func gradcamGallery(_ input: ReportInput, limit: Int = 21) -> Figure {
        let ordered = (input.misclassified + input.cases.filter { !$0.misclassifiedByAny(threshold: input.threshold) }).prefix(limit)
        let columns = input.modelNames.count > 2 ? 2 : 3
        let width = Units.points(millimetres: ColumnWidth.double.millimetres)
        let cellWidth = (width - 2 * FigureStyle.margin - Double(columns - 1) * 8) / Double(columns)
        let cellHeight = CasePanel(item: input.cases[0], input: input).height(width: cellWidth) + 6
        let rows = (ordered.count + columns - 1) / columns
        let heightPoints = Double(rows) * cellHeight + 2 * FigureStyle.margin + 12
        let kind = input.metrics.crossValidation == nil ? "validation" : "out-of-fold"
        return Figure(name: "gradcam_gallery", width: .double, heightMillimetres: Units.millimetres(points: heightPoints)) { canvas, size in
            let cases = ordered.count < input.cases.count
                ? "\(ordered.count) of \(input.cases.count) \(kind) cases (misclassified first; the report shows every case)."
                : "All \(input.cases.count) \(kind) cases, misclassified first."
            let note = cases + " Under each overlay: P(\(input.metrics.positiveClass)) → the model's call, ✓ right, ✗ wrong."
            canvas.text(note, at: Point(x: FigureStyle.margin, y: FigureStyle.margin), font: FigureStyle.annotationFont, color: Ink.secondary, baseline: .top)
            for (index, item) in ordered.enumerated() {
                let rect = Rect(x: FigureStyle.margin + Double(index % columns) * (cellWidth + 8),
                                y: FigureStyle.margin + 12 + Double(index / columns) * cellHeight, width: cellWidth, height: cellHeight - 6)
                CasePanel(item: item, input: input).draw(on: canvas, in: rect)
            }
        }
    }
}

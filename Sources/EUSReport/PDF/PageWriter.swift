import EUSRender

/// Lays blocks of text, tables and figures out on A4 pages of a Cairo PDF: keeps a cursor,
/// breaks pages before content that would not fit, and draws the running header (with the
/// synthetic-data banner) and the "Page N of M" footer on every page.
final class PageWriter {
    static let a4 = Size(width: 595.28, height: 841.89)
    let canvas: Canvas
    let content: Rect
    let runningTitle: String
    let banner: String?
    let totalPages: Int?
    private(set) var page = 1
    var y: Double

    static let body = Font(size: 9.5)
    static let small = Font(size: 8)
    static let heading = Font(size: 15, bold: true)
    static let subheading = Font(size: 10.5, bold: true)

    init(runningTitle: String, banner: String?, totalPages: Int?) {
        canvas = Canvas(kind: .pdf, size: PageWriter.a4)
        content = Rect(x: 52, y: 58, width: PageWriter.a4.width - 104, height: PageWriter.a4.height - 58 - 52)
        self.runningTitle = runningTitle
        self.banner = banner
        self.totalPages = totalPages
        y = content.minY
        canvas.setDocumentTitle(runningTitle)
        decoratePage()
    }

    var remaining: Double { content.maxY - y }

    func newPage() {
        canvas.newPage()
        page += 1
        y = content.minY
        decoratePage()
    }

    /// Starts a new page unless `height` still fits below the cursor.
    func ensure(_ height: Double) {
        if height > remaining, y > content.minY + 1 { newPage() }
    }

    func advance(_ amount: Double) { y += amount }

    private func decoratePage() {
        let header = TextLayout.truncate(runningTitle, font: Font(size: 7.5), width: content.width * 0.7, on: canvas)
        canvas.text(header, at: Point(x: content.minX, y: 32), font: Font(size: 7.5), color: Ink.secondary, baseline: .baseline)
        canvas.text("EUSReport", at: Point(x: content.maxX, y: 32), font: Font(size: 7.5, bold: true), color: Ink.secondary, align: .right)
        canvas.line(from: Point(x: content.minX, y: 36), to: Point(x: content.maxX, y: 36), stroke: Stroke(Ink.grid, width: 0.5))
        let number = totalPages.map { "Page \(page) of \($0)" } ?? "Page \(page)"
        canvas.text(number, at: Point(x: content.maxX, y: PageWriter.a4.height - 28), font: Font(size: 8), color: Ink.secondary, align: .right)
        if let banner {
            let font = Font(size: 7, bold: true)
            let text = TextLayout.truncate(banner, font: font, width: content.width - 12, on: canvas)

            let strip = Rect(x: content.minX, y: 40, width: content.width, height: 12)
            canvas.rect(strip, fill: OkabeIto.vermillion.lighter(0.82), stroke: Stroke(OkabeIto.vermillion, width: 0.6))
            canvas.text(text, at: Point(x: strip.minX + 6, y: strip.midY), font: font, color: OkabeIto.vermillion.withAlpha(1), baseline: .middle)
        }
    }

    // MARK: - Text

    func heading(_ text: String) {
        ensure(60)
        canvas.addBookmark(text, y: y)
        canvas.text(text, at: Point(x: content.minX, y: y), font: PageWriter.heading, baseline: .top)
        y += PageWriter.heading.size * 1.35
        canvas.line(from: Point(x: content.minX, y: y), to: Point(x: content.maxX, y: y), stroke: Stroke(OkabeIto.blue, width: 1))
        y += 10
    }

    func subheading(_ text: String) {
        ensure(50)
        y += 4
        y += canvas.paragraph(text, at: Point(x: content.minX, y: y), width: content.width, font: PageWriter.subheading)
        y += 4
    }

    /// A wrapped paragraph that continues on the next page when it does not fit.
    func paragraph(_ text: String, font: Font = PageWriter.body, color: Color = Ink.text, indent: Double = 0, after: Double = 7) {
        let width = content.width - indent
        for line in TextLayout.wrap(text, font: font, width: width, on: canvas) {
            ensure(TextLayout.lineHeight(font))
            canvas.text(line, at: Point(x: content.minX + indent, y: y), font: font, color: color, baseline: .top)
            y += TextLayout.lineHeight(font)
        }
        y += after
    }

    /// A boxed note with a coloured bar on the left.
    func callout(_ text: String, warning: Bool) {
        let font = Font(size: 8.5)
        let width = content.width - 16
        let height = canvas.paragraphHeight(text, width: width, font: font) + 10
        ensure(height + 6)
        let accent = warning ? OkabeIto.vermillion : OkabeIto.skyBlue
        canvas.rect(Rect(x: content.minX, y: y, width: content.width, height: height), fill: accent.lighter(0.88))
        canvas.rect(Rect(x: content.minX, y: y, width: 3, height: height), fill: accent)
        canvas.paragraph(text, at: Point(x: content.minX + 10, y: y + 5), width: width, font: font)
        y += height + 6
    }

    func preformatted(title: String, text: String) {
        subheading(title)
        let font = Font(size: 7, monospace: true)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            // Keep the indentation: wrap the rest of the line in the width left beside it.
            let indentation = String(line.prefix { $0 == " " })
            let indent = canvas.measure(indentation, font: font).width
            let rest = String(line.dropFirst(indentation.count))
            for piece in TextLayout.wrap(rest, font: font, width: content.width - 8 - indent, on: canvas) {
                ensure(TextLayout.lineHeight(font))
                canvas.rect(Rect(x: content.minX, y: y, width: content.width, height: TextLayout.lineHeight(font)), fill: Ink.faint)
                canvas.text(piece, at: Point(x: content.minX + 4 + indent, y: y + 0.5), font: font, baseline: .top)
                y += TextLayout.lineHeight(font)
            }
        }
        y += 8
    }

    // MARK: - Key–value list

    func keyValues(_ pairs: [(key: String, value: String)]) {
        let keyFont = Font(size: 8, bold: true), valueFont = Font(size: 8)
        let keyWidth = min(content.width * 0.34, (pairs.map { canvas.measure($0.key, font: keyFont).width }.max() ?? 0) + 10)
        for pair in pairs {
            let lines = TextLayout.wrap(pair.value, font: valueFont, width: content.width - keyWidth, on: canvas)
            let keyLines = TextLayout.wrap(pair.key, font: keyFont, width: keyWidth - 8, on: canvas)
            let height = Double(max(lines.count, keyLines.count)) * TextLayout.lineHeight(valueFont) + 2
            ensure(height)
            for (i, line) in keyLines.enumerated() {
                canvas.text(line, at: Point(x: content.minX, y: y + Double(i) * TextLayout.lineHeight(valueFont)), font: keyFont, baseline: .top)
            }
            for (i, line) in lines.enumerated() {
                canvas.text(line, at: Point(x: content.minX + keyWidth, y: y + Double(i) * TextLayout.lineHeight(valueFont)), font: valueFont, baseline: .top)
            }
            y += height
        }
        y += 8
    }
}

import EUSRender
import EUSStats
import Foundation

/// `report.pdf`: A4 pages drawn directly on Cairo's PDF surface. The title page carries the
/// summary; every further section starts on a new page. Figures are drawn as vectors from
/// the same routines that write `figures/`. Rendered twice: once to count the pages, once with
/// "Page N of M".
struct ReportPDF {
    let context: ReportContext

    func render() throws -> Data {
        let first = try draw(totalPages: nil)
        return try draw(totalPages: PDFInfo.pageCount(of: first))
    }

    private func draw(totalPages: Int?) throws -> Data {
        let numbers = context.figureNumbers
        let writer = PageWriter(runningTitle: context.title, banner: context.syntheticStrip, totalPages: totalPages)
        titleBlock(writer)
        for (index, entry) in context.sections.enumerated() {
            if index > 0 { writer.newPage() }
            writer.heading("\(index + 1). \(entry.section.title)")
            for block in entry.blocks { render(block, on: writer, numbers: numbers) }
        }
        return try writer.canvas.finish()
    }

    private func titleBlock(_ writer: PageWriter) {
        let canvas = writer.canvas
        writer.advance(writer.canvas.paragraph(context.title, at: Point(x: writer.content.minX, y: writer.y), width: writer.content.width,
                                               font: Font(size: 20, bold: true)) + 4)
        writer.paragraph(context.subtitle, font: Font(size: 11), color: Ink.secondary, after: 2)
        writer.paragraph("Generated \(context.generatedText) by eus-report from \(context.input.source.lastPathComponent)", font: Font(size: 8.5), color: Ink.secondary, after: 10)
        if let banner = context.syntheticBanner {
            let font = Font(size: 10, bold: true)
            let height = canvas.paragraphHeight(banner, width: writer.content.width - 20, font: font) + 14
            let box = Rect(x: writer.content.minX, y: writer.y, width: writer.content.width, height: height)
            canvas.rect(box, fill: OkabeIto.vermillion.lighter(0.85), stroke: Stroke(OkabeIto.vermillion, width: 1.2), cornerRadius: 3)
            canvas.paragraph(banner, at: Point(x: box.minX + 10, y: box.minY + 7), width: box.width - 20, font: font, color: Color(hex: 0x8A3B00))
            writer.advance(height + 12)
        }
    }

    private func render(_ block: ReportBlock, on writer: PageWriter, numbers: [String: Int]) {
        switch block {
        case .subheading(let text): writer.subheading(text)
        case .paragraph(let text): writer.paragraph(text)
        case .callout(let text, let warning): writer.callout(text, warning: warning)
        case .table(let table): writer.table(table)
        case .keyValues(let pairs): writer.keyValues(pairs)
        case .figure(let name, let caption): figure(name, caption: caption, label: context.figureLabel(name, numbers: numbers), on: writer)
        case .cases(let cases, let audit): audit ? auditPanels(cases, on: writer) : galleryGrid(cases, on: writer)
        case .caseTable: writer.table(caseTable)
        case .preformatted(let title, let text): writer.preformatted(title: title, text: text)
        }
    }

    private func figure(_ name: String, caption: String, label: String, on writer: PageWriter) {
        guard let figure = context.figures.first(where: { $0.name == name }) else {
            writer.callout("Figure \(name) is not available for this input.", warning: false)
            return
        }
        let size = figure.size
        let captionFont = Font(size: 8, italic: true)
        let captionHeight = writer.canvas.paragraphHeight(caption, width: writer.content.width, font: captionFont) + 12
        var scale = figure.width == .single ? 1.3 : min(1, writer.content.width / size.width)
        scale = min(scale, (writer.content.height - captionHeight - 20) / size.height)
        writer.ensure(size.height * scale + captionHeight)
        let x = writer.content.minX + (writer.content.width - size.width * scale) / 2
        writer.canvas.withTransform(dx: x, dy: writer.y, scale: scale) {
            writer.canvas.withClip(Rect(x: 0, y: 0, width: size.width, height: size.height)) { figure.draw(writer.canvas, size) }
        }
        writer.advance(size.height * scale + 4)
        writer.paragraph(label + " " + caption, font: captionFont, color: Ink.secondary, after: 12)
    }

    private func galleryGrid(_ cases: [ReportCase], on writer: PageWriter) {
        guard let firstCase = cases.first else { return }
        let columns = context.input.modelNames.count > 2 ? 1 : 2
        let gap = 16.0
        let cellWidth = (writer.content.width - gap * Double(columns - 1)) / Double(columns)
        let cellHeight = CasePanel(item: firstCase, input: context.input).height(width: cellWidth) + 10
        for rowStart in stride(from: 0, to: cases.count, by: columns) {
            writer.ensure(cellHeight)
            for (offset, item) in cases[rowStart..<min(rowStart + columns, cases.count)].enumerated() {
                let rect = Rect(x: writer.content.minX + Double(offset) * (cellWidth + gap), y: writer.y, width: cellWidth, height: cellHeight - 10)
                CasePanel(item: item, input: context.input).draw(on: writer.canvas, in: rect)
            }
            writer.advance(cellHeight)
        }
    }

    private func auditPanels(_ cases: [ReportCase], on writer: PageWriter) {
        let canvas = writer.canvas
        guard context.hasCaseImages else {
            auditText(cases, on: writer)
            return
        }
        let panelWidth = writer.content.width * 0.62
        let textX = writer.content.minX + panelWidth + 12
        let textWidth = writer.content.maxX - textX
        for item in cases {
            let panel = CasePanel(item: item, input: context.input)
            let lines = context.auditLines(item)
            let font = Font(size: 8)
            let textHeight = lines.map { canvas.paragraphHeight($0, width: textWidth, font: font) + 3 }.reduce(0, +)
            let height = max(panel.height(width: panelWidth), textHeight) + 14
            writer.ensure(height)
            canvas.line(from: Point(x: writer.content.minX, y: writer.y), to: Point(x: writer.content.maxX, y: writer.y), stroke: Stroke(Ink.grid, width: 0.5))
            panel.draw(on: canvas, in: Rect(x: writer.content.minX, y: writer.y + 6, width: panelWidth, height: height - 14))
            var y = writer.y + 6 + 12
            for (index, line) in lines.enumerated() {
                let wrong = line.contains("WRONG")
                y += canvas.paragraph(line, at: Point(x: textX, y: y), width: textWidth,
                                      font: Font(size: 8, bold: index == 0 || wrong), color: wrong ? OkabeIto.vermillion : Ink.text) + 3
            }
            writer.advance(height)
        }
    }

    /// The audit without pictures (a predictions CSV): each case's lines under a rule.
    private func auditText(_ cases: [ReportCase], on writer: PageWriter) {
        for item in cases {
            writer.ensure(50)
            writer.canvas.line(from: Point(x: writer.content.minX, y: writer.y), to: Point(x: writer.content.maxX, y: writer.y), stroke: Stroke(Ink.grid, width: 0.5))
            writer.advance(5)
            writer.paragraph(item.id, font: Font(size: 9, bold: true), color: OkabeIto.vermillion, after: 1)
            for line in context.auditLines(item) {
                let wrong = line.contains("WRONG")
                writer.paragraph(line, font: Font(size: 8.5, bold: wrong), color: wrong ? OkabeIto.vermillion : Ink.text, indent: 10, after: 1)
            }
            writer.advance(6)
        }
    }

    /// Every case with each model's probability and call.
    var caseTable: ReportTable {
        let models = context.input.modelNames
        let threshold = context.metrics.threshold
        let header = ["Case", "True class"] + models.flatMap { ["P (\(ModelNames.display($0)))", "Call"] } + ["Misclassified"]
        let rows = context.input.cases.map { item -> [String] in
            let calls = item.calls(threshold: threshold), correct = item.correct(threshold: threshold)
            var row = [item.id, item.label]
            for index in models.indices {
                row += [MetricsText.decimal(item.probabilities[index], digits: 3),
                        (calls[index] ? context.metrics.positiveClass : context.metrics.negativeClass) + (correct[index] ? "" : " ✗")]
            }
            let wrong = models.indices.filter { !correct[$0] }.map { ModelNames.display(models[$0]) }
            return row + [wrong.isEmpty ? "–" : wrong.joined(separator: ", ")]
        }
        return ReportTable(caption: "Every validation case", header: header, rows: rows,
                           textColumns: Set([0, 1, header.count - 1] + models.indices.map { 3 + 2 * $0 }))
    }
}

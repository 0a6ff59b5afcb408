import EUSRender

extension PageWriter {
    /// A table with a bold header row, rules above and below, and zebra rows. Columns are
    /// sized to their widest cell; when the table is wider than the page the font shrinks
    /// (down to 6 pt) and text columns are then truncated with an ellipsis. Long tables
    /// continue on the next page with the header repeated.
    func table(_ table: ReportTable) {
        var font = Font(size: 8)
        var widths = columnWidths(table, font: font)
        while widths.reduce(0, +) > content.width, font.size > 6 {
            font = font.sized(font.size - 0.25)
            widths = columnWidths(table, font: font)
        }
        let overflow = widths.reduce(0, +) - content.width
        if overflow > 0, let widest = table.wrapColumn ?? table.textColumns.max(by: { widths[$0] < widths[$1] }) {
            widths[widest] -= overflow
        }
        // The table spans the page: spare width goes to the first (label) column, so numbers
        // stay next to each other.
        let spare = content.width - widths.reduce(0, +)
        if spare > 0 { widths[0] += spare }
        let rowHeight = font.size * 1.65
        if let caption = table.caption {
            ensure(rowHeight * 3 + 14)
            let bold = Font(size: 8.5, bold: true)
            y += canvas.paragraph(caption, at: Point(x: content.minX, y: y), width: content.width, font: bold) + 3
        }
        ensure(rowHeight * 2)
        drawRow(table.header, widths: widths, font: font.sized(font.size).bolded, height: rowHeight, table: table, header: true)
        for (index, row) in table.rows.enumerated() {
            let rowHeight = wrappedHeight(row, widths: widths, font: font, table: table) ?? rowHeight
            if rowHeight > remaining {
                newPage()
                drawRow(table.header, widths: widths, font: font.bolded, height: rowHeight, table: table, header: true)
            }
            if index % 2 == 1 { canvas.rect(Rect(x: content.minX, y: y, width: content.width, height: rowHeight), fill: Ink.faint) }
            drawRow(row, widths: widths, font: font, height: rowHeight, table: table, header: false)
        }
        canvas.line(from: Point(x: content.minX, y: y), to: Point(x: content.maxX, y: y), stroke: Stroke(Ink.axis, width: 0.6))
        y += 4
        if let note = table.note { paragraph(note, font: Font(size: 7.5, italic: true), color: Ink.secondary, after: 4) }
        y += 6
    }

    /// The height of a row whose wrap column takes more than one line; nil for one line.
    private func wrappedHeight(_ row: [String], widths: [Double], font: Font, table: ReportTable) -> Double? {
        guard let column = table.wrapColumn else { return nil }
        let lines = TextLayout.wrap(row[column], font: font, width: widths[column] - 8, on: canvas).count
        return lines > 1 ? Double(lines) * TextLayout.lineHeight(font) + font.size * 0.65 : nil
    }

    private func columnWidths(_ table: ReportTable, font: Font) -> [Double] {
        table.header.indices.map { column in
            let header = canvas.measure(table.header[column], font: font.bolded).width
            return max(header, table.rows.map { canvas.measure($0[column], font: font).width }.max() ?? 0) + 10
        }
    }

    private func drawRow(_ cells: [String], widths: [Double], font: Font, height: Double, table: ReportTable, header: Bool) {
        if header {
            canvas.line(from: Point(x: content.minX, y: y), to: Point(x: content.maxX, y: y), stroke: Stroke(Ink.axis, width: 0.6))
        }
        var x = content.minX
        for (column, cell) in cells.enumerated() {
            let width = widths[column]
            let isText = table.textColumns.contains(column)
            if !header, column == table.wrapColumn {
                let lines = TextLayout.wrap(cell, font: font, width: width - 8, on: canvas)
                let top = y + (height - Double(lines.count) * TextLayout.lineHeight(font)) / 2
                for (line, text) in lines.enumerated() {
                    canvas.text(text, at: Point(x: x + 4, y: top + (Double(line) + 0.5) * TextLayout.lineHeight(font)), font: font,
                                align: .left, baseline: .middle)
                }
                x += width
                continue
            }
            let text = TextLayout.truncate(cell, font: font, width: width - 8, on: canvas)
            canvas.text(text, at: Point(x: isText ? x + 4 : x + width - 4, y: y + height / 2), font: font,
                        align: isText ? .left : .right, baseline: .middle)
            x += width
        }
        y += height
        if header {
            canvas.line(from: Point(x: content.minX, y: y), to: Point(x: content.maxX, y: y), stroke: Stroke(Ink.axis, width: 0.4))
        }
    }
}

extension Font {
    var bolded: Font { Font(size: size, bold: true, italic: italic, monospace: monospace) }
}

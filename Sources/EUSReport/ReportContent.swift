import EUSRender

/// A table as the report prints it, in the PDF and in the HTML alike.
public struct ReportTable: Sendable {
    public var caption: String?
    public var header: [String]
    public var rows: [[String]]
    /// Columns after the first are right-aligned numbers unless listed here.
    public var textColumns: Set<Int>
    public var note: String?
    /// Per row and column, an HTML anchor the cell links to (`links[row][column]`); rows or
    /// columns beyond the array have no link. The PDF prints the text alone.
    public var links: [[String?]] = []
    /// A text column whose cells the PDF wraps onto several lines (taking the width the page
    /// lacks) instead of truncating them.
    public var wrapColumn: Int?

    public init(caption: String? = nil, header: [String], rows: [[String]], textColumns: Set<Int> = [0], note: String? = nil) {
        precondition(rows.allSatisfy { $0.count == header.count }, "ReportTable: every row needs \(header.count) cells")
        self.caption = caption
        self.header = header
        self.rows = rows
        self.textColumns = textColumns
        self.note = note
    }
}

/// One piece of a section; the PDF lays blocks out on pages and the HTML renders each with
/// its template partial.
public enum ReportBlock {
    case subheading(String)
    case paragraph(String)
    /// A highlighted caveat or warning.
    case callout(String, warning: Bool)
    case table(ReportTable)
    case keyValues([(key: String, value: String)])
    case figure(name: String, caption: String)
    /// Cases drawn as image + overlays (`audit` adds both probabilities and the other model's result).
    case cases([ReportCase], audit: Bool)
    /// The sortable per-case table (HTML) / compact case list (PDF).
    case caseTable
    case preformatted(title: String, text: String)
}

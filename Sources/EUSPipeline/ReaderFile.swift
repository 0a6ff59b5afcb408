import EUSData
import EUSStats
import EUSSupport
import Foundation

/// A readers' file for `run --readers` and `evaluate --readers` (docs/formats.md):
/// `case_id,<reader>...`, one column per endosonographer, each cell a class name (GIST or LM)
/// or blank for a case the reader did not read. A column may be written `reader:expert1` or
/// just `expert1`; `expert1+ai` is the same reader's AI-assisted reading. The evaluation's
/// predictions.csv gets the columns as `reader:<name>`, which `metrics` and `report` analyse.
public struct ReaderFile: Sendable {
    /// Reader names, without the `reader:` prefix, in file order.
    public var names: [String]
    /// Per case id, each reader's call (nil = unread).
    public var calls: [String: [String?]]

    /// Reads and checks the file against the data set: every case id must be one of its cases
    /// (each once), every call one of its classes (any letter case) or blank, every reader
    /// named once and with at least one call. Cases of the data set the file does not list are
    /// unread by every reader.
    public init(contentsOf url: URL, dataset: Dataset) throws {
        let csv = try CSVTable(contentsOf: url)
        let source = csv.source
        let idColumn = try csv.column("case_id")
        let readerColumns = csv.header.indices.filter { $0 != idColumn }
        guard !readerColumns.isEmpty else {
            throw UserError("\(source): no reader columns (expected case_id,<reader>..., e.g. case_id,reader:expert1,reader:expert1+ai)")
        }
        names = []
        for column in readerColumns {
            var name = csv.header[column].trimmingCharacters(in: .whitespaces)
            if PredictionTable.isReaderColumn(name) { name = String(name.dropFirst(ReaderColumn.prefix.count)) }
            guard !name.isEmpty, name != ReaderColumn.assistedSuffix else {
                throw UserError("\(source), column \(column + 1): a reader column needs a name (e.g. reader:expert1)")
            }
            guard !names.contains(name) else { throw UserError("\(source), column \(csv.header[column]): reader '\(name)' appears more than once") }
            names.append(name)
        }
        let known = Set(dataset.cases.map(\.id))
        calls = [:]
        for (index, row) in csv.rows.enumerated() {
            let line = CSVTable.lineNumber(ofRow: index)
            let id = row[idColumn].trimmingCharacters(in: .whitespaces)
            guard known.contains(id) else {
                throw UserError("\(source) line \(line), column case_id: '\(id)' is not a case of \(dataset.root.path)")
            }
            guard calls[id] == nil else { throw UserError("\(source) line \(line), column case_id: duplicate case id '\(id)'") }
            calls[id] = try readerColumns.map { column -> String? in
                let text = row[column].trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { return nil }
                guard let match = dataset.classNames.first(where: { $0.caseInsensitiveCompare(text) == .orderedSame }) else {
                    throw UserError("\(source) line \(line), column \(csv.header[column]): '\(text)' is not a class "
                        + "(expected \(dataset.classNames.joined(separator: " or ")), or blank for a case the reader did not read)")
                }
                return match
            }
        }
        for (position, name) in names.enumerated() where !calls.values.contains(where: { $0[position] != nil }) {
            throw UserError("\(source), column \(csv.header[readerColumns[position]]): reader '\(name)' called no case")
        }
    }

    /// Reads `url` against the data set at `data`, for errors only.
    static func check(_ url: URL, data: URL, positiveClass: String?) throws {
        _ = try ReaderFile(contentsOf: url, dataset: Dataset.load(data, positive: positiveClass))
    }

    /// The predictions CSV's header for the readers: `reader:<name>`.
    public var header: [String] { names.map { ReaderColumn.prefix + $0 } }

    /// One case's cells, blank where unread or not in the file.
    public func fields(caseID: String) -> [String] {
        (calls[caseID] ?? names.map { _ in nil }).map { $0 ?? "" }
    }
}

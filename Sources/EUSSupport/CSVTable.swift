import Foundation

/// A CSV file read whole: a header and rows of strings (RFC 4180 quoting, `\n` or `\r\n`).
///
/// Rows are numbered as a spreadsheet numbers them: the header is line 1, the first data row
/// line 2, so errors can say "predictions.csv line 7, column resnet34".
public struct CSVTable: Sendable {
    public var header: [String]
    public var rows: [[String]]
    /// Where the table came from, for error messages.
    public var source: String

    public init(header: [String], rows: [[String]], source: String = "<memory>") {
        self.header = header
        self.rows = rows
        self.source = source
    }

    /// Reads and parses `url`. Throws `UserError` naming the file for a missing file, an empty
    /// file, or a row whose field count differs from the header's.
    public init(contentsOf url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw UserError("\(url.path): cannot read the file (missing or unreadable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw UserError("\(url.path): not UTF-8 text")
        }
        try self.init(parsing: text, source: url.path)
    }

    public init(parsing text: String, source: String) throws {
        var records = CSVTable.records(text)
        while let last = records.last, last.count == 1, last[0].isEmpty { records.removeLast() }
        guard let header = records.first else { throw UserError("\(source): the file is empty") }
        self.header = header.map { $0.trimmingCharacters(in: .whitespaces) }
        self.rows = Array(records.dropFirst())
        self.source = source
        for (index, row) in rows.enumerated() where row.count != self.header.count {
            throw UserError("\(source) line \(index + 2): \(row.count) fields, but the header has \(self.header.count)")
        }
    }

    /// The index of `name` in the header, or a `UserError` naming the file and the column.
    public func column(_ name: String) throws -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw UserError("\(source): missing column '\(name)' (columns: \(header.joined(separator: ",")))")
        }
        return index
    }

    /// The spreadsheet line number of data row `index` (header = line 1).
    public static func lineNumber(ofRow index: Int) -> Int { index + 2 }

    private static func records(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = next }
                    } else { inQuotes = false }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": inQuotes = true
            case ",": record.append(field); field = ""
            case "\r": break
            case "\n": record.append(field); records.append(record); record = []; field = ""
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}

/// Writes CSV text, quoting only the fields that need it.
public struct CSVWriter: Sendable {
    public private(set) var text: String

    public init(header: [String]) {
        text = ""
        append(header)
    }

    public mutating func append(_ fields: [String]) {
        text += fields.map(CSVWriter.escape).joined(separator: ",") + "\n"
    }

    public static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

import EUSSupport
import Foundation

/// One reader's calls from a `reader:NAME` column of a predictions CSV (docs/formats.md): per
/// case, a class name, or nil where the reader did not read the case (a blank cell).
/// `reader:NAME+ai` holds the same reader's calls made with the networks' output in view.
public struct ReaderColumn: Sendable, Equatable {
    /// The name after `reader:`, e.g. `expert1` or `expert1+ai`.
    public var name: String
    /// Per case, in row order: the class the reader called, or nil when unread.
    public var calls: [String?]

    public static let prefix = "reader:"
    public static let assistedSuffix = "+ai"

    public init(name: String, calls: [String?]) {
        self.name = name
        self.calls = calls
    }

    /// True for an AI-assisted reading (`NAME+ai`).
    public var isAssisted: Bool { name.hasSuffix(ReaderColumn.assistedSuffix) }

    /// The unaided reader an assisted column belongs to (`expert1` for `expert1+ai`).
    public var unaidedName: String? { isAssisted ? String(name.dropLast(ReaderColumn.assistedSuffix.count)) : nil }

    /// The number of cases the reader called.
    public var readCount: Int { calls.filter { $0 != nil }.count }
}

extension PredictionTable {
    /// True when `column` holds a reader's calls rather than a model's probabilities.
    public static func isReaderColumn(_ column: String) -> Bool { column.hasPrefix(ReaderColumn.prefix) }

    /// The `reader:` columns of a predictions CSV. A call is one of the two class names of the
    /// label column (in any letter case; stored as the label column spells it) or blank for an
    /// unread case. Errors name the file, line and column: a call that is not a class, a reader
    /// with no name or no calls, a reader named twice.
    static func readReaders(_ csv: CSVTable, labels: [String]) throws -> [ReaderColumn] {
        let classes = Array(Set(labels)).sorted()
        var readers: [ReaderColumn] = []
        for (column, header) in csv.header.enumerated() where isReaderColumn(header) {
            let name = String(header.dropFirst(ReaderColumn.prefix.count)).trimmingCharacters(in: .whitespaces)
            let place = "\(csv.source), column \(header)"
            guard !name.isEmpty, name != ReaderColumn.assistedSuffix else {
                throw UserError("\(place): a reader column needs a name after 'reader:' (e.g. reader:expert1)")
            }
            guard !readers.contains(where: { $0.name == name }) else {
                throw UserError("\(place): reader '\(name)' appears more than once in the header")
            }
            let calls = try csv.rows.indices.map { index -> String? in
                let text = csv.rows[index][column].trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { return nil }
                guard let match = classes.first(where: { $0.caseInsensitiveCompare(text) == .orderedSame }) else {
                    throw UserError("\(csv.source) line \(CSVTable.lineNumber(ofRow: index)), column \(header): '\(text)' is not a class "
                        + "(expected \(classes.joined(separator: " or ")), or blank for a case the reader did not read)")
                }
                return match
            }
            let reader = ReaderColumn(name: name, calls: calls)
            guard reader.readCount > 0 else { throw UserError("\(place): the reader called no case (every cell is blank)") }
            readers.append(reader)
        }
        return readers
    }

    /// The `patient_id` column: per row the patient, with a blank cell standing for a patient
    /// of its own (keyed by the case id, as splits group images); nil without the column.
    static func readPatientIDs(_ csv: CSVTable, caseIDs: [String]) -> [String]? {
        guard let column = csv.header.firstIndex(of: "patient_id") else { return nil }
        return csv.rows.indices.map { index in
            let text = csv.rows[index][column].trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? "case:" + caseIDs[index] : text
        }
    }
}

import Foundation
import EUSSupport

/// Every model's P(positive) for every case, read from a predictions CSV (docs/formats.md):
/// `case_id,label,<model>...`. Model columns are all columns except `case_id`, `label`, `path`,
/// `mask_path`, `patient_id`, `partition`, `fold`, `repeat`, `crop` and names ending in `_call`,
/// `_correct`, `_cam_energy` or `_cam_hit` and `reader:` columns (readers' calls), so `evaluate`'s output and any other trainer's CSV
/// both work. A `fold` column (and optionally `repeat`) marks out-of-fold predictions of a
/// cross-validation: see `FoldColumns` (PredictionTable+Folds.swift) for what they must hold.
///
/// Reading validates everything metrics need and stops at the first problem with a
/// `UserError` naming the file, the spreadsheet line (header = line 1) and the column:
/// a value that is empty, not a number or outside [0, 1]; an empty case id or label; a
/// duplicate case id; a third class; a single class; no model columns; a model column named
/// twice; no rows. A UTF-8 byte-order mark (spreadsheet exports) is ignored.
public struct PredictionTable: Sendable, Equatable {
    /// One model's column.
    public struct Model: Sendable, Equatable {
        public var name: String
        /// P(positive) per case, in row order, each in [0, 1].
        public var scores: [Double]

        public init(name: String, scores: [Double]) {
            self.name = name
            self.scores = scores
        }
    }

    /// Where the table came from, for error messages.
    public var source: String
    public var caseIDs: [String]
    /// The class name of each case, as written in the CSV.
    public var labels: [String]
    public var models: [Model]
    /// The repeat and fold of every row when the table holds out-of-fold predictions (a `fold`
    /// column); nil for a hold-out evaluation.
    public var foldColumns: FoldColumns?
    /// The `reader:` columns: endosonographers' calls of the same cases (PredictionTable+Readers.swift).
    public var readers: [ReaderColumn] = []
    /// Per row, the patient (`patient_id`); nil when the CSV has no such column.
    public var patientIDs: [String]?

    public static let nonModelColumns: Set<String> = ["case_id", "label", "path", "mask_path", "patient_id", "partition",
                                                      "fold", "repeat", "crop"]
    public static let nonModelSuffixes = ["_call", "_correct", "_cam_energy", "_cam_hit"]

    /// True when `column` of a predictions CSV holds a model's P(positive).
    public static func isModelColumn(_ column: String) -> Bool {
        !nonModelColumns.contains(column) && !nonModelSuffixes.contains { column.hasSuffix($0) } && !isReaderColumn(column)
    }

    /// The two class names, sorted (GIST before LM).
    public var classes: [String] { Array(Set(labels)).sorted() }

    /// Reads and validates a predictions CSV.
    public init(contentsOf url: URL) throws {
        try self.init(csv: CSVTable(contentsOf: url))
    }

    /// Validates a parsed CSV (see the type's documentation for the errors).
    public init(csv: CSVTable) throws {
        var csv = csv
        if let first = csv.header.first, first.hasPrefix("\u{FEFF}") { csv.header[0] = String(first.dropFirst()) }
        let source = csv.source
        let idColumn = try csv.column("case_id"), labelColumn = try csv.column("label")
        // `Fold` or `LABEL` would otherwise be read as a model's probabilities.
        for name in csv.header where !Self.nonModelColumns.contains(name) {
            if let reserved = Self.nonModelColumns.first(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) {
                throw UserError("\(source), column \(name): column names are case-sensitive; did you mean '\(reserved)'?")
            }
        }
        let modelColumns = csv.header.indices.filter { PredictionTable.isModelColumn(csv.header[$0]) }
        guard !modelColumns.isEmpty else {
            throw UserError("\(source): no model columns (columns: \(csv.header.joined(separator: ","))); "
                + "expected case_id,label,<model>... with each model's P(positive) in [0,1]")
        }
        for column in modelColumns where csv.header.filter({ $0 == csv.header[column] }).count > 1 {
            throw UserError("\(source): column '\(csv.header[column])' appears more than once in the header")
        }
        guard !csv.rows.isEmpty else { throw UserError("\(source): no rows after the header") }
        var caseIDs: [String] = [], labels: [String] = []
        for (index, row) in csv.rows.enumerated() {
            let line = CSVTable.lineNumber(ofRow: index)
            let id = row[idColumn].trimmingCharacters(in: .whitespaces)
            let label = row[labelColumn].trimmingCharacters(in: .whitespaces)
            guard !id.isEmpty else { throw UserError("\(source) line \(line), column case_id: missing case id") }
            guard !label.isEmpty else { throw UserError("\(source) line \(line), column label: missing label") }
            caseIDs.append(id)
            labels.append(label)
        }
        let models = try modelColumns.map { column in
            Model(name: csv.header[column], scores: try csv.rows.indices.map { index in
                try PredictionTable.probability(csv.rows[index][column], source: source,
                                                line: CSVTable.lineNumber(ofRow: index), column: csv.header[column])
            })
        }
        try self.init(source: source, caseIDs: caseIDs, labels: labels, models: models,
                      foldColumns: PredictionTable.readFoldColumns(csv))
        readers = try PredictionTable.readReaders(csv, labels: labels)
        patientIDs = PredictionTable.readPatientIDs(csv, caseIDs: caseIDs)
    }

    /// A table built in code (the pipeline's predictions), validated like a CSV: unique case
    /// ids, exactly two classes, scores in [0, 1], one score per case for every model; with
    /// `foldColumns`, case ids are unique within each repeat and the folds are checked as
    /// `FoldColumns` describes.
    public init(source: String, caseIDs: [String], labels: [String], models: [Model],
                foldColumns: FoldColumns? = nil) throws {
        precondition(caseIDs.count == labels.count, "case ids and labels differ in length")
        for model in models {
            precondition(model.scores.count == caseIDs.count, "model \(model.name) has \(model.scores.count) scores for \(caseIDs.count) cases")
        }
        guard !models.isEmpty else { throw UserError("\(source): no model columns") }
        try PredictionTable.checkClasses(labels, source: source)
        try foldColumns?.check(caseIDs: caseIDs, labels: labels, source: source)
        var seen: [String: Int] = [:]
        for (index, id) in caseIDs.enumerated() where foldColumns == nil {
            if let first = seen[id] {
                throw UserError("\(source) line \(CSVTable.lineNumber(ofRow: index)), column case_id: duplicate case id '\(id)' (first on line \(first))")
            }
            seen[id] = CSVTable.lineNumber(ofRow: index)
        }
        for model in models {
            if let bad = model.scores.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
                throw UserError("\(source) line \(CSVTable.lineNumber(ofRow: bad)), column \(model.name): \(model.scores[bad]) is outside [0,1]")
            }
        }
        self.source = source
        self.caseIDs = caseIDs
        self.labels = labels
        self.models = models
        self.foldColumns = foldColumns
    }

    /// Exactly two classes: names the line where a third appears, or the single class present.
    private static func checkClasses(_ labels: [String], source: String) throws {
        var classes: [String] = []
        for (index, label) in labels.enumerated() where !classes.contains(label) {
            guard classes.count < 2 else {
                throw UserError("\(source) line \(CSVTable.lineNumber(ofRow: index)), column label: a third class '\(label)' "
                    + "(already \(classes.joined(separator: ", "))); metrics compare exactly two classes")
            }
            classes.append(label)
        }
        guard classes.count == 2 else {
            throw UserError("\(source), column label: only one class ('\(classes.first ?? "")') in \(labels.count) rows; "
                + "metrics need cases of both classes")
        }
    }

    private static func probability(_ text: String, source: String, line: Int, column: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let place = "\(source) line \(line), column \(column)"
        guard !trimmed.isEmpty else { throw UserError("\(place): missing value (expected P(positive) in [0,1])") }
        guard let value = Double(trimmed) else {
            throw UserError("\(place): '\(trimmed)' is not a number (expected P(positive) in [0,1])")
        }
        guard value >= 0, value <= 1 else { throw UserError("\(place): \(trimmed) is outside [0,1]") }
        return value
    }
}

import EUSSupport
import Foundation

/// Repeated, stratified (and, given patient ids, grouped) k-fold assignments, written as
/// `folds.csv` (`case_id,label,repeat,fold`, both numbered from 1).
///
/// Every case has one fold in each repeat; in repeat r, fold f is predicted by networks
/// trained on the other k − 1 folds of that repeat.
public struct Folds: Equatable, Sendable {
    /// k: folds per repeat.
    public var count: Int
    /// R: how many times the k-fold partition is drawn anew.
    public var repeats: Int
    /// The fold of every case in each repeat: `assignments[r][caseID]`, 0-based.
    public var assignments: [[String: Int]]

    public init(count: Int, repeats: Int, assignments: [[String: Int]]) {
        precondition(count >= 2 && repeats >= 1 && assignments.count == repeats,
                     "Folds: \(count) folds × \(repeats) repeats with \(assignments.count) assignments")
        self.count = count
        self.repeats = repeats
        self.assignments = assignments
    }

    /// One fold of one repeat as a hold-out split: the fold is `validation`, the rest `train`.
    public func split(repeat r: Int, fold f: Int) -> Split {
        Split(partitions: assignments[r].mapValues { $0 == f ? .validation : .train })
    }

    /// Case counts per class index in fold `f` of repeat `r`.
    public func classCounts(repeat r: Int, fold f: Int, of dataset: Dataset) -> [Int] {
        split(repeat: r, fold: f).classCounts(.validation, of: dataset)
    }

    /// Stratified k-fold, grouped by patient where the dataset has patient ids.
    ///
    /// In each class, the units (a patient's images, or a single case) are shuffled (seeded by
    /// seed, repeat and class) and then, largest first, each goes to the fold that holds the
    /// fewest of that class's cases so far, ties to the fold with the fewest cases overall,
    /// then to the lowest index. With single cases this deals them out round-robin, so the
    /// folds' counts per class differ by at most one, and their totals by at most one too;
    /// with patients, by at most the largest patient's image count ("one patient's worth").
    /// A patient whose images carry both labels counts with the class of its first image, as
    /// in `Split.stratified`.
    ///
    /// Throws when k is below 2, or when a class has fewer units than k (a fold would hold
    /// none of it).
    public static func stratified(_ dataset: Dataset, folds k: Int, repeats: Int = 1, seed: UInt64 = 1) throws -> Folds {
        guard k >= 2 else { throw UserError("--folds must be at least 2, got \(k)") }
        guard repeats >= 1 else { throw UserError("--repeats must be at least 1, got \(repeats)") }
        let grouped = dataset.hasPatientIDs
        for classIndex in dataset.classNames.indices {
            let units = Split.patientUnits(dataset, classIndex: classIndex).count
            if units < k {
                let what = grouped ? "patients" : "cases"
                throw UserError("\(dataset.root.path): \(units) \(dataset.classNames[classIndex]) \(what), fewer than the \(k) folds asked for; every fold needs cases of both classes (give --folds \(max(2, units)) or fewer)")
            }
        }
        let assignments = (0..<repeats).map { r in assign(dataset, folds: k, seed: seed, repeat: r) }
        return Folds(count: k, repeats: repeats, assignments: assignments)
    }

    private static func assign(_ dataset: Dataset, folds k: Int, seed: UInt64, repeat r: Int) -> [String: Int] {
        var fold: [String: Int] = [:]
        var totals = [Int](repeating: 0, count: k)
        for classIndex in dataset.classNames.indices {
            var units = Split.patientUnits(dataset, classIndex: classIndex)
            var random = SeededRandom(seed: seed, 0xF01D, UInt64(r), UInt64(classIndex))
            random.shuffle(&units)
            // Stable: among units of one size, the shuffled order stands.
            let ordered = units.enumerated().sorted { ($0.element.count, $1.offset) > ($1.element.count, $0.offset) }.map(\.element)
            var inClass = [Int](repeating: 0, count: k)
            for unit in ordered {
                let target = (0..<k).min { (inClass[$0], totals[$0], $0) < (inClass[$1], totals[$1], $1) }!
                inClass[target] += unit.count
                totals[target] += unit.count
                for id in unit { fold[id] = target }
            }
        }
        return fold
    }
}

// MARK: - folds.csv

extension Folds {
    public static let columns = ["case_id", "label", "repeat", "fold"]

    /// `folds.csv` text: for each repeat, the cases in dataset order.
    public func csv(for dataset: Dataset) -> String {
        var writer = CSVWriter(header: Folds.columns)
        for r in 0..<repeats {
            for c in dataset.cases { if let f = assignments[r][c.id] { writer.append([c.id, c.label, String(r + 1), String(f + 1)]) } }
        }
        return writer.text
    }

    public func write(to url: URL, for dataset: Dataset) throws {
        try AtomicOutput.write(csv(for: dataset), to: url)
    }

    /// Whether a split file holds folds (a `fold` column) rather than a hold-out partition.
    public static func isFoldFile(_ url: URL) throws -> Bool {
        try CSVTable(contentsOf: url).header.contains("fold")
    }

    /// Reads `folds.csv` and checks it against `dataset`: every case has exactly one fold in
    /// every repeat, labels agree, and folds are numbered 1...k in each repeat, each holding
    /// cases. Errors name the file and the line or the case.
    public static func read(_ url: URL, for dataset: Dataset) throws -> Folds {
        let table = try CSVTable(contentsOf: url)
        let idColumn = try table.column("case_id"), labelColumn = try table.column("label")
        let foldColumn = try table.column("fold"), repeatColumn = table.header.firstIndex(of: "repeat")
        let byID = Dictionary(uniqueKeysWithValues: dataset.cases.map { ($0.id, $0) })
        var byRepeat: [Int: [String: Int]] = [:]
        for (index, row) in table.rows.enumerated() {
            let place = "\(url.path) line \(CSVTable.lineNumber(ofRow: index))"
            let id = try Split.checkedCaseID(row, idColumn: idColumn, labelColumn: labelColumn, byID: byID, dataset: dataset,
                                             place: place, made: "the folds file")
            let r = try number(row, repeatColumn, name: "repeat", place: place) ?? 1
            guard let f = try number(row, foldColumn, name: "fold", place: place) else {
                throw UserError("\(place), column fold: missing fold")
            }
            guard byRepeat[r, default: [:]][id] == nil else { throw UserError("\(place): case '\(id)' appears twice in repeat \(r)") }
            byRepeat[r, default: [:]][id] = f - 1
        }
        guard !table.rows.isEmpty else { throw UserError("\(url.path): no rows after the header") }
        let repeats = byRepeat.keys.sorted()
        guard repeats == Array(1...repeats.count) else {
            throw UserError("\(url.path), column repeat: repeats must be numbered 1, 2, ... (found \(repeats.map(String.init).joined(separator: ", ")))")
        }
        let k = byRepeat.values.flatMap(\.values).max()! + 1
        guard k <= dataset.cases.count else {
            throw UserError("\(url.path), column fold: fold \(k) but only \(dataset.cases.count) cases; folds must be numbered 1...k, each holding cases")
        }
        for r in repeats {
            let assignment = byRepeat[r]!
            let missing = dataset.cases.filter { assignment[$0.id] == nil }.map(\.id)
            if !missing.isEmpty {
                let shown = missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", ..." : "")
                throw UserError("\(url.path): \(missing.count) case(s) of the dataset have no fold in repeat \(r) (\(shown))")
            }
            let used = Set(assignment.values)
            guard k >= 2, used.count == k else {
                throw UserError("\(url.path), column fold: repeat \(r) uses folds \(used.sorted().map { String($0 + 1) }.joined(separator: ", ")); folds must be numbered 1...k with k ≥ 2, each holding cases")
            }
        }
        let folds = Folds(count: k, repeats: repeats.count, assignments: repeats.map { byRepeat[$0]! })
        for r in repeats.indices {
            try Split.checkPatientsTogether(dataset, source: url.path) { folds.assignments[r][$0].map { "fold \($0 + 1) of repeat \(r + 1)" } }
        }
        return folds
    }

    private static func number(_ row: [String], _ column: Int?, name: String, place: String) throws -> Int? {
        guard let column else { return nil }
        let text = row[column].trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return nil }
        guard let value = Int(text), value >= 1 else {
            throw UserError("\(place), column \(name): '\(text)' is not a \(name) number (1, 2, ...)")
        }
        return value
    }

    /// One line per fold of the first repeat, e.g. "fold 1: 29 (GIST 14, LM 15)".
    public func summary(for dataset: Dataset) -> String {
        let lines = (0..<count).map { f -> String in
            let counts = classCounts(repeat: 0, fold: f, of: dataset)
            let parts = zip(dataset.classNames, counts).map { "\($0) \($1)" }.joined(separator: ", ")
            return "fold \(f + 1): \(counts.reduce(0, +)) (\(parts))"
        }
        return lines.joined(separator: "\n") + (repeats > 1 ? "\n(\(repeats) repeats, each drawn anew)" : "")
    }
}

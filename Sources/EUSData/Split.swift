import EUSSupport
import Foundation

/// A single hold-out split of a dataset into `train` and `validation`, written as
/// `split.csv` (`case_id,label,partition`).
public struct Split: Equatable, Sendable {
    public enum Partition: String, Codable, CaseIterable, Sendable {
        case train, validation
    }

    /// The partition of every case, by case id.
    public var partitions: [String: Partition]

    public init(partitions: [String: Partition]) {
        self.partitions = partitions
    }

    /// The dataset's cases in `partition`, in dataset order.
    public func cases(_ partition: Partition, of dataset: Dataset) -> [Case] {
        dataset.cases.filter { partitions[$0.id] == partition }
    }

    /// Case counts per class index in `partition`.
    public func classCounts(_ partition: Partition, of dataset: Dataset) -> [Int] {
        var counts = [Int](repeating: 0, count: dataset.classNames.count)
        for c in cases(partition, of: dataset) { counts[c.classIndex] += 1 }
        return counts
    }

    /// A stratified split: in each class, `round(ratio × n_class)` cases go to `train` (half
    /// away from zero), the rest to `validation`. 69 GIST and 73 LM at 0.8 give 55 + 58
    /// training and 14 + 15 validation cases.
    ///
    /// With patient ids, a patient's images are one unit: units are shuffled (seeded) and each
    /// goes to `train` while that brings the class's training count closer to its target, so
    /// the counts are as close to the targets as whole patients allow. A patient whose images
    /// carry both labels is counted with the class of its first image.
    public static func stratified(_ dataset: Dataset, ratio: Double = 0.8, seed: UInt64 = 1) -> Split {
        precondition(ratio > 0 && ratio < 1, "Split.stratified: ratio must be in (0, 1), got \(ratio)")
        var partitions: [String: Partition] = [:]
        for classIndex in dataset.classNames.indices {
            var units = patientUnits(dataset, classIndex: classIndex)
            let total = units.reduce(0) { $0 + $1.count }
            let target = Int((ratio * Double(total)).rounded())
            var random = SeededRandom(seed: seed, 0x5917, UInt64(classIndex))
            random.shuffle(&units)
            var training = 0
            for unit in units {
                let take = abs(training + unit.count - target) < abs(training - target)
                if take { training += unit.count }
                for id in unit { partitions[id] = take ? .train : .validation }
            }
        }
        return Split(partitions: partitions)
    }

    /// The case ids of each unit (patient, or single case) whose first case is in `classIndex`,
    /// in a deterministic order (sorted by the unit's key).
    static func patientUnits(_ dataset: Dataset, classIndex: Int) -> [[String]] {
        var units: [String: [String]] = [:]
        var unitClass: [String: Int] = [:]
        for c in dataset.cases {
            let key = c.patientID.map { "patient:" + $0 } ?? "case:" + c.id
            units[key, default: []].append(c.id)
            if unitClass[key] == nil { unitClass[key] = c.classIndex }
        }
        return units.keys.sorted().filter { unitClass[$0] == classIndex }.map { units[$0]! }
    }
}

extension Split {
    public static let columns = ["case_id", "label", "partition"]

    /// `split.csv` text, in dataset order.
    public func csv(for dataset: Dataset) -> String {
        var writer = CSVWriter(header: Split.columns)
        for c in dataset.cases { if let p = partitions[c.id] { writer.append([c.id, c.label, p.rawValue]) } }
        return writer.text
    }

    public func write(to url: URL, for dataset: Dataset) throws {
        try AtomicOutput.write(csv(for: dataset), to: url)
    }

    /// Reads `split.csv` and checks it against `dataset`: every row names a case of the
    /// dataset with its label, every case of the dataset has a row, partitions are `train` or
    /// `validation`. Errors name the file and the line or the case.
    public static func read(_ url: URL, for dataset: Dataset) throws -> Split {
        let table = try CSVTable(contentsOf: url)
        let idColumn = try table.column("case_id"), labelColumn = try table.column("label")
        let partitionColumn = try table.column("partition")
        let byID = Dictionary(uniqueKeysWithValues: dataset.cases.map { ($0.id, $0) })
        var partitions: [String: Partition] = [:]
        for (index, row) in table.rows.enumerated() {
            let place = "\(url.path) line \(CSVTable.lineNumber(ofRow: index))"
            let id = try checkedCaseID(row, idColumn: idColumn, labelColumn: labelColumn, byID: byID, dataset: dataset,
                                       place: place, made: "the split")
            let value = row[partitionColumn].trimmingCharacters(in: .whitespaces)
            guard let partition = Partition(rawValue: value) else {
                throw UserError("\(place): partition '\(value)' is neither 'train' nor 'validation'")
            }
            guard partitions[id] == nil else { throw UserError("\(place): case '\(id)' appears twice") }
            partitions[id] = partition
        }
        let missing = dataset.cases.filter { partitions[$0.id] == nil }.map(\.id)
        if !missing.isEmpty {
            let shown = missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", ..." : "")
            throw UserError("\(url.path): \(missing.count) case(s) of the dataset are missing from the split (\(shown))")
        }
        try checkPatientsTogether(dataset, source: url.path) { partitions[$0].map { "the \($0.rawValue) partition" } }
        return Split(partitions: partitions)
    }

    /// The case id of a split file's row, checked: a case of `dataset`, with its label.
    static func checkedCaseID(_ row: [String], idColumn: Int, labelColumn: Int, byID: [String: Case],
                              dataset: Dataset, place: String, made what: String) throws -> String {
        let id = row[idColumn].trimmingCharacters(in: .whitespaces)
        guard let item = byID[id] else {
            throw UserError("\(place): unknown case id '\(id)' (not in the dataset \(dataset.root.path)); was \(what) made for another dataset?")
        }
        let label = row[labelColumn].trimmingCharacters(in: .whitespaces)
        guard label == item.label else {
            throw UserError("\(place): case '\(id)' has label '\(label)' here but '\(item.label)' in the dataset")
        }
        return id
    }

    /// A given split or folds file must keep each patient's images together: `place(caseID)`
    /// names where the file puts a case.
    static func checkPatientsTogether(_ dataset: Dataset, source: String, place: (String) -> String?) throws {
        var first: [String: (id: String, place: String)] = [:]
        for c in dataset.cases {
            guard let patient = c.patientID, let here = place(c.id) else { continue }
            if let seen = first[patient], seen.place != here {
                throw UserError("\(source): patient '\(patient)' has case '\(seen.id)' in \(seen.place) but '\(c.id)' in \(here); a patient's images must stay together")
            }
            if first[patient] == nil { first[patient] = (c.id, here) }
        }
    }

    /// One line per partition, e.g. "train: 113 (GIST 55, LM 58)".
    public func summary(for dataset: Dataset) -> String {
        Partition.allCases.map { p in
            let counts = classCounts(p, of: dataset)
            let parts = zip(dataset.classNames, counts).map { "\($0) \($1)" }.joined(separator: ", ")
            return "\(p.rawValue): \(counts.reduce(0, +)) (\(parts))"
        }.joined(separator: "\n")
    }
}

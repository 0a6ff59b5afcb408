import Foundation
import EUSSupport

extension PredictionTable {
    /// Which repeat and which fold held each row's case out, for out-of-fold predictions of a
    /// (repeated) k-fold cross-validation: the predictions CSV's `fold` column and, optionally,
    /// its `repeat` column (`case_id,label,repeat,fold,<model>...`). Each row is one case's
    /// prediction by the networks trained without its fold.
    ///
    /// What the columns must hold (each broken rule is a one-line `UserError` naming the file,
    /// the line where it can be named, and the column):
    /// - `fold` and `repeat` are whole numbers ≥ 0, in any numbering (0- or 1-based); without a
    ///   `repeat` column every row is repeat 1; a `repeat` column needs a `fold` column;
    /// - within a repeat a case id appears once, every repeat holds the same cases, and a case
    ///   has the same label in every repeat;
    /// - every repeat has at least 2 folds, and every repeat the same number of folds.
    ///
    /// A fold may hold a single class (its AUC is then undefined); that is not an error.
    public struct FoldColumns: Sendable, Equatable {
        /// The repeat of each row, in row order.
        public var repeats: [Int]
        /// The fold of each row, in row order.
        public var folds: [Int]

        public init(repeats: [Int], folds: [Int]) {
            precondition(repeats.count == folds.count, "repeat (\(repeats.count)) and fold (\(folds.count)) columns differ in length")
            self.repeats = repeats
            self.folds = folds
        }

        /// The distinct repeats, ascending.
        public var repeatNumbers: [Int] { Array(Set(repeats)).sorted() }

        /// The rows of each repeat's each fold, in ascending (repeat, fold) order; rows keep
        /// table order.
        public var foldRows: [(repeatNumber: Int, fold: Int, rows: [Int])] {
            var groups: [Pair: [Int]] = [:]
            for row in folds.indices { groups[Pair(repeatNumber: repeats[row], fold: folds[row]), default: []].append(row) }
            return groups.keys.sorted { ($0.repeatNumber, $0.fold) < ($1.repeatNumber, $1.fold) }
                .map { ($0.repeatNumber, $0.fold, groups[$0]!) }
        }

        /// The rows of `repeatNumber`, in table order.
        public func rows(inRepeat repeatNumber: Int) -> [Int] {
            repeats.indices.filter { repeats[$0] == repeatNumber }
        }

        private struct Pair: Hashable {
            var repeatNumber: Int
            var fold: Int
        }

        /// The rules above that involve case ids and labels (`readFoldColumns` checks the values).
        func check(caseIDs: [String], labels: [String], source: String) throws {
            precondition(repeats.count == caseIDs.count, "fold columns (\(repeats.count)) and cases (\(caseIDs.count)) differ in length")
            for index in repeats.indices {
                for (column, number) in [("repeat", repeats[index]), ("fold", folds[index])] where number < 0 {
                    throw UserError("\(source) line \(CSVTable.lineNumber(ofRow: index)), column \(column): \(number) is negative "
                        + "(expected the \(column), a whole number ≥ 0)")
                }
            }
            let numbers = repeatNumbers
            var firstRow: [String: Int] = [:]
            var linesByRepeat: [Int: [String: Int]] = [:]
            for (index, id) in caseIDs.enumerated() {
                let line = CSVTable.lineNumber(ofRow: index)
                let repeatNumber = repeats[index]
                if let first = linesByRepeat[repeatNumber]?[id] {
                    throw UserError("\(source) line \(line), column case_id: duplicate case id '\(id)' in repeat \(repeatNumber) "
                        + "(first on line \(first))")
                }
                linesByRepeat[repeatNumber, default: [:]][id] = line
                if let first = firstRow[id], labels[first] != labels[index] {
                    throw UserError("\(source) line \(line), column label: case '\(id)' is '\(labels[index])' here "
                        + "but '\(labels[first])' on line \(CSVTable.lineNumber(ofRow: first))")
                }
                if firstRow[id] == nil { firstRow[id] = index }
            }
            for repeatNumber in numbers {
                let present = linesByRepeat[repeatNumber]!
                if let missing = caseIDs.first(where: { present[$0] == nil }) {
                    throw UserError("\(source), column repeat: repeat \(repeatNumber) has no row for case '\(missing)' "
                        + "(line \(CSVTable.lineNumber(ofRow: firstRow[missing]!))); every repeat predicts every case once")
                }
            }
            let foldCounts = numbers.map { repeatNumber in Set(rows(inRepeat: repeatNumber).map { folds[$0] }).count }
            for (repeatNumber, count) in zip(numbers, foldCounts) where count < 2 {
                let fold = folds[rows(inRepeat: repeatNumber)[0]]
                throw UserError("\(source), column fold: repeat \(repeatNumber) has a single fold (\(fold)); "
                    + "cross-validation needs at least 2 folds per repeat")
            }
            for (repeatNumber, count) in zip(numbers, foldCounts) where count != foldCounts[0] {
                throw UserError("\(source), column fold: repeat \(repeatNumber) has \(count) folds but repeat \(numbers[0]) "
                    + "has \(foldCounts[0]); every repeat needs the same number of folds")
            }
        }
    }

    /// The `fold` and `repeat` columns of a predictions CSV, or nil when it has no `fold` column
    /// (a hold-out evaluation). Values must be whole numbers ≥ 0.
    static func readFoldColumns(_ csv: CSVTable) throws -> FoldColumns? {
        for name in ["fold", "repeat"] where csv.header.filter({ $0 == name }).count > 1 {
            throw UserError("\(csv.source): column '\(name)' appears more than once in the header")
        }
        let foldColumn = csv.header.firstIndex(of: "fold"), repeatColumn = csv.header.firstIndex(of: "repeat")
        guard let foldColumn else {
            if repeatColumn != nil {
                throw UserError("\(csv.source): column 'repeat' without a 'fold' column "
                    + "(out-of-fold predictions give the fold of every case, and the repeat when repeated)")
            }
            return nil
        }
        func numbers(_ column: Int, _ name: String) throws -> [Int] {
            try csv.rows.indices.map { index in
                let text = csv.rows[index][column].trimmingCharacters(in: .whitespaces)
                let place = "\(csv.source) line \(CSVTable.lineNumber(ofRow: index)), column \(name)"
                let expected = "expected the \(name), a whole number ≥ 0"
                guard !text.isEmpty else { throw UserError("\(place): missing value (\(expected))") }
                guard let value = Int(text) else { throw UserError("\(place): '\(text)' is not a whole number (\(expected))") }
                guard value >= 0 else { throw UserError("\(place): \(value) is negative (\(expected))") }
                return value
            }
        }
        let folds = try numbers(foldColumn, "fold")
        let repeats = try repeatColumn.map { try numbers($0, "repeat") } ?? Array(repeating: 1, count: csv.rows.count)
        return FoldColumns(repeats: repeats, folds: folds)
    }

    /// The rows of one repeat as a table of their own, without fold columns: that repeat's
    /// pooled out-of-fold predictions, every case once.
    public func table(ofRepeat repeatNumber: Int) throws -> PredictionTable {
        guard let foldColumns else { return self }
        let rows = foldColumns.rows(inRepeat: repeatNumber)
        precondition(!rows.isEmpty, "no rows in repeat \(repeatNumber)")
        return try PredictionTable(source: source, caseIDs: rows.map { caseIDs[$0] }, labels: rows.map { labels[$0] },
                                   models: models.map { model in Model(name: model.name, scores: rows.map { model.scores[$0] }) })
    }
}

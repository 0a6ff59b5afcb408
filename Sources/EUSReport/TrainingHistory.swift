import EUSSupport
import Foundation

/// One model's training history (`histories/<model>.csv`: `epoch,train_loss,train_accuracy,
/// lr,seconds`, optionally `val_loss,val_accuracy`). Every numeric column is kept by name.
public struct TrainingHistory: Sendable {
    public var model: String
    public var epochs: [Double]
    public var columns: [String: [Double]]

    public init(model: String, epochs: [Double], columns: [String: [Double]]) {
        self.model = model
        self.epochs = epochs
        self.columns = columns
    }

    /// Reads a history CSV; `epoch` is required, a non-numeric cell is a `UserError` naming
    /// the file, line and column.
    public init(contentsOf url: URL, model: String) throws {
        let table = try CSVTable(contentsOf: url)
        let epochColumn = try table.column("epoch")
        var columns: [String: [Double]] = [:]
        for (index, name) in table.header.enumerated() where index != epochColumn {
            columns[name] = []
        }
        var epochs: [Double] = []
        for (row, fields) in table.rows.enumerated() {
            for (index, name) in table.header.enumerated() {
                let text = fields[index].trimmingCharacters(in: .whitespaces)
                guard let value = Double(text), value.isFinite else {
                    throw UserError("\(url.path) line \(CSVTable.lineNumber(ofRow: row)), column \(name): '\(text)' is not a finite number")
                }
                if index == epochColumn { epochs.append(value) } else { columns[name]!.append(value) }
            }
        }
        self.init(model: model, epochs: epochs, columns: columns)
    }

    public func values(_ column: String) -> [Double]? { columns[column] }

    /// Total training time from the `seconds` column (per-epoch seconds), if present.
    public var totalSeconds: Double? { columns["seconds"].map { $0.reduce(0, +) } }
}

import Foundation
import EUSSupport

/// A subgroup variable to analyse: a manifest column, and for a numeric column an optional
/// cut (nil: the median of the evaluated cases).
public struct SubgroupRequest: Sendable, Equatable {
    public var column: String
    public var cut: Double?

    public init(column: String, cut: Double? = nil) {
        self.column = column
        self.cut = cut
    }
}

/// `subgroups` in metrics.json: each model's sensitivity, specificity and accuracy (with every
/// 95% interval, Wilson shown in the report) and AUC (DeLong 95% CI) within each level of a
/// manifest column, with the level's n and its class counts.
///
/// - A column whose every non-empty value is a finite number is numeric and is cut in two:
///   values ≤ cut and values > cut, the cut being the median of the evaluated cases' values
///   (the mean of the two middle values for an even count) unless one is given. Any other
///   column is categorical: one group per distinct value, in sorted order.
/// - Cases with an empty value form a group "missing".
/// - Degenerate input: a subgroup with one class only has no specificity (or sensitivity) and no
///   AUC: they are nil ("n/a"), with a note, never 0/0; the DeLong CI needs 2 cases of each class.
/// - Subgroups are small: their intervals are wide and they are descriptive, not tests of
///   interaction (Wang R, Lagakos SW, Ware JH, Hunter DJ, Drazen JM (2007) Statistics in
///   medicine: reporting of subgroup analyses in clinical trials, N Engl J Med 357:2189–2194).
public struct SubgroupAnalysis: Codable, Equatable, Sendable {
    public struct Model: Codable, Equatable, Sendable {
        public var name: String
        public var sensitivity: ProportionSummary
        public var specificity: ProportionSummary
        public var accuracy: ProportionSummary
        public var auc: Double?
        public var aucCI: Interval?
        public var note: String?

        enum CodingKeys: String, CodingKey {
            case name, sensitivity, specificity, accuracy, auc, aucCI = "auc_ci", note
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(sensitivity, forKey: .sensitivity)
            try c.encode(specificity, forKey: .specificity)
            try c.encode(accuracy, forKey: .accuracy)
            try c.encode(auc, forKey: .auc)
            try c.encode(aucCI, forKey: .aucCI)
            try c.encode(note, forKey: .note)
        }
    }

    public struct Group: Codable, Equatable, Sendable {
        public var label: String
        public var n: Int
        public var positives: Int
        public var negatives: Int
        public var models: [Model]
    }

    public var column: String
    /// "numeric" or "categorical".
    public var kind: String
    public var cut: Double?
    /// "median" or "given", for a numeric column.
    public var cutSource: String?
    public var groups: [Group]

    enum CodingKeys: String, CodingKey {
        case column, kind, cut, cutSource = "cut_source", groups
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(column, forKey: .column)
        try c.encode(kind, forKey: .kind)
        try c.encode(cut, forKey: .cut)
        try c.encode(cutSource, forKey: .cutSource)
        try c.encode(groups, forKey: .groups)
    }

    public static let missingLabel = "missing"

    /// The analysis of one column: `values` holds the column's value for each row of `table`.
    public init(_ request: SubgroupRequest, values: [String], table: PredictionTable, positiveClass: String,
                threshold: Double, alpha: Double = 0.05) {
        precondition(values.count == table.caseIDs.count, "one subgroup value per case")
        column = request.column
        let trimmed = values.map { $0.trimmingCharacters(in: .whitespaces) }
        let present = trimmed.filter { !$0.isEmpty }
        let numbers = present.compactMap(Double.init).filter(\.isFinite)
        let isNumeric = !present.isEmpty && numbers.count == present.count
        var labels: [String]
        if isNumeric {
            let cut = request.cut ?? SubgroupAnalysis.median(numbers)
            kind = "numeric"
            self.cut = cut
            cutSource = request.cut == nil ? "median" : "given"
            let text = SubgroupAnalysis.format(cut)
            labels = trimmed.map { value in
                guard let x = Double(value) else { return SubgroupAnalysis.missingLabel }
                return x <= cut ? "≤ \(text)" : "> \(text)"
            }
        } else {
            kind = "categorical"
            cut = nil
            cutSource = nil
            labels = trimmed.map { $0.isEmpty ? SubgroupAnalysis.missingLabel : $0 }
        }
        let order = isNumeric ? ["≤ \(SubgroupAnalysis.format(cut!))", "> \(SubgroupAnalysis.format(cut!))"]
            : Array(Set(labels).subtracting([SubgroupAnalysis.missingLabel])).sorted()
        let levels = order.filter(labels.contains) + (labels.contains(SubgroupAnalysis.missingLabel) ? [SubgroupAnalysis.missingLabel] : [])
        groups = levels.map { level in
            let rows = labels.indices.filter { labels[$0] == level }
            let isPositive = rows.map { table.labels[$0] == positiveClass }
            let models = table.models.map { model in
                SubgroupAnalysis.modelSummary(model.name, isPositive: isPositive, scores: rows.map { model.scores[$0] },
                                              threshold: threshold, alpha: alpha)
            }
            let positives = isPositive.filter { $0 }.count
            return Group(label: level, n: rows.count, positives: positives, negatives: rows.count - positives, models: models)
        }
    }

    static func modelSummary(_ name: String, isPositive: [Bool], scores: [Double], threshold: Double,
                             alpha: Double) -> Model {
        let proportions = ConfusionCounts(isPositive: isPositive, scores: scores, threshold: threshold).proportions(alpha: alpha)
        let split = ClassScores(isPositive: isPositive, scores: scores)
        let auc = AUC.mannWhitney(split)
        let ci = DeLong.variance(split).flatMap { variance in auc.map { DeLong.interval(auc: $0, variance: variance, alpha: alpha) } }
        var note: String?
        if !split.hasBothClasses {
            note = "one class only: \(split.positives.isEmpty ? "sensitivity" : "specificity") and AUC are undefined"
        } else if ci == nil {
            note = "fewer than 2 cases of a class: no DeLong CI"
        }
        return Model(name: name, sensitivity: proportions.sensitivity, specificity: proportions.specificity,
                     accuracy: proportions.accuracy, auc: auc, aucCI: ci, note: note)
    }

    /// The median: the middle value, or the mean of the two middle values.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// A cut as a label shows it: an integer without decimals, otherwise up to 4 significant digits.
    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String(format: "%.4g", x)
    }

    /// Every requested column of `manifest` analysed on `table` (out-of-fold predictions on their
    /// first repeat, as the rest of metrics.json); errors as `values(of:in:caseIDs:)`.
    public static func analyse(_ requests: [SubgroupRequest], manifest: CSVTable, table: PredictionTable,
                               positiveClass: String, threshold: Double, alpha: Double = 0.05) throws -> [SubgroupAnalysis] {
        let evaluated = try table.firstRepeat()
        return try requests.map { request in
            let values = try values(of: request.column, in: manifest, caseIDs: evaluated.caseIDs)
            return SubgroupAnalysis(request, values: values, table: evaluated, positiveClass: positiveClass,
                                    threshold: threshold, alpha: alpha)
        }
    }

    /// The column `column` of `manifest` for each of `caseIDs`, joined on `case_id`.
    ///
    /// - Throws: `UserError` naming the manifest when it has no `case_id` column or no such
    ///   column (listing the columns it has), or when a case is not in it.
    public static func values(of column: String, in manifest: CSVTable, caseIDs: [String]) throws -> [String] {
        guard manifest.header.contains("case_id") else {
            throw UserError("\(manifest.source): no case_id column to join subgroups on")
        }
        guard let index = manifest.header.firstIndex(of: column) else {
            throw UserError("\(manifest.source): --subgroup \(column): no such column (columns: \(manifest.header.joined(separator: ", ")))")
        }
        let idColumn = manifest.header.firstIndex(of: "case_id")!
        var byID: [String: String] = [:]
        for row in manifest.rows { byID[row[idColumn].trimmingCharacters(in: .whitespaces)] = row[index] }
        return try caseIDs.map { id in
            guard let value = byID[id] else {
                throw UserError("\(manifest.source): case '\(id)' of the predictions is not in the manifest")
            }
            return value
        }
    }
}

import Foundation

extension MetricsComputer {
    /// Fills in what TRIPOD+AI and CLAIM ask for beyond the 2×2 table: `decision_curve`
    /// (`DecisionCurve` on `thresholds`), `calibration` (`CalibrationFit` per model) and
    /// `sample_size` (`SampleSizeSummary`). Subgroups need a manifest and are added by
    /// `SubgroupAnalysis.analyse` separately.
    public static func addBeyondTheTwoByTwoTable(to document: inout MetricsDocument, table: PredictionTable,
                                                 isPositive: [Bool], alpha: Double,
                                                 thresholds: [Double] = DecisionCurve.defaultThresholds) {
        let scores = table.models.map { (name: $0.name, scores: $0.scores) }
        document.decisionCurve = DecisionCurve(isPositive: isPositive, models: scores, thresholds: thresholds)
        document.calibration = table.models.map {
            CalibrationFit(model: $0.name, isPositive: isPositive, scores: $0.scores, alpha: alpha)
        }
        document.sampleSize = SampleSizeSummary(document: document, isPositive: isPositive, scores: scores, alpha: alpha)
    }
}

extension MetricsComputer {
    /// The decision curve of `table` on another grid of thresholds (`--decision-thresholds`),
    /// on the cases metrics.json describes: the first repeat's for out-of-fold predictions.
    public static func decisionCurve(_ table: PredictionTable, positiveClass: String,
                                     thresholds: [Double]) throws -> DecisionCurve? {
        let evaluated = try table.firstRepeat()
        return DecisionCurve(isPositive: evaluated.labels.map { $0 == positiveClass },
                             models: evaluated.models.map { ($0.name, $0.scores) }, thresholds: thresholds)
    }
}

extension PredictionTable {
    /// The table itself, or its first repeat's rows for out-of-fold predictions: the cases
    /// metrics.json's top-level entries describe.
    public func firstRepeat() throws -> PredictionTable {
        try foldColumns.map { try table(ofRepeat: $0.repeatNumbers[0]) } ?? self
    }
}

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

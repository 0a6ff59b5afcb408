import Foundation
import EUSSupport

/// Computes the whole of `metrics.json` from a prediction table: the one entry point that
/// `eus-report metrics`, `evaluate` and `report` share.
public enum MetricsComputer {
    /// Every model's confusion matrix, proportions with all intervals, F1, balanced accuracy,
    /// LR±, Brier score, AUC with DeLong and bootstrap CIs, ROC curve, reliability table and
    /// Youden threshold, and for every pair of models (in column order) the paired DeLong test,
    /// McNemar's tests and the agreement table.
    ///
    /// A table with fold columns (out-of-fold predictions) gives `CrossValidation.document`:
    /// these entries for the first repeat's pooled predictions, and `cross_validation`. With
    /// `reader:` columns a hold-out document also has `readers` (ReaderAnalysis.compute).
    ///
    /// - Parameters:
    ///   - table: the cases; its labels are class names.
    ///   - positiveClass: the class whose probability the model columns hold (GIST); the
    ///     negative class is the other one.
    ///   - threshold: a case is called positive when P(positive) ≥ threshold.
    ///   - thresholdSource: how the threshold was chosen, in words, for the report; nil gives
    ///     "fixed at 0.5 before evaluation" for 0.5 and "set to <t>" otherwise.
    ///   - bootstrapResamples: stratified bootstrap replicates per model (0 skips the bootstrap:
    ///     `bootstrap_ci` is null).
    ///   - seed: the bootstrap seed; every model uses the same seed, so the models are judged on
    ///     the same resamples.
    ///   - alpha: 1 − confidence level of every interval (0.05 for 95%).
    ///   - patientAggregation: how a patient's P(positive) is made from its images' when the
    ///     table has `patient_id` and some patient has more than one image (`patients`).
    /// - Throws: `UserError` naming the table's file when the positive class is not one of the
    ///   two classes, or when a class has fewer than 2 cases (the DeLong variance needs 2); when
    ///   a patient's images carry different labels; when reader columns sit beside fold columns.
    public static func compute(_ table: PredictionTable, positiveClass: String = "GIST",
                               threshold: Double = 0.5,
                               thresholdSource: String? = nil,
                               bootstrapResamples: Int = 2000, seed: UInt64 = 1,
                               alpha: Double = 0.05,
                               patientAggregation: PatientAggregation = .mean) throws -> MetricsDocument {
        precondition(threshold.isFinite, "the threshold must be finite")
        if table.foldColumns != nil {
            if let reader = table.readers.first {
                throw UserError("\(table.source), column reader:\(reader.name): reader columns are analysed for a hold-out evaluation, not beside out-of-fold predictions (a fold column)")
            }
            return try CrossValidation.document(table, positiveClass: positiveClass, threshold: threshold,
                                                thresholdSource: thresholdSource, bootstrapResamples: bootstrapResamples,
                                                seed: seed, alpha: alpha)
        }
        let classes = table.classes
        guard classes.contains(positiveClass) else {
            throw UserError("\(table.source), column label: positive class '\(positiveClass)' not found "
                + "(classes: \(classes.joined(separator: ", ")))")
        }
        let negativeClass = classes.first { $0 != positiveClass }!
        let isPositive = table.labels.map { $0 == positiveClass }
        for (name, count) in [(positiveClass, isPositive.filter { $0 }.count),
                              (negativeClass, isPositive.filter { !$0 }.count)] where count < 2 {
            throw UserError("\(table.source), column label: only \(count) case of class '\(name)'; "
                + "the DeLong variance needs at least 2 cases of each class")
        }
        let models = table.models.map {
            modelMetrics($0, isPositive: isPositive, threshold: threshold,
                         bootstrapResamples: bootstrapResamples, seed: seed, alpha: alpha)
        }
        var comparisons: [ModelComparison] = []
        for i in table.models.indices {
            for j in table.models.indices where j > i {
                comparisons.append(compare(table.models[i], table.models[j], isPositive: isPositive,
                                           threshold: threshold, alpha: alpha))
            }
        }
        let source = thresholdSource ?? (threshold == 0.5 ? "fixed at 0.5 before evaluation" : "set to \(threshold)")
        var document = MetricsDocument(positiveClass: positiveClass, negativeClass: negativeClass,
                                       threshold: threshold, thresholdSource: source,
                                       n: table.caseIDs.count, models: models, comparisons: comparisons)
        document.readers = ReaderAnalysis.compute(readers: table.readers, models: table.models, isPositive: isPositive,
                                                  positiveClass: positiveClass, threshold: threshold, alpha: alpha)
        if let patientIDs = table.patientIDs {
            let groups = try PatientGroups(patientIDs: patientIDs, isPositive: isPositive, labels: table.labels, source: table.source)
            if groups.largestGroup > 1 {
                document.patients = PatientAnalysis.compute(table, groups: groups, perImage: models, aggregation: patientAggregation,
                                                            threshold: threshold, bootstrapResamples: bootstrapResamples,
                                                            seed: seed, alpha: alpha)
            }
        }
        addBeyondTheTwoByTwoTable(to: &document, table: table, isPositive: isPositive, alpha: alpha)
        return document
    }

    /// One model's metrics; needs ≥ 2 cases of each class.
    public static func modelMetrics(_ model: PredictionTable.Model, isPositive: [Bool], threshold: Double,
                                    bootstrapResamples: Int, seed: UInt64, alpha: Double) -> ModelMetrics {
        let confusion = ConfusionCounts(isPositive: isPositive, scores: model.scores, threshold: threshold)
        let split = ClassScores(isPositive: isPositive, scores: model.scores)
        let components = DeLong.components(split)!
        let variance = DeLong.variance(split)!
        let auc = AUCSummary(
            value: components.auc, delongSE: variance.squareRoot(),
            delongCI: DeLong.interval(auc: components.auc, variance: variance, alpha: alpha),
            bootstrapCI: BootstrapAUC.interval(split, resamples: bootstrapResamples, seed: seed, alpha: alpha))
        let roc = ROCCurve(split)!
        return ModelMetrics(
            name: model.name, confusion: confusion, proportions: confusion.proportions(alpha: alpha),
            f1: confusion.f1, balancedAccuracy: confusion.balancedAccuracy,
            lrPositive: confusion.lrPositive, lrNegative: confusion.lrNegative,
            brier: Calibration.brier(isPositive: isPositive, scores: model.scores)!,
            auc: auc, roc: roc.summary,
            reliability: Calibration.reliability(isPositive: isPositive, scores: model.scores),
            youdenThreshold: roc.youdenThreshold)
    }

    /// Model A against model B on the same cases: paired DeLong on the scores, McNemar and the
    /// agreement table on the calls at `threshold`.
    public static func compare(_ a: PredictionTable.Model, _ b: PredictionTable.Model, isPositive: [Bool],
                               threshold: Double, alpha: Double) -> ModelComparison {
        let paired = DeLong.paired(ClassScores(isPositive: isPositive, scores: a.scores),
                                   ClassScores(isPositive: isPositive, scores: b.scores), alpha: alpha)!
        func correct(_ model: PredictionTable.Model) -> [Bool] {
            zip(isPositive, model.scores).map { positive, score in (score >= threshold) == positive }
        }
        let agreement = AgreementTable(aCorrect: correct(a), bCorrect: correct(b))
        return ModelComparison(
            a: a.name, b: b.name,
            delong: DeLongComparison(z: paired.z, p: paired.p, aucDiff: paired.difference,
                                     diffCI: paired.differenceInterval),
            mcnemar: McNemar.summary(b: agreement.onlyA, c: agreement.onlyB),
            agreement: agreement)
    }
}

import Foundation
import EUSSupport

/// The statistics of a (repeated) k-fold cross-validation, from out-of-fold predictions: every
/// case is predicted once per repeat, by the networks trained on the other folds of that repeat.
///
/// `compute` gives metrics.json's `cross_validation`:
/// - **per fold** (`per_fold`), for every network: the 2×2 table, sensitivity, specificity, PPV,
///   NPV and accuracy with every interval (`ConfusionCounts.proportions`), and the AUC
///   (`AUC.mannWhitney`) of that fold's held-out cases;
/// - **across folds** (`across_folds`), over all k·R folds: the mean x̄ = Σxᵢ/K, the SD
///   √(Σ(xᵢ − x̄)²/(K − 1)) (ddof 1) and the min and max of each of those, K being the folds
///   where the value is defined (a PPV with nothing called positive, an AUC of a fold with one
///   class, is left out and the count says so);
/// - **pooled** (`pooled`), per repeat: all n out-of-fold predictions of that repeat evaluated
///   as one set by `MetricsComputer`, so with exactly the hold-out document's model entries
///   and every interval. With R > 1 each repeat is pooled on its own, never all R·n
///   predictions together: those hold every case R times, and binomial and DeLong intervals
///   that took them as R·n independent cases would be about √R too narrow. The document's
///   top-level `models` and `comparisons` are the first repeat's pooled entries;
/// - **comparisons** of every pair of networks A, B (column order): the corrected resampled
///   t-test (`CorrectedResampledTTest`) on the k·R per-fold differences A − B in accuracy and
///   in AUC, and, per repeat, the paired DeLong test, McNemar's tests and the agreement table
///   on the pooled predictions (`pooled_ignoring_folds`). Those pooled tests treat the n cases
///   as if one network had scored them all, ignoring that each fold's predictions come from
///   networks trained on different data; the t-test is the one that respects the folds.
///
/// n_train and n_test of the t-test: fold i holds out nᵢ cases and trains on the other
/// n − nᵢ of its repeat; folds differ by a case or so, and the t-test takes the means over all
/// k·R folds, n_test = Σnᵢ/(kR) and n_train = n − n_test (so 142 cases in 5 folds give 28.4
/// and 113.6). The fold's training cases are taken to be all the others of its repeat.
///
/// References: Nadeau C, Bengio Y (2003) Mach Learn 52:239–281 and Bouckaert RR, Frank E (2004)
/// PAKDD, LNCS 3056:3–12 (the t-test). Forman G, Scholz M (2010) Apples-to-apples in
/// cross-validation studies: pitfalls in classifier performance measurement, SIGKDD Explor
/// 12:49–57, and Airola A et al. (2011) An experimental comparison of cross-validation
/// techniques for estimating the area under the ROC curve, Comput Stat Data Anal 55:1828–1844
/// (pooled against per-fold averaged AUC).
///
/// Worked example (also a test): 8 cases (4 GIST, 4 LM) in 2 folds of 4. Network m1 gets 3 of
/// 4 right in both folds (accuracy 0.75, 0.75; AUC 1, 1), network m2 2 then 3 (0.5, 0.75; AUC
/// 0.75, 0.75). Across folds m2's accuracy has mean 0.625 and SD 0.176777. The accuracy
/// differences [0.25, 0] with n_train = n_test = 4 give d̄ = 0.125, corrected SD
/// √((1/2 + 4/4)·0.03125) = 0.216506, t = 1/√3 and, with df = 1, p = 1 − (2/π)·atan(1/√3) = 2/3.
/// The AUC differences [0.25, 0.25] have zero variance: t, p and CI are null, with the reason.
public enum CrossValidation {
    /// What `pooled` holds, in words, for metrics.json and the report.
    public static let poolingDescription = "each repeat's out-of-fold predictions (every case once) evaluated as one set; "
        + "repeats are pooled separately, never together; the top-level models and comparisons are the first repeat's"

    /// metrics.json for out-of-fold predictions: the first repeat's pooled document with
    /// `crossValidation` filled in. `MetricsComputer.compute` calls it when the table has a
    /// `fold` column; the parameters are its parameters.
    ///
    /// - Throws: `UserError` as `MetricsComputer.compute` does (unknown positive class, a class
    ///   with fewer than 2 cases in a repeat).
    public static func document(_ table: PredictionTable, positiveClass: String, threshold: Double,
                                thresholdSource: String?, bootstrapResamples: Int, seed: UInt64,
                                alpha: Double) throws -> MetricsDocument {
        guard let foldColumns = table.foldColumns else {
            preconditionFailure("CrossValidation.document needs a table with fold columns")
        }
        let pooled = try foldColumns.repeatNumbers.map { repeatNumber in
            (repeatNumber, try MetricsComputer.compute(table.table(ofRepeat: repeatNumber), positiveClass: positiveClass,
                                                       threshold: threshold, thresholdSource: thresholdSource,
                                                       bootstrapResamples: bootstrapResamples, seed: seed, alpha: alpha))
        }
        var document = pooled[0].1
        document.crossValidation = summary(table, pooled: pooled, positiveClass: positiveClass, threshold: threshold,
                                           alpha: alpha)
        return document
    }

    /// `cross_validation` from the table and each repeat's pooled document (in repeat order, as
    /// `MetricsComputer.compute` made them from `table.table(ofRepeat:)`).
    public static func summary(_ table: PredictionTable, pooled: [(repeatNumber: Int, document: MetricsDocument)],
                               positiveClass: String, threshold: Double, alpha: Double = 0.05) -> CrossValidationSummary {
        guard let foldColumns = table.foldColumns else {
            preconditionFailure("CrossValidation.summary needs a table with fold columns")
        }
        let isPositive = table.labels.map { $0 == positiveClass }
        let cases = table.caseIDs.count / foldColumns.repeatNumbers.count
        let perFold = foldColumns.foldRows.map { group in
            foldMetrics(table, rows: group.rows, repeatNumber: group.repeatNumber, fold: group.fold,
                        isPositive: isPositive, cases: cases, threshold: threshold, alpha: alpha)
        }
        let nTest = Double(perFold.map(\.n).reduce(0, +)) / Double(perFold.count)
        let nTrain = Double(cases) - nTest
        let acrossFolds = table.models.indices.map { AcrossFolds(perFold, model: $0) }
        var comparisons: [CrossValidationComparison] = []
        for i in table.models.indices {
            for j in table.models.indices where j > i {
                comparisons.append(compare(i, j, perFold: perFold, pooled: pooled, comparisonIndex: comparisons.count,
                                           nTrain: nTrain, nTest: nTest, alpha: alpha))
            }
        }
        return CrossValidationSummary(
            folds: perFold.count / foldColumns.repeatNumbers.count, repeats: foldColumns.repeatNumbers.count, n: cases,
            nTrain: nTrain, nTest: nTest, pooling: poolingDescription, perFold: perFold, acrossFolds: acrossFolds,
            pooled: pooled.map { PooledOutOfFold(repeatNumber: $0.repeatNumber, n: $0.document.n, models: $0.document.models) },
            comparisons: comparisons)
    }

    /// One fold's held-out cases (`rows` of `table`), every network: the 2×2 table at
    /// `threshold`, the proportions with every interval, and the AUC (nil with one class).
    public static func foldMetrics(_ table: PredictionTable, rows: [Int], repeatNumber: Int, fold: Int, isPositive: [Bool],
                                   cases: Int, threshold: Double, alpha: Double = 0.05) -> CrossValidationFold {
        let positives = rows.map { isPositive[$0] }
        let models = table.models.map { model in
            let scores = rows.map { model.scores[$0] }
            let confusion = ConfusionCounts(isPositive: positives, scores: scores, threshold: threshold)
            return CrossValidationFold.Model(name: model.name, confusion: confusion,
                                             proportions: confusion.proportions(alpha: alpha),
                                             auc: AUC.mannWhitney(ClassScores(isPositive: positives, scores: scores)))
        }
        let nPositive = positives.filter { $0 }.count
        return CrossValidationFold(repeatNumber: repeatNumber, fold: fold, n: rows.count, nTrain: cases - rows.count,
                                   nPositive: nPositive, nNegative: rows.count - nPositive, models: models)
    }

    /// Networks i and j: the t-tests on the per-fold differences, and the pooled tests of every
    /// repeat (entry `comparisonIndex` of each pooled document, the same pair).
    static func compare(_ i: Int, _ j: Int, perFold: [CrossValidationFold],
                        pooled: [(repeatNumber: Int, document: MetricsDocument)], comparisonIndex: Int,
                        nTrain: Double, nTest: Double, alpha: Double) -> CrossValidationComparison {
        let (a, b) = (perFold[0].models[i].name, perFold[0].models[j].name)
        let accuracy = perFold.map { fold in
            fold.models[i].proportions.accuracy.value! - fold.models[j].proportions.accuracy.value!
        }
        let aucDifferences = perFold.compactMap { fold -> Double? in
            guard let x = fold.models[i].auc, let y = fold.models[j].auc else { return nil }
            return x - y
        }
        var auc = CorrectedResampledTTest(differences: aucDifferences, nTrain: nTrain, nTest: nTest, alpha: alpha)
        if aucDifferences.count < perFold.count {
            auc.t = nil
            auc.p = nil
            auc.ci = nil
            auc.reason = "AUC is undefined in \(perFold.count - aucDifferences.count) of \(perFold.count) folds "
                + "(a fold with one class only); differences lists the other folds, and the test needs every fold"
        }
        let pooledTests = pooled.map { entry -> PooledComparison in
            let comparison = entry.document.comparisons[comparisonIndex]
            precondition(comparison.a == a && comparison.b == b, "pooled comparisons out of order")
            return PooledComparison(repeatNumber: entry.repeatNumber, delong: comparison.delong,
                                    mcnemar: comparison.mcnemar, agreement: comparison.agreement)
        }
        return CrossValidationComparison(
            a: a, b: b,
            correctedTTest: .init(accuracy: CorrectedResampledTTest(differences: accuracy, nTrain: nTrain, nTest: nTest,
                                                                    alpha: alpha),
                                  auc: auc),
            pooledIgnoringFolds: pooledTests)
    }
}

// MARK: - metrics.json's `cross_validation`

/// metrics.json's `cross_validation` (see `CrossValidation` for every formula). Absent from a
/// hold-out evaluation's metrics.json.
public struct CrossValidationSummary: Codable, Equatable, Sendable {
    /// k, the folds of each repeat.
    public var folds: Int
    /// R, the repeats.
    public var repeats: Int
    /// The cases, each predicted once per repeat.
    public var n: Int
    /// The t-test's n_train: n − n_test.
    public var nTrain: Double
    /// The t-test's n_test: the mean fold size over all k·R folds.
    public var nTest: Double
    /// What `pooled` holds, in words.
    public var pooling: String
    /// Every fold of every repeat, in (repeat, fold) order.
    public var perFold: [CrossValidationFold]
    /// One entry per network, in column order.
    public var acrossFolds: [AcrossFolds]
    /// One entry per repeat.
    public var pooled: [PooledOutOfFold]
    /// One entry per pair of networks, in the order of the top-level comparisons.
    public var comparisons: [CrossValidationComparison]

    public init(folds: Int, repeats: Int, n: Int, nTrain: Double, nTest: Double, pooling: String,
                perFold: [CrossValidationFold], acrossFolds: [AcrossFolds], pooled: [PooledOutOfFold],
                comparisons: [CrossValidationComparison]) {
        self.folds = folds
        self.repeats = repeats
        self.n = n
        self.nTrain = nTrain
        self.nTest = nTest
        self.pooling = pooling
        self.perFold = perFold
        self.acrossFolds = acrossFolds
        self.pooled = pooled
        self.comparisons = comparisons
    }

    enum CodingKeys: String, CodingKey {
        case folds, repeats, n, nTrain = "n_train", nTest = "n_test", pooling, perFold = "per_fold"
        case acrossFolds = "across_folds", pooled, comparisons
    }
}

/// One fold's held-out cases, every network.
public struct CrossValidationFold: Codable, Equatable, Sendable {
    /// One network on the fold.
    public struct Model: Codable, Equatable, Sendable {
        public var name: String
        public var confusion: ConfusionCounts
        /// Sensitivity, specificity, PPV, NPV and accuracy with every interval.
        public var proportions: ProportionSet
        /// The Mann-Whitney AUC; nil (JSON null) when the fold holds one class only.
        public var auc: Double?

        public init(name: String, confusion: ConfusionCounts, proportions: ProportionSet, auc: Double?) {
            self.name = name
            self.confusion = confusion
            self.proportions = proportions
            self.auc = auc
        }

        enum CodingKeys: String, CodingKey { case name, confusion, proportions, auc }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(confusion, forKey: .confusion)
            try c.encode(proportions, forKey: .proportions)
            try c.encode(auc, forKey: .auc)
        }
    }

    public var repeatNumber: Int
    public var fold: Int
    /// The fold's held-out cases (n_test of this fold).
    public var n: Int
    /// The cases it trained on: the rest of its repeat.
    public var nTrain: Int
    public var nPositive: Int
    public var nNegative: Int
    public var models: [Model]

    public init(repeatNumber: Int, fold: Int, n: Int, nTrain: Int, nPositive: Int, nNegative: Int, models: [Model]) {
        self.repeatNumber = repeatNumber
        self.fold = fold
        self.n = n
        self.nTrain = nTrain
        self.nPositive = nPositive
        self.nNegative = nNegative
        self.models = models
    }

    enum CodingKeys: String, CodingKey {
        case repeatNumber = "repeat", fold, n, nTrain = "n_train", nPositive = "n_positive", nNegative = "n_negative", models
    }
}

/// Mean, SD (ddof 1), min and max of one measure over the folds where it is defined.
public struct FoldSpread: Codable, Equatable, Sendable {
    /// The folds where the measure is defined (K).
    public var folds: Int
    /// Σxᵢ/K; nil when K = 0.
    public var mean: Double?
    /// √(Σ(xᵢ − x̄)²/(K − 1)); nil when K < 2.
    public var sd: Double?
    public var min: Double?
    public var max: Double?

    /// The spread of `values`, one per fold, nil where undefined in that fold.
    public init(_ values: [Double?]) {
        let defined = values.compactMap { $0 }
        folds = defined.count
        guard !defined.isEmpty else { return }
        let mean = defined.reduce(0, +) / Double(defined.count)
        self.mean = mean
        if defined.count >= 2 {
            sd = (defined.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(defined.count - 1)).squareRoot()
        }
        min = defined.min()
        max = defined.max()
    }

    enum CodingKeys: String, CodingKey { case folds, mean, sd, min, max }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(folds, forKey: .folds)
        try c.encode(mean, forKey: .mean)
        try c.encode(sd, forKey: .sd)
        try c.encode(min, forKey: .min)
        try c.encode(max, forKey: .max)
    }
}

/// One network's per-fold values summarised across all k·R folds.
public struct AcrossFolds: Codable, Equatable, Sendable {
    public var name: String
    public var sensitivity: FoldSpread
    public var specificity: FoldSpread
    public var ppv: FoldSpread
    public var npv: FoldSpread
    public var accuracy: FoldSpread
    public var auc: FoldSpread

    public init(name: String, sensitivity: FoldSpread, specificity: FoldSpread, ppv: FoldSpread, npv: FoldSpread,
                accuracy: FoldSpread, auc: FoldSpread) {
        self.name = name
        self.sensitivity = sensitivity
        self.specificity = specificity
        self.ppv = ppv
        self.npv = npv
        self.accuracy = accuracy
        self.auc = auc
    }

    /// Network `model` (its index in every fold's `models`) over `perFold`.
    public init(_ perFold: [CrossValidationFold], model: Int) {
        func spread(_ value: (CrossValidationFold.Model) -> Double?) -> FoldSpread {
            FoldSpread(perFold.map { value($0.models[model]) })
        }
        self.init(name: perFold[0].models[model].name,
                  sensitivity: spread(\.proportions.sensitivity.value), specificity: spread(\.proportions.specificity.value),
                  ppv: spread(\.proportions.ppv.value), npv: spread(\.proportions.npv.value),
                  accuracy: spread(\.proportions.accuracy.value), auc: spread(\.auc))
    }

    /// The measures in the order a paper prints them, with their JSON names.
    public var ordered: [(key: String, value: FoldSpread)] {
        [("sensitivity", sensitivity), ("specificity", specificity), ("ppv", ppv), ("npv", npv),
         ("accuracy", accuracy), ("auc", auc)]
    }
}

/// One repeat's out-of-fold predictions evaluated as one set: the hold-out document's model
/// entries, every interval included.
public struct PooledOutOfFold: Codable, Equatable, Sendable {
    public var repeatNumber: Int
    public var n: Int
    public var models: [ModelMetrics]

    public init(repeatNumber: Int, n: Int, models: [ModelMetrics]) {
        self.repeatNumber = repeatNumber
        self.n = n
        self.models = models
    }

    enum CodingKeys: String, CodingKey { case repeatNumber = "repeat", n, models }
}

/// The hold-out comparison (paired DeLong, McNemar, agreement) on one repeat's pooled
/// out-of-fold predictions: it ignores the fold structure.
public struct PooledComparison: Codable, Equatable, Sendable {
    public var repeatNumber: Int
    public var delong: DeLongComparison
    public var mcnemar: McNemarSummary
    public var agreement: AgreementTable

    public init(repeatNumber: Int, delong: DeLongComparison, mcnemar: McNemarSummary, agreement: AgreementTable) {
        self.repeatNumber = repeatNumber
        self.delong = delong
        self.mcnemar = mcnemar
        self.agreement = agreement
    }

    enum CodingKeys: String, CodingKey { case repeatNumber = "repeat", delong, mcnemar, agreement }
}

/// Network A against network B over the folds.
public struct CrossValidationComparison: Codable, Equatable, Sendable {
    /// The corrected resampled t-tests on the per-fold differences A − B.
    public struct CorrectedTTests: Codable, Equatable, Sendable {
        public var accuracy: CorrectedResampledTTest
        public var auc: CorrectedResampledTTest

        public init(accuracy: CorrectedResampledTTest, auc: CorrectedResampledTTest) {
            self.accuracy = accuracy
            self.auc = auc
        }
    }

    public var a: String
    public var b: String
    public var correctedTTest: CorrectedTTests
    /// Per repeat, the paired DeLong and McNemar tests on the pooled predictions, which ignore
    /// the fold structure.
    public var pooledIgnoringFolds: [PooledComparison]

    public init(a: String, b: String, correctedTTest: CorrectedTTests, pooledIgnoringFolds: [PooledComparison]) {
        self.a = a
        self.b = b
        self.correctedTTest = correctedTTest
        self.pooledIgnoringFolds = pooledIgnoringFolds
    }

    enum CodingKeys: String, CodingKey {
        case a, b, correctedTTest = "corrected_ttest", pooledIgnoringFolds = "pooled_ignoring_folds"
    }
}

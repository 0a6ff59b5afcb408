/// The shape of `metrics.json`: what `eus-report metrics` writes and `eus-report report` reads.
///
/// Every proportion carries its counts and every interval; an interval that is undefined
/// (n = 0) is `nil` here and `null` in JSON. The ROC's first threshold is +inf and is written
/// as `null`. Keys are snake_case in JSON (see `CodingKeys`).
public struct MetricsDocument: Codable, Equatable, Sendable {
    public var positiveClass: String
    public var negativeClass: String
    public var threshold: Double
    /// How the threshold was chosen, in words, for the report ("fixed at 0.5 before evaluation").
    public var thresholdSource: String
    public var n: Int
    public var models: [ModelMetrics]
    public var comparisons: [ModelComparison]
    /// The cross-validation's statistics (`cross_validation`) when the predictions were out of
    /// fold; nil for a hold-out evaluation, whose metrics.json then has no such key.
    public var crossValidation: CrossValidationSummary?
    /// The readers' calls beside the networks (`readers`, ReaderAnalysis.swift); nil without
    /// `reader:` columns.
    public var readers: ReaderAnalysis?
    /// The per-patient analysis (`patients`, PatientAnalysis.swift); nil unless some patient
    /// has more than one image.
    public var patients: PatientAnalysis?
    /// Net benefit over threshold probabilities (`decision_curve`); see `DecisionCurve`.
    public var decisionCurve: DecisionCurve?
    /// Each model's recalibration intercept and slope, ECE and per-bin bands (`calibration`).
    public var calibration: [CalibrationFit]?
    /// Per-subgroup accuracy (`subgroups`), when subgroup columns were asked for.
    public var subgroups: [SubgroupAnalysis]?
    /// "Was the study big enough?" (`sample_size`); see `SampleSizeSummary`.
    public var sampleSize: SampleSizeSummary?

    public init(positiveClass: String, negativeClass: String, threshold: Double,
                thresholdSource: String, n: Int, models: [ModelMetrics],
                comparisons: [ModelComparison], crossValidation: CrossValidationSummary? = nil,
                readers: ReaderAnalysis? = nil, patients: PatientAnalysis? = nil) {
        self.positiveClass = positiveClass
        self.negativeClass = negativeClass
        self.threshold = threshold
        self.thresholdSource = thresholdSource
        self.n = n
        self.models = models
        self.comparisons = comparisons
        self.crossValidation = crossValidation
        self.readers = readers
        self.patients = patients
    }

    enum CodingKeys: String, CodingKey {
        case positiveClass = "positive_class", negativeClass = "negative_class"
        case threshold, thresholdSource = "threshold_source", n, models, comparisons
        case crossValidation = "cross_validation"
        case readers, patients
        case decisionCurve = "decision_curve", calibration, subgroups, sampleSize = "sample_size"
    }
}

/// A closed interval `[lower, upper]`, encoded as a two-element JSON array.
public struct Interval: Codable, Equatable, Sendable {
    public var lower: Double
    public var upper: Double

    public init(_ lower: Double, _ upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    public init(from decoder: Decoder) throws {
        var container = try decoder.unkeyedContainer()
        lower = try container.decode(Double.self)
        upper = try container.decode(Double.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(lower)
        try container.encode(upper)
    }
}

public struct ConfusionCounts: Codable, Equatable, Sendable {
    public var tp: Int
    public var fn: Int
    public var tn: Int
    public var fp: Int

    public init(tp: Int, fn: Int, tn: Int, fp: Int) {
        self.tp = tp
        self.fn = fn
        self.tn = tn
        self.fp = fp
    }
}

/// One proportion x/n with every 95% interval. `value` and the intervals are nil when n = 0.
public struct ProportionSummary: Codable, Equatable, Sendable {
    public var x: Int
    public var n: Int
    public var value: Double?
    public var wald: Interval?
    public var waldUnclipped: Interval?
    public var wilson: Interval?
    public var wilsonCC: Interval?
    public var clopperPearson: Interval?
    public var agrestiCoull: Interval?
    public var jeffreys: Interval?

    public init(x: Int, n: Int, value: Double?, wald: Interval?, waldUnclipped: Interval?,
                wilson: Interval?, wilsonCC: Interval?, clopperPearson: Interval?,
                agrestiCoull: Interval?, jeffreys: Interval?) {
        self.x = x
        self.n = n
        self.value = value
        self.wald = wald
        self.waldUnclipped = waldUnclipped
        self.wilson = wilson
        self.wilsonCC = wilsonCC
        self.clopperPearson = clopperPearson
        self.agrestiCoull = agrestiCoull
        self.jeffreys = jeffreys
    }

    enum CodingKeys: String, CodingKey {
        case x, n, value, wald, waldUnclipped = "wald_unclipped", wilson, wilsonCC = "wilson_cc"
        case clopperPearson = "clopper_pearson", agrestiCoull = "agresti_coull", jeffreys
    }
}

/// The five proportions a diagnostic-accuracy paper reports, in the order it prints them; the
/// raw values are their names in metrics.json and metrics.csv.
public enum Proportion: String, CaseIterable, Sendable {
    case sensitivity, specificity, ppv, npv, accuracy

    /// The name tables and figures show: "Sensitivity", "PPV".
    public var displayName: String {
        switch self {
        case .sensitivity: return "Sensitivity"
        case .specificity: return "Specificity"
        case .ppv: return "PPV"
        case .npv: return "NPV"
        case .accuracy: return "Accuracy"
        }
    }
}

/// The five proportions a diagnostic-accuracy paper reports, GIST (the positive class) first.
public struct ProportionSet: Codable, Equatable, Sendable {
    public var sensitivity: ProportionSummary
    public var specificity: ProportionSummary
    public var ppv: ProportionSummary
    public var npv: ProportionSummary
    public var accuracy: ProportionSummary

    public init(sensitivity: ProportionSummary, specificity: ProportionSummary,
                ppv: ProportionSummary, npv: ProportionSummary, accuracy: ProportionSummary) {
        self.sensitivity = sensitivity
        self.specificity = specificity
        self.ppv = ppv
        self.npv = npv
        self.accuracy = accuracy
    }

    public subscript(_ proportion: Proportion) -> ProportionSummary {
        switch proportion {
        case .sensitivity: return sensitivity
        case .specificity: return specificity
        case .ppv: return ppv
        case .npv: return npv
        case .accuracy: return accuracy
        }
    }

    /// The proportions in the order a paper prints them.
    public var ordered: [(key: Proportion, value: ProportionSummary)] {
        Proportion.allCases.map { ($0, self[$0]) }
    }
}

public struct AUCSummary: Codable, Equatable, Sendable {
    public var value: Double
    public var delongSE: Double
    public var delongCI: Interval
    public var bootstrapCI: Interval?

    public init(value: Double, delongSE: Double, delongCI: Interval, bootstrapCI: Interval?) {
        self.value = value
        self.delongSE = delongSE
        self.delongCI = delongCI
        self.bootstrapCI = bootstrapCI
    }

    enum CodingKeys: String, CodingKey {
        case value, delongSE = "delong_se", delongCI = "delong_ci", bootstrapCI = "bootstrap_ci"
    }
}

/// The ROC curve with sklearn's `drop_intermediate=False` semantics. `thresholds[0]` is +inf,
/// held as `nil` (JSON `null`).
public struct ROCSummary: Codable, Equatable, Sendable {
    public var fpr: [Double]
    public var tpr: [Double]
    public var thresholds: [Double?]

    public init(fpr: [Double], tpr: [Double], thresholds: [Double?]) {
        self.fpr = fpr
        self.tpr = tpr
        self.thresholds = thresholds
    }
}

/// One row of the 10-bin reliability table.
public struct ReliabilityBin: Codable, Equatable, Sendable {
    public var bin: Int
    public var lower: Double
    public var upper: Double
    public var meanPredicted: Double?
    public var observedRate: Double?
    public var count: Int

    public init(bin: Int, lower: Double, upper: Double, meanPredicted: Double?,
                observedRate: Double?, count: Int) {
        self.bin = bin
        self.lower = lower
        self.upper = upper
        self.meanPredicted = meanPredicted
        self.observedRate = observedRate
        self.count = count
    }

    enum CodingKeys: String, CodingKey {
        case bin, lower, upper, meanPredicted = "mean_predicted", observedRate = "observed_rate", count
    }
}

public struct ModelMetrics: Codable, Equatable, Sendable {
    public var name: String
    public var confusion: ConfusionCounts
    public var proportions: ProportionSet
    public var f1: Double?
    public var balancedAccuracy: Double?
    public var lrPositive: Double?
    public var lrNegative: Double?
    public var brier: Double
    public var auc: AUCSummary
    public var roc: ROCSummary
    public var reliability: [ReliabilityBin]
    /// The Youden-optimal threshold on these cases: exploratory, never the operating point.
    public var youdenThreshold: Double?

    public init(name: String, confusion: ConfusionCounts, proportions: ProportionSet,
                f1: Double?, balancedAccuracy: Double?, lrPositive: Double?, lrNegative: Double?,
                brier: Double, auc: AUCSummary, roc: ROCSummary, reliability: [ReliabilityBin],
                youdenThreshold: Double?) {
        self.name = name
        self.confusion = confusion
        self.proportions = proportions
        self.f1 = f1
        self.balancedAccuracy = balancedAccuracy
        self.lrPositive = lrPositive
        self.lrNegative = lrNegative
        self.brier = brier
        self.auc = auc
        self.roc = roc
        self.reliability = reliability
        self.youdenThreshold = youdenThreshold
    }

    enum CodingKeys: String, CodingKey {
        case name, confusion, proportions, f1, balancedAccuracy = "balanced_accuracy"
        case lrPositive = "lr_positive", lrNegative = "lr_negative", brier, auc, roc, reliability
        case youdenThreshold = "youden_threshold"
    }
}

public struct DeLongComparison: Codable, Equatable, Sendable {
    public var z: Double?
    public var p: Double?
    public var aucDiff: Double
    public var diffCI: Interval?

    public init(z: Double?, p: Double?, aucDiff: Double, diffCI: Interval?) {
        self.z = z
        self.p = p
        self.aucDiff = aucDiff
        self.diffCI = diffCI
    }

    enum CodingKeys: String, CodingKey {
        case z, p, aucDiff = "auc_diff", diffCI = "diff_ci"
    }
}

public struct McNemarSummary: Codable, Equatable, Sendable {
    /// Cases model A got right and model B wrong.
    public var b: Int
    /// Cases model B got right and model A wrong.
    public var c: Int
    public var exactP: Double
    public var chi2CC: Double?
    public var chi2CCP: Double?

    public init(b: Int, c: Int, exactP: Double, chi2CC: Double?, chi2CCP: Double?) {
        self.b = b
        self.c = c
        self.exactP = exactP
        self.chi2CC = chi2CC
        self.chi2CCP = chi2CCP
    }

    enum CodingKeys: String, CodingKey {
        case b, c, exactP = "exact_p", chi2CC = "chi2_cc", chi2CCP = "chi2_cc_p"
    }
}

public struct AgreementTable: Codable, Equatable, Sendable {
    public var bothCorrect: Int
    public var onlyA: Int
    public var onlyB: Int
    public var bothWrong: Int

    public init(bothCorrect: Int, onlyA: Int, onlyB: Int, bothWrong: Int) {
        self.bothCorrect = bothCorrect
        self.onlyA = onlyA
        self.onlyB = onlyB
        self.bothWrong = bothWrong
    }

    enum CodingKeys: String, CodingKey {
        case bothCorrect = "both_correct", onlyA = "only_a", onlyB = "only_b", bothWrong = "both_wrong"
    }
}

public struct ModelComparison: Codable, Equatable, Sendable {
    public var a: String
    public var b: String
    public var delong: DeLongComparison
    public var mcnemar: McNemarSummary
    public var agreement: AgreementTable

    public init(a: String, b: String, delong: DeLongComparison, mcnemar: McNemarSummary,
                agreement: AgreementTable) {
        self.a = a
        self.b = b
        self.delong = delong
        self.mcnemar = mcnemar
        self.agreement = agreement
    }
}

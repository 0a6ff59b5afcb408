import Foundation

/// Decision-curve analysis: the net benefit of managing a lesion as GIST when P(GIST) ≥ p_t,
/// over a grid of threshold probabilities p_t (Vickers AJ, Elkin EB (2006) Decision curve
/// analysis: a novel method for evaluating prediction models, Med Decis Making 26:565–574).
///
/// "Treat" means "manage as GIST" (resection or close follow-up). p_t says how many unnecessary
/// resections a clinician accepts to catch one GIST: at p_t the odds p_t/(1 − p_t) weigh one
/// false positive against one true positive (p_t = 0.2 accepts four unnecessary resections per GIST).
///
/// With n cases, TP(p_t) and FP(p_t) the positives and negatives with P ≥ p_t, and prevalence π:
/// - net benefit NB = TP/n − FP/n · p_t/(1 − p_t);
/// - treat all: NB_all = π − (1 − π) · p_t/(1 − p_t); treat none: 0;
/// - standardised net benefit sNB = NB/π, the share of the maximum possible benefit (Kerr KF,
///   Brown MD, Zhu K, Janes H (2016) Assessing the clinical impact of risk prediction models
///   with decision curves, J Clin Oncol 34:2534–2540);
/// - net reduction in unnecessary interventions per 100 patients, relative to treating all:
///   100 · (NB − NB_all) / (p_t/(1 − p_t)) (Vickers AJ, Van Calster B, Steyerberg EW (2016)
///   Net benefit approaches to the evaluation of prediction models, BMJ 352:i6).
///
/// These are the values Python `dcurves.dca(..., nper=100)` gives (its `net_benefit` and
/// `net_intervention_avoided`); the test suite holds them to it within 1e-9.
///
/// Degenerate input: `nil` without cases of both classes (π = 0 or 1 leaves nothing to decide).
/// The grid must lie strictly inside (0, 1), where p_t/(1 − p_t) is finite and non-zero.
///
/// Worked example (also a test): labels [1, 1, 0, 0], scores [0.9, 0.4, 0.6, 0.1], p_t = 0.5:
/// TP = 1, FP = 1, NB = 1/4 − 1/4 · 1 = 0; NB_all = 0.5 − 0.5 · 1 = 0; at p_t = 0.2,
/// TP = 2, FP = 1, NB = 0.5 − 0.25 · 0.25 = 0.4375 and NB_all = 0.5 − 0.5 · 0.25 = 0.375.
public struct DecisionCurve: Codable, Equatable, Sendable {
    /// One model's curves, one value per threshold.
    public struct Model: Codable, Equatable, Sendable {
        public var name: String
        public var netBenefit: [Double]
        public var standardizedNetBenefit: [Double]
        public var interventionsAvoidedPer100: [Double]
        /// The runs of consecutive grid thresholds where the model's net benefit exceeds both
        /// treat-all and treat-none, as [first, last] threshold of each run; empty when none.
        public var usefulRanges: [Interval]

        public init(name: String, netBenefit: [Double], standardizedNetBenefit: [Double],
                    interventionsAvoidedPer100: [Double], usefulRanges: [Interval]) {
            self.name = name
            self.netBenefit = netBenefit
            self.standardizedNetBenefit = standardizedNetBenefit
            self.interventionsAvoidedPer100 = interventionsAvoidedPer100
            self.usefulRanges = usefulRanges
        }

        enum CodingKeys: String, CodingKey {
            case name, netBenefit = "net_benefit", standardizedNetBenefit = "standardized_net_benefit"
            case interventionsAvoidedPer100 = "interventions_avoided_per_100", usefulRanges = "useful_ranges"
        }
    }

    public var thresholds: [Double]
    public var n: Int
    public var prevalence: Double
    public var treatAll: [Double]
    public var treatNone: [Double]
    public var models: [Model]

    enum CodingKeys: String, CodingKey {
        case thresholds, n, prevalence, treatAll = "treat_all", treatNone = "treat_none", models
    }

    /// The default grid: p_t = 0.01, 0.02, …, 0.99.
    public static let defaultThresholds: [Double] = (1...99).map { Double($0) / 100 }

    /// The grid from `from` to `to` in steps of `step`: from + k·step rounded to 12 decimals, so
    /// 0.05 steps give exactly the doubles 0.05, 0.1, 0.15, … that a reader types.
    public static func thresholds(from: Double, to: Double, step: Double) -> [Double] {
        precondition(from > 0 && to < 1 && from <= to && step > 0, "thresholds need 0 < from ≤ to < 1 and step > 0")
        let count = Int(((to - from) / step + 1e-9).rounded(.down)) + 1
        return (0..<count).map { ((from + Double($0) * step) * 1e12).rounded() / 1e12 }
    }

    /// The decision curves of `models` (name, P(positive) per case) on cases `isPositive`.
    public init?(isPositive: [Bool], models: [(name: String, scores: [Double])],
                 thresholds: [Double] = DecisionCurve.defaultThresholds) {
        precondition(thresholds.allSatisfy { $0 > 0 && $0 < 1 }, "decision-curve thresholds must lie in (0, 1)")
        let positives = isPositive.filter { $0 }.count
        guard positives > 0, positives < isPositive.count else { return nil }
        let n = Double(isPositive.count)
        let prevalence = Double(positives) / n
        self.thresholds = thresholds
        self.n = isPositive.count
        self.prevalence = prevalence
        treatAll = thresholds.map { pt in prevalence - (1 - prevalence) * pt / (1 - pt) }
        treatNone = thresholds.map { _ in 0 }
        let treatAll = self.treatAll
        self.models = models.map { model in
            precondition(model.scores.count == isPositive.count, "\(model.name): one score per case")
            let nb = thresholds.map { pt -> Double in
                var tp = 0, fp = 0
                for (positive, p) in zip(isPositive, model.scores) where p >= pt {
                    if positive { tp += 1 } else { fp += 1 }
                }
                return Double(tp) / n - Double(fp) / n * pt / (1 - pt)
            }
            let avoided = thresholds.indices.map { i in
                100 * (nb[i] - treatAll[i]) / (thresholds[i] / (1 - thresholds[i]))
            }
            let useful = thresholds.indices.map { nb[$0] > max(treatAll[$0], 0) }
            return Model(name: model.name, netBenefit: nb, standardizedNetBenefit: nb.map { $0 / prevalence },
                         interventionsAvoidedPer100: avoided,
                         usefulRanges: DecisionCurve.runs(of: useful, thresholds: thresholds))
        }
    }

    /// [first, last] threshold of each run of `true` in `flags`.
    static func runs(of flags: [Bool], thresholds: [Double]) -> [Interval] {
        var ranges: [Interval] = [], start: Int?
        for i in flags.indices {
            if flags[i], start == nil { start = i }
            if !flags[i], let s = start { ranges.append(Interval(thresholds[s], thresholds[i - 1])); start = nil }
        }
        if let s = start { ranges.append(Interval(thresholds[s], thresholds[flags.count - 1])) }
        return ranges
    }
}

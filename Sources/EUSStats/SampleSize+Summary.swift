import Foundation

/// `sample_size` in metrics.json: "was the study big enough?". For each model the achieved
/// 95% CI half-widths (Wilson for proportions, DeLong for the AUC) and Buderer's n for its
/// observed sensitivity and specificity at ±`precision` and the observed prevalence; for each
/// pair of models the power of the paired DeLong comparison at the observed AUCs and n, and the
/// cases needed for `targetPower` (`ROCPower`, pROC's `power.roc.test`).
public struct SampleSizeSummary: Codable, Equatable, Sendable {
    public struct Model: Codable, Equatable, Sendable {
        public var name: String
        public var sensitivityHalfWidth: Double?
        public var specificityHalfWidth: Double?
        public var accuracyHalfWidth: Double?
        public var aucHalfWidth: Double
        /// Buderer's total n for the observed sensitivity (nil at 0% or 100%).
        public var budererSensitivityN: Int?
        /// Buderer's total n for the observed specificity (nil at 0% or 100%).
        public var budererSpecificityN: Int?
        /// max of the two, nil when either is undefined.
        public var budererN: Int?

        enum CodingKeys: String, CodingKey {
            case name, sensitivityHalfWidth = "sensitivity_half_width", specificityHalfWidth = "specificity_half_width"
            case accuracyHalfWidth = "accuracy_half_width", aucHalfWidth = "auc_half_width"
            case budererSensitivityN = "buderer_sensitivity_n", budererSpecificityN = "buderer_specificity_n"
            case budererN = "buderer_n"
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(sensitivityHalfWidth, forKey: .sensitivityHalfWidth)
            try c.encode(specificityHalfWidth, forKey: .specificityHalfWidth)
            try c.encode(accuracyHalfWidth, forKey: .accuracyHalfWidth)
            try c.encode(aucHalfWidth, forKey: .aucHalfWidth)
            try c.encode(budererSensitivityN, forKey: .budererSensitivityN)
            try c.encode(budererSpecificityN, forKey: .budererSpecificityN)
            try c.encode(budererN, forKey: .budererN)
        }
    }

    public struct Power: Codable, Equatable, Sendable {
        public var a: String
        public var b: String
        public var aucA: Double
        public var aucB: Double
        public var cases: Int
        public var controls: Int
        /// The power at the observed AUCs and n; nil when undefined (see `note`).
        public var power: Double?
        public var casesNeeded: Double?
        public var controlsNeeded: Double?
        /// ⌈cases needed⌉ + ⌈controls needed⌉.
        public var totalNeeded: Int?
        public var note: String?

        enum CodingKeys: String, CodingKey {
            case a, b, aucA = "auc_a", aucB = "auc_b", cases, controls, power, casesNeeded = "cases_needed"
            case controlsNeeded = "controls_needed", totalNeeded = "total_needed", note
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(a, forKey: .a)
            try c.encode(b, forKey: .b)
            try c.encode(aucA, forKey: .aucA)
            try c.encode(aucB, forKey: .aucB)
            try c.encode(cases, forKey: .cases)
            try c.encode(controls, forKey: .controls)
            try c.encode(power, forKey: .power)
            try c.encode(casesNeeded, forKey: .casesNeeded)
            try c.encode(controlsNeeded, forKey: .controlsNeeded)
            try c.encode(totalNeeded, forKey: .totalNeeded)
            try c.encode(note, forKey: .note)
        }
    }

    public var alpha: Double
    public var precision: Double
    public var targetPower: Double
    public var n: Int
    public var prevalence: Double
    public var models: [Model]
    public var comparisons: [Power]

    public static let defaultPrecision = 0.10
    public static let defaultTargetPower = 0.80

    enum CodingKeys: String, CodingKey {
        case alpha, precision, targetPower = "target_power", n, prevalence, models, comparisons
    }

    /// The summary for the models of `document` (its proportions and AUCs) and their scores.
    public init(document: MetricsDocument, isPositive: [Bool], scores: [(name: String, scores: [Double])],
                alpha: Double = 0.05, precision: Double = SampleSizeSummary.defaultPrecision,
                targetPower: Double = SampleSizeSummary.defaultTargetPower) {
        self.alpha = alpha
        self.precision = precision
        self.targetPower = targetPower
        n = isPositive.count
        let prevalence = Double(isPositive.filter { $0 }.count) / Double(max(isPositive.count, 1))
        self.prevalence = prevalence
        func half(_ interval: Interval?) -> Double? { interval.map { ($0.upper - $0.lower) / 2 } }
        models = document.models.map { model in
            let p = model.proportions
            let nSe = p.sensitivity.value.flatMap {
                Buderer.sensitivityN(sensitivity: $0, precision: precision, prevalence: prevalence, alpha: alpha)
            }.map { Int($0.rounded(.up)) }
            let nSp = p.specificity.value.flatMap {
                Buderer.specificityN(specificity: $0, precision: precision, prevalence: prevalence, alpha: alpha)
            }.map { Int($0.rounded(.up)) }
            return Model(name: model.name, sensitivityHalfWidth: half(p.sensitivity.wilson),
                         specificityHalfWidth: half(p.specificity.wilson), accuracyHalfWidth: half(p.accuracy.wilson),
                         aucHalfWidth: half(model.auc.delongCI)!, budererSensitivityN: nSe, budererSpecificityN: nSp,
                         budererN: nSe.flatMap { a in nSp.map { max(a, $0) } })
        }
        var comparisons: [Power] = []
        for i in scores.indices {
            for j in scores.indices where j > i {
                let a = ClassScores(isPositive: isPositive, scores: scores[i].scores)
                let b = ClassScores(isPositive: isPositive, scores: scores[j].scores)
                let aucA = AUC.mannWhitney(a) ?? 0, aucB = AUC.mannWhitney(b) ?? 0
                var entry = Power(a: scores[i].name, b: scores[j].name, aucA: aucA, aucB: aucB,
                                  cases: a.positives.count, controls: a.negatives.count)
                if let power = ROCPower(a, b, alpha: alpha, targetPower: targetPower) {
                    entry.power = power.power
                    entry.casesNeeded = power.casesNeeded
                    entry.controlsNeeded = power.controlsNeeded
                    // Beyond a billion cases the number says only "no feasible study".
                    if power.casesNeeded + power.controlsNeeded < 1e9 {
                        entry.totalNeeded = Int(power.casesNeeded.rounded(.up)) + Int(power.controlsNeeded.rounded(.up))
                    } else {
                        entry.note = "the AUC difference is so small that detecting it would take more than 10⁹ cases"
                    }
                } else {
                    entry.note = abs(aucA - aucB) <= 1e-12 ? "the AUCs are equal: there is no difference to power"
                        : "the variance of the AUC difference is zero or undefined"
                }
                comparisons.append(entry)
            }
        }
        self.comparisons = comparisons
    }
}

extension SampleSizeSummary.Power {
    init(a: String, b: String, aucA: Double, aucB: Double, cases: Int, controls: Int) {
        self.init(a: a, b: b, aucA: aucA, aucB: aucB, cases: cases, controls: controls, power: nil,
                  casesNeeded: nil, controlsNeeded: nil, totalNeeded: nil, note: nil)
    }
}

import EUSSupport
import Foundation

/// How a patient's P(positive) is made from its images' probabilities.
public enum PatientAggregation: String, Codable, CaseIterable, Sendable {
    /// The mean over the patient's images (the default).
    case mean
    /// The largest: the patient is called positive when any image is.
    case max

    /// The patient's P(positive) from its images' `values` (at least one).
    ///
    ///     PatientAggregation.mean.combine([0.2, 0.5, 0.8])  // 0.5
    ///     PatientAggregation.max.combine([0.2, 0.5, 0.8])   // 0.8
    public func combine(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "a patient needs at least one image")
        switch self {
        case .mean: return values.reduce(0, +) / Double(values.count)
        case .max: return values.max()!
        }
    }
}

/// The images of each patient, patients in the order of their first image.
public struct PatientGroups: Sendable, Equatable {
    public var patientIDs: [String]
    /// Row indices of each patient's images.
    public var members: [[Int]]
    /// Each patient's class (all of its images share it).
    public var isPositive: [Bool]

    /// Groups rows by patient. Throws a `UserError` naming the patient when its images carry
    /// different labels: a per-patient call against the reference standard needs one label.
    public init(patientIDs rows: [String], isPositive: [Bool], labels: [String], source: String) throws {
        precondition(rows.count == isPositive.count && rows.count == labels.count, "one patient id per case")
        var index: [String: Int] = [:]
        var ids: [String] = [], members: [[Int]] = [], positive: [Bool] = []
        for (row, id) in rows.enumerated() {
            if let at = index[id] {
                guard positive[at] == isPositive[row] else {
                    throw UserError("\(source) line \(CSVTable.lineNumber(ofRow: row)), column patient_id: patient '\(id)' has images labelled "
                        + "\(labels[members[at][0]]) and \(labels[row]); per-patient analysis needs one label per patient")
                }
                members[at].append(row)
            } else {
                index[id] = ids.count
                ids.append(id)
                members.append([row])
                positive.append(isPositive[row])
            }
        }
        patientIDs = ids
        self.members = members
        self.isPositive = positive
    }

    public var count: Int { patientIDs.count }
    public var largestGroup: Int { members.map(\.count).max() ?? 0 }

    /// Each patient's P(positive) from its images' `scores`.
    public func scores(_ scores: [Double], aggregation: PatientAggregation) -> [Double] {
        members.map { aggregation.combine($0.map { scores[$0] }) }
    }
}

/// The percentile bootstrap CI of the per-image AUC, resampling patients rather than images.
public enum ClusterBootstrapAUC {
    /// Draws the positive patients with replacement, as many as there are, then the negative
    /// patients likewise (stratified, as `BootstrapAUC`), takes every image of every drawn
    /// patient, computes the Mann-Whitney AUC of those images, and returns the α/2 and
    /// 1 − α/2 percentiles (R's type 7) of `resamples` replicates. A patient's images are
    /// always drawn together, so the interval carries the correlation of images of one patient,
    /// which DeLong's per-image variance treats as independent cases (Obuchowski NA (1997)
    /// Nonparametric analysis of clustered ROC curve data, Biometrics 53:567–578; Field CA,
    /// Welsh AH (2007) Bootstrapping clustered data, JRSS B 69:369–390).
    ///
    /// With one image per patient the draws are those of `BootstrapAUC` with the same seed, so
    /// the two intervals are equal. Deterministic for a seed. Degenerate input: nil when a
    /// class has no patient or `resamples` is 0.
    public static func interval(_ groups: PatientGroups, scores: [Double], resamples: Int = 2000, seed: UInt64 = 1,
                                alpha: Double = 0.05) -> Interval? {
        precondition(resamples >= 0, "resamples must be ≥ 0 (got \(resamples))")
        let positives = groups.members.indices.filter { groups.isPositive[$0] }
        let negatives = groups.members.indices.filter { !groups.isPositive[$0] }
        guard !positives.isEmpty, !negatives.isEmpty, resamples > 0 else { return nil }
        var generator = SeededRandom(seed: seed)
        var aucs = (0..<resamples).map { _ -> Double in
            let drawn = replicate(positives: positives, negatives: negatives, using: &generator)
            return mannWhitney(positives: drawn.positives.flatMap { groups.members[$0] }.map { scores[$0] },
                               negatives: drawn.negatives.flatMap { groups.members[$0] }.map { scores[$0] })
        }
        aucs.sort()
        return Interval(BootstrapAUC.quantile(sorted: aucs, alpha / 2), BootstrapAUC.quantile(sorted: aucs, 1 - alpha / 2))
    }

    /// One replicate's drawn patients (indices into the groups), positives first.
    static func replicate(positives: [Int], negatives: [Int], using generator: inout SeededRandom) -> (positives: [Int], negatives: [Int]) {
        let p = (0..<positives.count).map { _ in positives[generator.index(positives.count)] }
        let n = (0..<negatives.count).map { _ in negatives[generator.index(negatives.count)] }
        return (p, n)
    }

    /// AUC = P(score of a positive > score of a negative) + ½ P(tie).
    static func mannWhitney(positives: [Double], negatives: [Double]) -> Double {
        let sorted = negatives.sorted()
        func count(below value: Double, orEqual: Bool) -> Int {
            var low = 0, high = sorted.count
            while low < high {
                let mid = (low + high) / 2
                if sorted[mid] < value || (orEqual && sorted[mid] == value) { low = mid + 1 } else { high = mid }
            }
            return low
        }
        var twiceWins = 0
        for value in positives { twiceWins += count(below: value, orEqual: false) + count(below: value, orEqual: true) }
        return Double(twiceWins) / Double(2 * positives.count * negatives.count)
    }
}

/// The per-patient part of `metrics.json` (`patients`).
public struct PatientAnalysis: Codable, Equatable, Sendable {
    public struct ClusterAUC: Codable, Equatable, Sendable {
        public var model: String
        /// The per-image AUC and DeLong's per-image CI, which treats images as independent.
        public var auc: Double
        public var delongCI: Interval
        /// The patient-level (cluster) bootstrap CI of the same per-image AUC.
        public var clusterBootstrapCI: Interval?

        enum CodingKeys: String, CodingKey {
            case model, auc, delongCI = "delong_ci", clusterBootstrapCI = "cluster_bootstrap_ci"
        }
    }

    public var aggregation: PatientAggregation
    public var nPatients: Int
    public var nImages: Int
    public var largestGroup: Int
    /// Every network's metrics with the patient as the unit: one P(positive) per patient.
    public var models: [ModelMetrics]
    public var clusterAUC: [ClusterAUC]
    public var bootstrapResamples: Int
    public var seed: UInt64

    enum CodingKeys: String, CodingKey {
        case aggregation, nPatients = "n_patients", nImages = "n_images", largestGroup = "largest_group", models
        case clusterAUC = "cluster_auc", bootstrapResamples = "bootstrap_resamples", seed
    }

    /// Per-patient metrics of every model (MetricsComputer.modelMetrics on the aggregated
    /// scores, same threshold, resamples and seed) and the cluster bootstrap CI of each
    /// per-image AUC. `perImage` holds the per-image metrics, whose AUC and DeLong CI are
    /// repeated beside the cluster interval. Nil when a class has fewer than 2 patients (the
    /// DeLong variance needs 2).
    public static func compute(_ table: PredictionTable, groups: PatientGroups, perImage: [ModelMetrics],
                               aggregation: PatientAggregation, threshold: Double, bootstrapResamples: Int,
                               seed: UInt64, alpha: Double) -> PatientAnalysis? {
        let positives = groups.isPositive.filter { $0 }.count
        guard positives >= 2, groups.count - positives >= 2 else { return nil }
        let models = table.models.map { model in
            MetricsComputer.modelMetrics(.init(name: model.name, scores: groups.scores(model.scores, aggregation: aggregation)),
                                         isPositive: groups.isPositive, threshold: threshold,
                                         bootstrapResamples: bootstrapResamples, seed: seed, alpha: alpha)
        }
        let cluster = zip(table.models, perImage).map { model, metrics in
            ClusterAUC(model: model.name, auc: metrics.auc.value, delongCI: metrics.auc.delongCI,
                       clusterBootstrapCI: ClusterBootstrapAUC.interval(groups, scores: model.scores, resamples: bootstrapResamples,
                                                                        seed: seed, alpha: alpha))
        }
        return PatientAnalysis(aggregation: aggregation, nPatients: groups.count, nImages: table.caseIDs.count,
                               largestGroup: groups.largestGroup, models: models, clusterAUC: cluster,
                               bootstrapResamples: bootstrapResamples, seed: seed)
    }
}

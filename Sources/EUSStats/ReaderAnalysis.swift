import EUSSupport
import Foundation

/// The readers' part of `metrics.json` (`readers`): each reader's accuracy, each network
/// against each reader, each assisted reading against the same reader unaided, and the
/// agreement of every pair of raters.
///
/// A reader is judged on the cases it read (blank cells are unread); a comparison of two raters
/// uses the cases both read. A network's call is positive when P(positive) ≥ the threshold.
public struct ReaderAnalysis: Codable, Equatable, Sendable {
    public var readers: [ReaderMetrics]
    /// Every network (A) against every unaided reader (B).
    public var versusModels: [ReaderComparison]
    /// Every `NAME+ai` reading (A) against the same reader unaided (B).
    public var assisted: [ReaderComparison]
    /// Cohen's κ for every pair among the readers (assisted readings included) and the networks.
    public var cohenKappa: [KappaSummary]
    /// Fleiss' κ over the unaided readers, on the cases all of them read; nil with fewer than 2.
    public var fleissKappa: FleissSummary?

    enum CodingKeys: String, CodingKey {
        case readers, versusModels = "versus_models", assisted, cohenKappa = "cohen_kappa", fleissKappa = "fleiss_kappa"
    }
}

/// One reader's 2×2 table and proportions on the cases it read.
public struct ReaderMetrics: Codable, Equatable, Sendable {
    public var name: String
    public var assisted: Bool
    /// Cases read, and cases left blank.
    public var n: Int
    public var unread: Int
    public var confusion: ConfusionCounts
    public var proportions: ProportionSet
}

/// A − B for a proportion measured on the same cases: each rater's successes, the discordant
/// counts, the difference with Newcombe's method 10 interval, and McNemar's tests on the
/// discordant cases.
public struct PairedDifferenceSummary: Codable, Equatable, Sendable {
    public var n: Int
    public var aCorrect: Int
    public var bCorrect: Int
    /// Cases only A got right (McNemar b) and only B got right (c).
    public var onlyA: Int
    public var onlyB: Int
    /// (onlyA − onlyB)/n; nil when n = 0.
    public var difference: Double?
    public var newcombeCI: Interval?
    public var mcnemar: McNemarSummary

    /// Counts the paired outcomes of two raters on the same cases.
    public init(aCorrect: [Bool], bCorrect: [Bool], alpha: Double = 0.05) {
        let table = AgreementTable(aCorrect: aCorrect, bCorrect: bCorrect)
        n = aCorrect.count
        self.aCorrect = table.bothCorrect + table.onlyA
        self.bCorrect = table.bothCorrect + table.onlyB
        onlyA = table.onlyA
        onlyB = table.onlyB
        difference = n > 0 ? Double(table.onlyA - table.onlyB) / Double(n) : nil
        newcombeCI = PairedProportionDifference.newcombe(a: table.bothCorrect, b: table.onlyA, c: table.onlyB,
                                                         d: table.bothWrong, alpha: alpha)
        mcnemar = McNemar.summary(b: table.onlyA, c: table.onlyB)
    }

    enum CodingKeys: String, CodingKey {
        case n, aCorrect = "a_correct", bCorrect = "b_correct", onlyA = "only_a", onlyB = "only_b", difference
        case newcombeCI = "newcombe_ci", mcnemar
    }
}

/// Rater A against rater B on the cases both read: sensitivity on the positives, specificity
/// on the negatives (McNemar on the positives and on the negatives, as reader studies report).
public struct ReaderComparison: Codable, Equatable, Sendable {
    public var a: String
    public var b: String
    public var n: Int
    public var sensitivity: PairedDifferenceSummary
    public var specificity: PairedDifferenceSummary
}

public struct KappaSummary: Codable, Equatable, Sendable {
    public var a: String
    public var b: String
    /// Cases both raters called.
    public var n: Int
    public var observedAgreement: Double?
    /// nil when undefined (no common cases, or both raters gave one and the same call throughout).
    public var kappa: Double?
    public var standardError: Double?
    public var ci: Interval?

    enum CodingKeys: String, CodingKey {
        case a, b, n, observedAgreement = "observed_agreement", kappa, standardError = "standard_error", ci
    }
}

public struct FleissSummary: Codable, Equatable, Sendable {
    public var raters: [String]
    /// Cases every one of them read.
    public var n: Int
    public var kappa: Double?
}

extension ReaderAnalysis {
    /// A rater's calls for the agreement tables: per case true (positive), false, or nil (unread).
    struct Rater {
        var name: String
        var calls: [Bool?]
    }

    /// The analysis of `readers` beside `models`, or nil when there are no readers.
    ///
    /// - Parameters: `isPositive` the reference standard per case; `threshold` the networks'
    ///   decision threshold; `alpha` 1 − the confidence level.
    public static func compute(readers: [ReaderColumn], models: [PredictionTable.Model], isPositive: [Bool],
                               positiveClass: String, threshold: Double, alpha: Double = 0.05) -> ReaderAnalysis? {
        guard !readers.isEmpty else { return nil }
        let readerRaters = readers.map { Rater(name: $0.name, calls: $0.calls.map { $0.map { $0 == positiveClass } }) }
        let modelRaters = models.map { Rater(name: $0.name, calls: $0.scores.map { $0 >= threshold }) }
        let metrics = zip(readers, readerRaters).map { column, rater in
            readerMetrics(rater, assisted: column.isAssisted, isPositive: isPositive, alpha: alpha)
        }
        let unaided = zip(readers, readerRaters).filter { !$0.0.isAssisted }.map(\.1)
        let versus = modelRaters.flatMap { model in
            unaided.map { compare(model, $0, isPositive: isPositive, alpha: alpha) }
        }
        let assisted = zip(readers, readerRaters).compactMap { column, rater -> ReaderComparison? in
            guard let base = column.unaidedName, let plain = unaided.first(where: { $0.name == base }) else { return nil }
            return compare(rater, plain, isPositive: isPositive, alpha: alpha)
        }
        let everyone = readerRaters + modelRaters
        var kappas: [KappaSummary] = []
        for i in everyone.indices {
            for j in everyone.indices where j > i { kappas.append(kappa(everyone[i], everyone[j], alpha: alpha)) }
        }
        return ReaderAnalysis(readers: metrics, versusModels: versus, assisted: assisted, cohenKappa: kappas,
                              fleissKappa: fleiss(unaided))
    }

    static func readerMetrics(_ rater: Rater, assisted: Bool, isPositive: [Bool], alpha: Double) -> ReaderMetrics {
        let read = rater.calls.indices.filter { rater.calls[$0] != nil }
        let confusion = ConfusionCounts(isPositive: read.map { isPositive[$0] },
                                        scores: read.map { rater.calls[$0]! ? 1 : 0 }, threshold: 0.5)
        return ReaderMetrics(name: rater.name, assisted: assisted, n: read.count, unread: rater.calls.count - read.count,
                             confusion: confusion, proportions: confusion.proportions(alpha: alpha))
    }

    /// A against B on the cases both called: sensitivity over the positives, specificity over
    /// the negatives.
    static func compare(_ a: Rater, _ b: Rater, isPositive: [Bool], alpha: Double) -> ReaderComparison {
        let both = a.calls.indices.filter { a.calls[$0] != nil && b.calls[$0] != nil }
        func paired(_ positive: Bool) -> PairedDifferenceSummary {
            let cases = both.filter { isPositive[$0] == positive }
            return PairedDifferenceSummary(aCorrect: cases.map { a.calls[$0]! == positive },
                                           bCorrect: cases.map { b.calls[$0]! == positive }, alpha: alpha)
        }
        return ReaderComparison(a: a.name, b: b.name, n: both.count, sensitivity: paired(true), specificity: paired(false))
    }

    static func kappa(_ a: Rater, _ b: Rater, alpha: Double) -> KappaSummary {
        let both = a.calls.indices.filter { a.calls[$0] != nil && b.calls[$0] != nil }
        let x = both.map { a.calls[$0]! }, y = both.map { b.calls[$0]! }
        let result = both.isEmpty ? nil : Kappa.cohen(x, y, alpha: alpha)
        let agreement = both.isEmpty ? nil : Double(zip(x, y).filter { $0 == $1 }.count) / Double(both.count)
        return KappaSummary(a: a.name, b: b.name, n: both.count, observedAgreement: agreement, kappa: result?.kappa,
                            standardError: result?.standardError, ci: result?.interval)
    }

    static func fleiss(_ raters: [Rater]) -> FleissSummary? {
        guard raters.count >= 2 else { return nil }
        let all = raters[0].calls.indices.filter { index in raters.allSatisfy { $0.calls[index] != nil } }
        let calls = raters.map { rater in all.map { rater.calls[$0]! } }
        return FleissSummary(raters: raters.map(\.name), n: all.count, kappa: all.isEmpty ? nil : Kappa.fleiss(calls))
    }
}

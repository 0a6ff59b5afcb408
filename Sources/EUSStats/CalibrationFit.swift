import Foundation

/// Calibration beyond the reliability diagram: the logistic recalibration intercept and slope
/// with Wald 95% CIs, the expected calibration error, and Clopper-Pearson bands per bin.
///
/// With lᵢ = logit(pᵢ) = ln(pᵢ/(1 − pᵢ)) and yᵢ = 1 for a GIST:
/// - **calibration slope** b, from the logistic GLM logit P(yᵢ = 1) = a′ + b·lᵢ (Cox DR (1958)
///   Two further applications of a model for binary regression, Biometrika 45:562–565). b = 1 is
///   ideal; b < 1 means predictions too extreme (overfitting), b > 1 too modest;
/// - **calibration-in-the-large** a, from logit P(yᵢ = 1) = a + lᵢ (lᵢ an offset, slope fixed
///   at 1). a = 0 is ideal; a > 0 means the model under-predicts GIST on average (Steyerberg EW
///   (2019) Clinical Prediction Models, 2nd ed., Springer, ch. 15; Van Calster B et al. (2019)
///   Calibration: the Achilles heel of predictive analytics, BMC Med 17:230);
/// - both fitted by maximum likelihood with iteratively reweighted least squares (Newton's
///   method on the binomial log-likelihood with the canonical logit link, step halving when the
///   deviance rises), run to convergence (|Δβ| ≤ 1e-12·(1 + |β|)); the Wald interval is
///   β ± z_{1−α/2}·SE with SE from the inverse Fisher information (XᵀWX)⁻¹, W = diag(μ(1 − μ)).
///   These are statsmodels' `GLM(y, X, family=Binomial()[, offset=l]).fit()` and `conf_int()`;
///   the test suite holds them to it within 1e-6, near-separation included;
/// - **expected calibration error** ECE = Σₖ (nₖ/N)·|p̄ₖ − ȳₖ| over the reliability table's 10
///   equal-width bins [0, 0.1), …, [0.9, 1.0] (Naeini MP, Cooper GF, Hauskrecht M (2015)
///   Obtaining well calibrated probabilities using Bayesian binning, AAAI 2901–2907), on the
///   unclipped probabilities; empty bins carry no weight;
/// - **Clopper-Pearson bands**: each non-empty bin's observed GIST rate with its exact 95% CI.
///
/// Probabilities of exactly 0 or 1 (a float32 softmax saturates) have an infinite logit: they
/// are clipped to [1e-6, 1 − 1e-6] before the logit (logit ±13.8), and `clipped` counts them.
///
/// Degenerate input, each with `note` saying why and the value `nil` (never NaN):
/// - one class only: neither fit exists;
/// - the logits separate the classes (every GIST at or above every leiomyoma, or the reverse):
///   the slope's maximum-likelihood estimate is infinite (Albert A, Anderson JA (1984) On the
///   existence of maximum likelihood estimates in logistic regression models, Biometrika
///   71:1–10); the intercept (offset model) is still given;
/// - all logits equal: the slope is not identifiable;
/// - no convergence in 100 iterations.
public struct CalibrationFit: Codable, Equatable, Sendable {
    public var model: String
    public var n: Int
    /// Calibration-in-the-large a (offset model).
    public var intercept: Double?
    public var interceptSE: Double?
    public var interceptCI: Interval?
    /// Calibration slope b.
    public var slope: Double?
    public var slopeSE: Double?
    public var slopeCI: Interval?
    /// a′, the intercept of the slope model (reported for completeness; not calibration-in-the-large).
    public var slopeModelIntercept: Double?
    public var ece: Double?
    /// How ECE was binned, in words.
    public var eceBinning: String
    /// Probabilities clipped to [1e-6, 1 − 1e-6] before the logit.
    public var clipped: Int
    /// Clopper-Pearson 95% CI of each reliability bin's observed rate, in bin order; nil for an empty bin.
    public var reliabilityCI: [Interval?]
    /// Why a value is missing; nil when everything is defined.
    public var note: String?

    public static let clip = 1e-6
    public static let eceBinningText = "10 equal-width bins of P(GIST) over [0, 1], weighted by their share of cases"

    enum CodingKeys: String, CodingKey {
        case model, n, intercept, interceptSE = "intercept_se", interceptCI = "intercept_ci", slope
        case slopeSE = "slope_se", slopeCI = "slope_ci", slopeModelIntercept = "slope_model_intercept"
        case ece, eceBinning = "ece_binning", clipped, reliabilityCI = "reliability_ci", note
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(n, forKey: .n)
        try c.encode(intercept, forKey: .intercept)
        try c.encode(interceptSE, forKey: .interceptSE)
        try c.encode(interceptCI, forKey: .interceptCI)
        try c.encode(slope, forKey: .slope)
        try c.encode(slopeSE, forKey: .slopeSE)
        try c.encode(slopeCI, forKey: .slopeCI)
        try c.encode(slopeModelIntercept, forKey: .slopeModelIntercept)
        try c.encode(ece, forKey: .ece)
        try c.encode(eceBinning, forKey: .eceBinning)
        try c.encode(clipped, forKey: .clipped)
        try c.encode(reliabilityCI, forKey: .reliabilityCI)
        try c.encode(note, forKey: .note)
    }

    /// The fits for one model's P(positive) per case.
    public init(model: String, isPositive: [Bool], scores: [Double], alpha: Double = 0.05) {
        precondition(isPositive.count == scores.count, "labels and scores differ in length")
        self.model = model
        n = scores.count
        eceBinning = CalibrationFit.eceBinningText
        clipped = scores.filter { $0 < CalibrationFit.clip || $0 > 1 - CalibrationFit.clip }.count
        let bins = Calibration.reliability(isPositive: isPositive, scores: scores)
        ece = scores.isEmpty ? nil : bins.reduce(0) { sum, bin in
            guard let mean = bin.meanPredicted, let rate = bin.observedRate else { return sum }
            return sum + Double(bin.count) / Double(scores.count) * abs(mean - rate)
        }
        reliabilityCI = bins.map { bin in
            let x = zip(isPositive, scores).filter { $0.0 && Calibration.binIndex($0.1, bins: bins.count) == bin.bin - 1 }.count
            return BinomialInterval.clopperPearson.interval(x: x, n: bin.count, alpha: alpha)
        }
        let y = isPositive.map { $0 ? 1.0 : 0.0 }
        let logits = scores.map(CalibrationFit.logit)
        let z = Normal.twoSidedCriticalValue(alpha: alpha)
        var notes: [String] = []
        guard isPositive.contains(true), isPositive.contains(false) else {
            note = "only one class: the recalibration fits are undefined"
            return
        }
        if let fit = LogisticFit(y: y, covariate: nil, offset: logits) {
            intercept = fit.beta[0]
            interceptSE = fit.se[0]
            interceptCI = Interval(fit.beta[0] - z * fit.se[0], fit.beta[0] + z * fit.se[0])
        } else {
            notes.append("the intercept fit did not converge")
        }
        if let reason = CalibrationFit.slopeUndefinedReason(isPositive: isPositive, logits: logits) {
            notes.append(reason)
        } else if let fit = LogisticFit(y: y, covariate: logits, offset: nil) {
            slopeModelIntercept = fit.beta[0]
            slope = fit.beta[1]
            slopeSE = fit.se[1]
            slopeCI = Interval(fit.beta[1] - z * fit.se[1], fit.beta[1] + z * fit.se[1])
        } else {
            notes.append("the slope fit did not converge in 100 iterations")
        }
        note = notes.isEmpty ? nil : notes.joined(separator: "; ")
    }

    /// ln(p/(1 − p)) of p clipped to [1e-6, 1 − 1e-6].
    public static func logit(_ p: Double) -> Double {
        let q = min(max(p, clip), 1 - clip)
        return log(q / (1 - q))
    }

    /// Why the slope has no finite estimate, or nil when it has one.
    static func slopeUndefinedReason(isPositive: [Bool], logits: [Double]) -> String? {
        let positive = zip(isPositive, logits).filter { $0.0 }.map(\.1)
        let negative = zip(isPositive, logits).filter { !$0.0 }.map(\.1)
        if Set(logits).count == 1 { return "all probabilities are equal: the slope is not identifiable" }
        if positive.min()! >= negative.max()! || negative.min()! >= positive.max()! {
            return "P(GIST) separates the classes: the slope's maximum-likelihood estimate is infinite"
        }
        return nil
    }
}

/// A logistic GLM with one intercept, an optional covariate and an optional offset, fitted by
/// IRLS (see `CalibrationFit`). `beta` is [intercept] or [intercept, slope]; `se` matches it.
struct LogisticFit {
    var beta: [Double]
    var se: [Double]
    var iterations: Int

    init?(y: [Double], covariate: [Double]?, offset: [Double]?, maxIterations: Int = 100) {
        let k = covariate == nil ? 1 : 2
        func row(_ i: Int) -> [Double] { covariate.map { [1, $0[i]] } ?? [1] }
        func deviance(_ beta: [Double]) -> Double {
            var sum = 0.0
            for i in y.indices {
                let eta = zip(row(i), beta).reduce(offset?[i] ?? 0) { $0 + $1.0 * $1.1 }
                // −2·log-likelihood, computed stably: log(1 + e^η) − y·η.
                sum += 2 * (max(eta, 0) + log1p(exp(-abs(eta))) - y[i] * eta)
            }
            return sum
        }
        var beta = [Double](repeating: 0, count: k)
        var current = deviance(beta)
        for iteration in 1...maxIterations {
            let (gradient, information) = LogisticFit.score(y: y, beta: beta, row: row, offset: offset)
            guard let inverse = LogisticFit.invert(information) else { return nil }
            let step = (0..<k).map { r in (0..<k).reduce(0) { $0 + inverse[r][$1] * gradient[$1] } }
            var scale = 1.0, next = beta, nextDeviance = current
            for _ in 0..<30 {
                next = zip(beta, step).map { $0 + scale * $1 }
                nextDeviance = deviance(next)
                if nextDeviance <= current + 1e-12 * (1 + current) { break }
                scale /= 2
            }
            let converged = zip(next, beta).allSatisfy { abs($0 - $1) <= 1e-12 * (1 + abs($0)) }
            beta = next
            current = nextDeviance
            if converged {
                let (_, finalInformation) = LogisticFit.score(y: y, beta: beta, row: row, offset: offset)
                guard let covariance = LogisticFit.invert(finalInformation) else { return nil }
                self.beta = beta
                self.se = (0..<k).map { covariance[$0][$0].squareRoot() }
                self.iterations = iteration
                return
            }
        }
        return nil
    }

    /// The score Xᵀ(y − μ) and the Fisher information XᵀWX at beta.
    static func score(y: [Double], beta: [Double], row: (Int) -> [Double], offset: [Double]?)
        -> (gradient: [Double], information: [[Double]]) {
        let k = beta.count
        var gradient = [Double](repeating: 0, count: k)
        var information = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for i in y.indices {
            let x = row(i)
            let eta = zip(x, beta).reduce(offset?[i] ?? 0) { $0 + $1.0 * $1.1 }
            let mu = 1 / (1 + exp(-eta))
            let w = mu * (1 - mu)
            for r in 0..<k {
                gradient[r] += x[r] * (y[i] - mu)
                for c in 0..<k { information[r][c] += x[r] * w * x[c] }
            }
        }
        return (gradient, information)
    }

    /// The inverse of a 1×1 or 2×2 matrix; nil when (numerically) singular.
    static func invert(_ m: [[Double]]) -> [[Double]]? {
        if m.count == 1 { return m[0][0] > 0 ? [[1 / m[0][0]]] : nil }
        let det = m[0][0] * m[1][1] - m[0][1] * m[1][0]
        guard det > 1e-300, det.isFinite else { return nil }
        return [[m[1][1] / det, -m[0][1] / det], [-m[1][0] / det, m[0][0] / det]]
    }
}

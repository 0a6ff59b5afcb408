import Foundation

/// Softmax cross-entropy, averaged over the batch, as torch.nn.functional.cross_entropy.
///
///     q[n, k] = (1 - ε) [k == label_n] + ε / K            (label smoothing ε)
///     loss = (1/N) sum_n sum_k q[n, k] ( log sum_j exp(z[n, j]) - z[n, k] )
///     dloss/dz[n, k] = (softmax(z)[n, k] - q[n, k]) / N
///
/// ε = 0 is the plain cross-entropy; with ε > 0 it is `torch.nn.CrossEntropyLoss(
/// label_smoothing=ε)` (Szegedy et al., "Rethinking the Inception Architecture", 2016).
/// Layout: logits (N, K), labels N class indices in 0..<K. Sums run in Double.
public func softmaxCrossEntropy(logits: Tensor, labels: [Int], labelSmoothing: Double = 0) -> (loss: Float, dLogits: Tensor) {
    precondition((0..<1).contains(labelSmoothing), "softmaxCrossEntropy: label smoothing in [0, 1), got \(labelSmoothing)")
    precondition(logits.shape.count == 2, "softmaxCrossEntropy: logits must be (N, K), got \(logits.shape)")
    let (n, k) = (logits.shape[0], logits.shape[1])
    precondition(labels.count == n, "softmaxCrossEntropy: \(labels.count) labels for \(n) rows")
    let gradient = Tensor(shape: [n, k])
    var total: Double = 0
    for row in 0..<n {
        let label = labels[row]
        precondition(label >= 0 && label < k, "softmaxCrossEntropy: label \(label) outside 0..<\(k)")
        let z = logits.data + row * k
        var peak = -Double.infinity
        for j in 0..<k { peak = max(peak, Double(z[j])) }
        var sum: Double = 0
        for j in 0..<k { sum += exp(Double(z[j]) - peak) }
        let logSum = peak + log(sum)
        for j in 0..<k {
            let target = (j == label ? 1 - labelSmoothing : 0) + labelSmoothing / Double(k)
            if target != 0 { total += target * (logSum - Double(z[j])) }
            let p = exp(Double(z[j]) - peak) / sum
            gradient[row * k + j] = Float((p - target) / Double(n))
        }
    }
    return (Float(total / Double(n)), gradient)
}

/// Row-wise softmax probabilities of logits (N, K).
public func softmax(_ logits: Tensor) -> Tensor {
    precondition(logits.shape.count == 2, "softmax: logits must be (N, K), got \(logits.shape)")
    let (n, k) = (logits.shape[0], logits.shape[1])
    let result = Tensor(shape: [n, k])
    for row in 0..<n {
        let z = logits.data + row * k
        var peak = -Double.infinity
        for j in 0..<k { peak = max(peak, Double(z[j])) }
        var sum: Double = 0
        for j in 0..<k { sum += exp(Double(z[j]) - peak) }
        for j in 0..<k { result[row * k + j] = Float(exp(Double(z[j]) - peak) / sum) }
    }
    return result
}

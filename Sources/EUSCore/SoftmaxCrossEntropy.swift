import Foundation

/// Softmax cross-entropy, averaged over the batch, as torch.nn.functional.cross_entropy.
///
///     loss = (1/N) sum_n [ log sum_k exp(z[n, k]) - z[n, label_n] ]
///     dloss/dz[n, k] = (softmax(z)[n, k] - [k == label_n]) / N
///
/// Layout: logits (N, K), labels N class indices in 0..<K. Sums run in Double.
public func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> (loss: Float, dLogits: Tensor) {
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
        total += peak + log(sum) - Double(z[label])
        for j in 0..<k {
            let p = exp(Double(z[j]) - peak) / sum
            gradient[row * k + j] = Float((p - (j == label ? 1 : 0)) / Double(n))
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

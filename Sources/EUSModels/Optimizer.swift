import Foundation
import EUSCore
import EUSSupport

/// An optimiser over named parameters whose state can be saved in a checkpoint.
public protocol Optimizer: AnyObject {
    var learningRate: Float { get set }
    /// Updates every parameter from its accumulated gradient.
    func step()
    /// The optimiser's buffers as named tensors (e.g. "momentum_buffer.fc.weight").
    func stateTensors() -> [NamedTensor]
    /// Restores buffers saved by `stateTensors()`; `source` names the file in errors.
    func loadState(_ tensors: [NamedTensor], source: String) throws
}

/// Stochastic gradient descent with momentum, exactly as `torch.optim.SGD`:
///
///     g = grad + weight_decay * p
///     buf = g                                   (first step)
///     buf = momentum * buf + (1 - dampening) * g (later steps)
///     g = g + momentum * buf  (Nesterov)   or   g = buf
///     p = p - lr * g
///
/// Reference: Sutskever et al., "On the importance of initialization and momentum in deep
/// learning" (2013); PyTorch's SGD documentation.
public final class SGD: Optimizer {
    public let parameters: [NamedParameter]
    public var learningRate: Float
    public let momentum: Float
    public let dampening: Float
    public let weightDecay: Float
    public let nesterov: Bool
    /// Per parameter: whether weight decay applies to it (see `WeightDecay.appliesTo`).
    public let decays: [Bool]
    private var buffers: [Tensor?]

    /// - Parameter decays: per parameter, whether `weightDecay` applies (default: all).
    public init(parameters: [NamedParameter], learningRate: Float, momentum: Float = 0,
                dampening: Float = 0, weightDecay: Float = 0, nesterov: Bool = false, decays: [Bool]? = nil) {
        precondition(learningRate >= 0 && momentum >= 0 && weightDecay >= 0, "SGD: negative hyper-parameter")
        precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov needs momentum and no dampening")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        self.decays = decays ?? Array(repeating: true, count: parameters.count)
        precondition(self.decays.count == parameters.count, "SGD: one decay flag per parameter")
        buffers = Array(repeating: nil, count: parameters.count)
    }

    public func step() {
        for (index, named) in parameters.enumerated() {
            let (p, g, count) = (named.value.data, named.grad.data, named.value.count)
            let (lr, decay, mu, keep) = (learningRate, decays[index] ? weightDecay : 0, momentum, 1 - dampening)
            guard mu != 0 else {
                for i in 0..<count { p[i] -= lr * (g[i] + decay * p[i]) }
                continue
            }
            let first = buffers[index] == nil
            let buffer = buffers[index] ?? Tensor(shape: named.value.shape)
            buffers[index] = buffer
            let b = buffer.data
            for i in 0..<count {
                let d = g[i] + decay * p[i]
                b[i] = first ? d : mu * b[i] + keep * d
                p[i] -= lr * (nesterov ? d + mu * b[i] : b[i])
            }
        }
    }

    public func stateTensors() -> [NamedTensor] {
        zip(parameters, buffers).compactMap { named, buffer in
            buffer.map { NamedTensor(name: "momentum_buffer.\(named.name)", $0) }
        }
    }

    public func loadState(_ tensors: [NamedTensor], source: String) throws {
        buffers = try OptimizerState.restore(tensors, prefix: "momentum_buffer.", parameters: parameters,
                                             source: source, required: false)
    }
}

/// Adam with decoupled weight decay, as `torch.optim.AdamW`:
///
///     p = p * (1 - lr * weight_decay)
///     m = beta1 * m + (1 - beta1) * g,   v = beta2 * v + (1 - beta2) * g^2
///     p = p - (lr / (1 - beta1^t)) * m / (sqrt(v / (1 - beta2^t)) + eps)
///
/// Reference: Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019.
public final class AdamW: Optimizer {
    public let parameters: [NamedParameter]
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    /// The number of steps taken (t).
    public private(set) var steps: Int64 = 0
    /// Per parameter: whether weight decay applies to it (see `WeightDecay.appliesTo`).
    public let decays: [Bool]
    private var firstMoments: [Tensor]
    private var secondMoments: [Tensor]

    /// - Parameter decays: per parameter, whether `weightDecay` applies (default: all).
    public init(parameters: [NamedParameter], learningRate: Float = 1e-3, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 1e-2, decays: [Bool]? = nil) {
        precondition(learningRate >= 0 && (0..<1).contains(beta1) && (0..<1).contains(beta2) && epsilon > 0,
                     "AdamW: invalid hyper-parameters")
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decays = decays ?? Array(repeating: true, count: parameters.count)
        precondition(self.decays.count == parameters.count, "AdamW: one decay flag per parameter")
        firstMoments = parameters.map { Tensor(shape: $0.value.shape) }
        secondMoments = parameters.map { Tensor(shape: $0.value.shape) }
    }

    public func step() {
        steps += 1
        let correction1 = 1 - Float(Double(beta1).power(steps))
        let correction2 = (1 - Float(Double(beta2).power(steps))).squareRoot()
        let stepSize = learningRate / correction1
        for (index, named) in parameters.enumerated() {
            let (p, g) = (named.value.data, named.grad.data)
            let (m, v) = (firstMoments[index].data, secondMoments[index].data)
            let decay = decays[index] ? 1 - learningRate * weightDecay : 1
            let (b1, b2, eps) = (beta1, beta2, epsilon)
            // Eight lanes, then the tail, over the threads: the same operations in the same
            // order on every element, so the result does not depend on the split.
            Parallel.forRanges(named.value.count, costPerItem: 16) { range in
                typealias V = Lanes.Vector
                Lanes.forEach(range) { i in
                    let gi = Lanes.load(g, i)
                    let pi = Lanes.load(p, i) * decay
                    let mi = b1 * Lanes.load(m, i) + (1 - b1) * gi
                    let vi = b2 * Lanes.load(v, i) + (1 - b2) * gi * gi
                    Lanes.store(mi, m, i)
                    Lanes.store(vi, v, i)
                    Lanes.store(pi - stepSize * mi / (vi.squareRoot() / correction2 + V(repeating: eps)), p, i)
                } scalar: { i in
                    p[i] *= decay
                    m[i] = b1 * m[i] + (1 - b1) * g[i]
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                    p[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2 + eps)
                }
            }
        }
    }

    public func stateTensors() -> [NamedTensor] {
        [NamedTensor(name: "adamw.step", shape: [], values: .int64([steps]))]
            + zip(parameters, firstMoments).map { NamedTensor(name: "exp_avg.\($0.name)", $1) }
            + zip(parameters, secondMoments).map { NamedTensor(name: "exp_avg_sq.\($0.name)", $1) }
    }

    public func loadState(_ tensors: [NamedTensor], source: String) throws {
        guard let step = tensors.first(where: { $0.name == "adamw.step" })?.int64s?.first else {
            throw UserError("\(source): missing tensor 'adamw.step'")
        }
        let first = try OptimizerState.restore(tensors, prefix: "exp_avg.", parameters: parameters, source: source, required: true)
        let second = try OptimizerState.restore(tensors, prefix: "exp_avg_sq.", parameters: parameters, source: source, required: true)
        steps = step
        firstMoments = first.map { $0! }
        secondMoments = second.map { $0! }
    }
}

/// Which parameters weight decay applies to.
public enum WeightDecay {
    /// Convolution and fc weights (rank ≥ 2) but not BatchNorm's γ, β or any bias: decaying
    /// those only fights the normalisation (the rule of Goyal et al. 2017 and timm).
    public static func appliesTo(_ parameters: [NamedParameter]) -> [Bool] {
        parameters.map { $0.value.shape.count >= 2 }
    }
}

private extension Double {
    func power(_ exponent: Int64) -> Double { Foundation.pow(self, Double(exponent)) }
}

enum OptimizerState {
    /// One buffer per parameter from `prefix + name` entries, checked for shape.
    static func restore(_ tensors: [NamedTensor], prefix: String, parameters: [NamedParameter],
                        source: String, required: Bool) throws -> [Tensor?] {
        let byName = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        return try parameters.map { named in
            let name = prefix + named.name
            guard let entry = byName[name] else {
                if required { throw UserError("\(source): missing tensor '\(name)'") }
                return nil
            }
            guard entry.shape == named.value.shape, let tensor = entry.tensor else {
                throw UserError("\(source): tensor '\(name)' has shape \(entry.shape) \(entry.dtype), expected \(named.value.shape) F32")
            }
            return tensor
        }
    }
}

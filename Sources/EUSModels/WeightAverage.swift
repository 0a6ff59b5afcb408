import Foundation
import EUSCore
import EUSSupport

/// An exponential moving average (EMA) of a network's parameters and BatchNorm running
/// statistics, updated after every optimiser step and used for evaluation:
///
///     d_t = min(decay, (1 + t) / (10 + t))          (t = updates so far)
///     ema = d_t · ema + (1 − d_t) · θ
///
/// The warm-up of d_t keeps the first steps' random weights from dominating a short run. The
/// average of a noisy, small-batch trajectory generalises better than its last point
/// (Polyak & Juditsky 1992; Izmailov et al., "Averaging Weights Leads to Wider Optima", 2018);
/// the warm-up is TensorFlow's `ExponentialMovingAverage(num_updates=)` rule.
public final class WeightAverage {
    public let decay: Double
    /// The number of updates so far (t).
    public private(set) var updates: Int64 = 0
    private let live: [(name: String, tensor: Tensor)]
    private var shadow: [Tensor]

    public init(model: ResNet, decay: Double) {
        precondition((0..<1).contains(decay), "WeightAverage: decay in [0, 1), got \(decay)")
        self.decay = decay
        live = model.namedParameters.map { ($0.name, $0.value) } + model.namedBuffers
        shadow = live.map { $0.tensor.copy() }
    }

    /// Moves the average towards the network's current weights.
    public func update() {
        let t = Double(updates)
        let d = Float(min(decay, (1 + t) / (10 + t)))
        for (index, entry) in live.enumerated() {
            let (a, x) = (shadow[index].data, entry.tensor.data)
            Parallel.forRanges(entry.tensor.count, costPerItem: 4) { range in
                Lanes.forEach(range) { i in
                    Lanes.store(d * Lanes.load(a, i) + (1 - d) * Lanes.load(x, i), a, i)
                } scalar: { i in
                    a[i] = d * a[i] + (1 - d) * x[i]
                }
            }
        }
        updates += 1
    }

    /// Writes the average into the network's own tensors (before it is saved or evaluated).
    public func applyToNetwork() {
        for (index, entry) in live.enumerated() { entry.tensor.assign(shadow[index]) }
    }

    /// The average as checkpoint tensors ("ema.<name>", and "ema.updates").
    public func stateTensors() -> [NamedTensor] {
        [NamedTensor(name: "ema.updates", shape: [], values: .int64([updates]))]
            + zip(live, shadow).map { NamedTensor(name: "ema.\($0.name)", $1) }
    }

    /// Restores an average saved by `stateTensors()`; `source` names the file in errors.
    public func loadState(_ tensors: [NamedTensor], source: String) throws {
        let byName = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        guard let count = byName["ema.updates"]?.int64s?.first else {
            throw UserError("\(source): missing tensor 'ema.updates'")
        }
        shadow = try live.map { entry in
            let name = "ema.\(entry.name)"
            guard let saved = byName[name] else { throw UserError("\(source): missing tensor '\(name)'") }
            guard saved.shape == entry.tensor.shape, let tensor = saved.tensor else {
                throw UserError("\(source): tensor '\(name)' has shape \(saved.shape) \(saved.dtype), expected \(entry.tensor.shape) F32")
            }
            return tensor
        }
        updates = count
    }
}

import Foundation
import EUSCore
import EUSSupport

/// A parameter with its torchvision name (e.g. "layer1.0.conv1.weight").
public struct NamedParameter {
    public let name: String
    public let parameter: Parameter
    public var value: Tensor { parameter.value }
    public var grad: Tensor { parameter.grad }
}

extension ResNet {
    /// Every parameter in torchvision's `named_parameters()` order (110 for ResNet-34, 161 for
    /// ResNet-50).
    public var namedParameters: [NamedParameter] {
        var result: [NamedParameter] = []
        for unit in units {
            result.append(NamedParameter(name: "\(unit.convName).weight", parameter: unit.conv.weight))
            result.append(NamedParameter(name: "\(unit.normName).weight", parameter: unit.norm.weight))
            result.append(NamedParameter(name: "\(unit.normName).bias", parameter: unit.norm.bias))
        }
        result.append(NamedParameter(name: "fc.weight", parameter: fc.weight))
        result.append(NamedParameter(name: "fc.bias", parameter: fc.bias))
        return result
    }

    /// The number of trainable scalars (21,285,698 for a 2-class ResNet-34).
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.value.count } }

    /// The BatchNorm running statistics by name ("bn1.running_mean", ...), live tensors.
    public var namedBuffers: [(name: String, tensor: Tensor)] {
        units.flatMap { unit in
            [("\(unit.normName).running_mean", unit.norm.runningMean),
             ("\(unit.normName).running_var", unit.norm.runningVar)]
        }
    }

    /// The state_dict in torchvision's order and names: each conv's weight, each BatchNorm's
    /// weight, bias, running_mean, running_var (F32) and num_batches_tracked (I64, shape []),
    /// then fc.weight and fc.bias. It loads into torchvision with `load_state_dict`.
    public func stateDict() -> [NamedTensor] {
        var result: [NamedTensor] = []
        for unit in units {
            let (conv, norm, bn) = (unit.conv, unit.norm, unit.normName)
            result.append(NamedTensor(name: "\(unit.convName).weight", conv.weight.value))
            result.append(NamedTensor(name: "\(bn).weight", norm.weight.value))
            result.append(NamedTensor(name: "\(bn).bias", norm.bias.value))
            result.append(NamedTensor(name: "\(bn).running_mean", norm.runningMean))
            result.append(NamedTensor(name: "\(bn).running_var", norm.runningVar))
            result.append(NamedTensor(name: "\(bn).num_batches_tracked", shape: [], values: .int64([norm.batchesTracked])))
        }
        result.append(NamedTensor(name: "fc.weight", fc.weight.value))
        result.append(NamedTensor(name: "fc.bias", fc.bias.value))
        return result
    }

    /// Writes the state_dict as a safetensors file (atomically).
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        var fields = metadata
        fields["arch"] = fields["arch"] ?? architecture.rawValue
        try Safetensors.write(stateDict(), metadata: fields, to: url)
    }

    /// Loads weights from a safetensors or torch.save file (`WeightsFile`); see
    /// `load(_:source:reinitialiseMismatchedFC:)`.
    @discardableResult
    public func load(contentsOf url: URL, reinitialiseMismatchedFC: Bool = false) throws -> [String] {
        try load(WeightsFile.read(url).tensors, source: url.path, reinitialiseMismatchedFC: reinitialiseMismatchedFC)
    }

    /// Loads a torchvision state_dict. Every tensor is checked before any is copied, so a
    /// failed load leaves the network unchanged.
    ///
    /// - A missing tensor, a misshaped tensor or a wrong dtype is an error naming the tensor.
    ///   A missing `num_batches_tracked` keeps the current count (as torch does).
    /// - With `reinitialiseMismatchedFC` (`--init`), an `fc` of another shape (an ImageNet
    ///   checkpoint's 1000 classes) is re-initialised instead, with a warning.
    /// - Tensors the network does not have are ignored with a warning, or, with `strict`
    ///   (weights to predict with), an error: ResNet-34 weights must not pass for a ResNet-18.
    /// - A weight that is NaN or infinite is an error naming the tensor: it could only give
    ///   NaN or constant probabilities.
    /// - Returns: the warnings, each naming `source` and the tensor.
    @discardableResult
    public func load(_ tensors: [NamedTensor], source: String, reinitialiseMismatchedFC: Bool = false,
                     strict: Bool = false) throws -> [String] {
        let byName = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var warnings: [String] = []
        var skipFC = false
        let expected = stateDict()
        for entry in expected {
            guard let found = byName[entry.name] else {
                if entry.name.hasSuffix(".num_batches_tracked") { continue }
                throw UserError("\(source): missing tensor '\(entry.name)' (\(architecture.rawValue) expects shape \(entry.shape))")
            }
            if found.shape != entry.shape {
                if reinitialiseMismatchedFC && entry.name.hasPrefix("fc.") {
                    skipFC = true
                    continue
                }
                throw UserError("\(source): tensor '\(entry.name)' has shape \(found.shape), \(architecture.rawValue) with \(numClasses) classes and base width \(baseWidth) expects \(entry.shape)")
            }
            if found.dtype != entry.dtype {
                throw UserError("\(source): tensor '\(entry.name)' is \(found.dtype), expected \(entry.dtype)")
            }
            if let values = found.floats, let index = values.firstIndex(where: { !$0.isFinite }) {
                throw UserError("\(source): tensor '\(entry.name)' holds a non-finite value (\(values[index]) at element \(index))")
            }
        }
        let known = Set(expected.map(\.name))
        for name in tensors.map(\.name) where !known.contains(name) {
            if strict {
                throw UserError("\(source): tensor '\(name)' is not part of \(architecture.rawValue); are these weights of another architecture?")
            }
            warnings.append("\(source): tensor '\(name)' is not part of \(architecture.rawValue); ignored")
        }
        for entry in expected {
            guard let found = byName[entry.name] else { continue }
            if skipFC && entry.name.hasPrefix("fc.") { continue }
            assign(entry.name, found)
        }
        if skipFC {
            initialiseFC(seed: seed &+ 1)
            let shape = byName["fc.weight"]?.shape ?? byName["fc.bias"]?.shape ?? []
            warnings.append("\(source): fc has shape \(shape), this network's is \(fc.weight.value.shape) (\(numClasses) classes); fc re-initialised")
        }
        invalidateFolding()
        return warnings
    }

    private func assign(_ name: String, _ tensor: NamedTensor) {
        if let values = tensor.floats {
            let target = liveTensor(named: name)
            values.withUnsafeBufferPointer { target.data.update(from: $0.baseAddress!, count: target.count) }
        } else if let counts = tensor.int64s, let unit = units.first(where: { name == "\($0.normName).num_batches_tracked" }) {
            unit.norm.batchesTracked = counts[0]
        }
    }

    private func liveTensor(named name: String) -> Tensor {
        if let parameter = namedParameters.first(where: { $0.name == name }) { return parameter.value }
        if let buffer = namedBuffers.first(where: { $0.name == name }) { return buffer.tensor }
        preconditionFailure("ResNet: no tensor named \(name)")
    }

    // MARK: - Initialisation

    /// torchvision's initialisation, seeded: Kaiming normal with fan_out for convolutions
    /// (std = sqrt(2 / (OC*K*K))), BatchNorm weight 1 and bias 0 with fresh running statistics,
    /// and torch's Linear default for fc (weight and bias uniform in +-1/sqrt(in)).
    ///
    /// Reference: He et al., "Delving Deep into Rectifiers" (2015).
    public func reinitialise(seed: UInt64) {
        self.seed = seed
        var random = SeededRandom(seed: seed)
        for unit in units {
            let w = unit.conv.weight.value
            let std = (2 / Float(w.shape[0] * w.shape[2] * w.shape[3])).squareRoot()
            for i in 0..<w.count { w[i] = random.normal(std: std) }
            let norm = unit.norm
            norm.weight.value.fill(1)
            norm.bias.value.fill(0)
            norm.runningMean.fill(0)
            norm.runningVar.fill(1)
            norm.batchesTracked = 0
        }
        initialiseFC(seed: seed &+ 1)
        invalidateFolding()
    }

    private func initialiseFC(seed: UInt64) {
        var random = SeededRandom(seed: seed ^ 0x5EED_FC)
        let bound = 1 / Float(fc.inputFeatures).squareRoot()
        for i in 0..<fc.weight.value.count { fc.weight.value[i] = Float(random.uniform(-Double(bound), Double(bound))) }
        for i in 0..<fc.bias.value.count { fc.bias.value[i] = Float(random.uniform(-Double(bound), Double(bound))) }
    }

    /// Folds BatchNorm into the convolutions for eval-mode forwards. Eval mode does this by
    /// itself after weights change through `forward(mode: .train)`, `load` or `reinitialise`;
    /// call `invalidateFolding()` after changing weights any other way.
    public func prepareForInference() {
        for unit in units { unit.fold() }
    }

    /// Forgets the folded inference weights (see `prepareForInference`).
    public func invalidateFolding() {
        for unit in units { unit.invalidateFolding() }
    }
}

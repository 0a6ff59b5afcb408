import EUSCore

extension ResNet {
    /// The torchvision module paths of the residual blocks, in forward order ("layer1.0", ...).
    public var blockNames: [String] { blocks.map(\.name) }

    /// The index of a block from its torchvision path: "layer4.2", or "layer4" (its last block),
    /// or "layer4.-1" (the same, as Python indexing writes it). Nil for an unknown name.
    public func blockIndex(named name: String) -> Int? {
        let names = blockNames
        if let index = names.firstIndex(of: name) { return index }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.first?.hasPrefix("layer") == true,
              let stage = Int(parts[0].dropFirst(5)), (1...stages.count).contains(stage) else { return nil }
        let offset = stages[..<(stage - 1)].reduce(0) { $0 + $1.count }
        if parts.count == 1 { return offset + stages[stage - 1].count - 1 }
        guard parts.count == 2, let position = Int(parts[1]) else { return nil }
        let count = stages[stage - 1].count
        let resolved = position < 0 ? count + position : position
        return (0..<count).contains(resolved) ? offset + resolved : nil
    }

    /// An eval-mode forward (BatchNorm folded) that also returns the output activation of the
    /// block `blockName` (see `blockIndex(named:)`), for Grad-CAM.
    /// - Returns: logits (N, numClasses) and the activation A (N, C, h, w), both fresh tensors.
    public func forward(_ input: Tensor, capturingBlock blockName: String) -> (logits: Tensor, activation: Tensor) {
        guard let index = blockIndex(named: blockName) else {
            preconditionFailure("ResNet: no block named '\(blockName)'; blocks are \(blockNames.joined(separator: ", "))")
        }
        capturedBlock = index
        let activation = forward(input, mode: .eval, capturing: index)!
        return (fc.output.copy(), activation.copy())
    }

    /// dLoss/dA for the block captured by the last `forward(_:capturingBlock:)`, from
    /// dLoss/dlogits (N, numClasses): backward through fc, avgpool and the later blocks, with
    /// the same folded weights. Parameter gradients are left untouched.
    /// - Returns: a fresh tensor shaped as the activation.
    public func gradientOfCapturedBlock(_ dLogits: Tensor) -> Tensor {
        guard let index = capturedBlock else {
            preconditionFailure("ResNet: gradientOfCapturedBlock needs forward(_:capturingBlock:) first")
        }
        let gradient = backward(dLogits, stoppingAfter: index + 1, parameterGradients: false)
        let result = gradient.copy()
        pool.give(gradient)
        return result
    }
}

import EUSCore

/// One residual block of torchvision's ResNet: BasicBlock (two 3x3 convolutions) or
/// Bottleneck v1.5 (1x1, 3x3 with the stride, 1x1 expanding by 4).
///
///     y = relu(F(x) + shortcut(x)),  F = bn_k(conv_k(... relu(bn_1(conv_1(x)))))
///
/// `shortcut` is the identity, or `downsample` (1x1 convolution with the stride, then BN)
/// when the shape changes.
///
/// References: He et al., "Deep Residual Learning for Image Recognition" (2016);
/// torchvision.models.resnet (v1.5 puts the stride in the 3x3 convolution of the Bottleneck).
final class ResidualBlock {
    /// The torchvision module path, e.g. "layer2.0".
    let name: String
    let units: [ConvBatchNorm]
    let downsample: ConvBatchNorm?
    /// y (N, OC, H/s, W/s): the last unit's output tensor, which the block overwrites in place
    /// with relu(F(x) + shortcut(x)). That unit has no ReLU, so its own backward never reads its
    /// output, and the block keeps one activation fewer (as torchvision's in-place `out +=
    /// identity; relu(out)` does).
    private(set) var output = Tensor(shape: [0])

    init(name: String, inputChannels: Int, planes: Int, stride: Int, bottleneck: Bool,
         workspace: ConvolutionWorkspace) {
        self.name = name
        let last = bottleneck ? 3 : 2
        func unit(_ index: Int, _ c: Int, _ oc: Int, _ k: Int, _ s: Int) -> ConvBatchNorm {
            ConvBatchNorm("\(name).conv\(index)", "\(name).bn\(index)", inputChannels: c, outputChannels: oc,
                          kernelSize: k, stride: s, padding: k / 2, rectified: index < last, workspace: workspace)
        }
        let outputChannels: Int
        if bottleneck {
            outputChannels = planes * 4
            units = [unit(1, inputChannels, planes, 1, 1), unit(2, planes, planes, 3, stride),
                     unit(3, planes, outputChannels, 1, 1)]
        } else {
            outputChannels = planes
            units = [unit(1, inputChannels, planes, 3, stride), unit(2, planes, planes, 3, 1)]
        }
        if stride != 1 || inputChannels != outputChannels {
            downsample = ConvBatchNorm("\(name).downsample.0", "\(name).downsample.1",
                                       inputChannels: inputChannels, outputChannels: outputChannels,
                                       kernelSize: 1, stride: stride, padding: 0, rectified: false, workspace: workspace)
        } else {
            downsample = nil
        }
    }

    /// Every unit in torchvision's registration order (conv1, bn1, ..., downsample).
    var allUnits: [ConvBatchNorm] { units + (downsample.map { [$0] } ?? []) }

    func forward(_ x: Tensor, mode: ResNet.Mode, differentiable: Bool = true, algorithm: Conv2D.Algorithm = .direct) -> Tensor {
        // x: (N, C, H, W), y: (N, OC, H/s, W/s)
        var h = x
        for unit in units {   // ReLU fused into all but the last
            h = unit.forward(h, mode: mode, differentiable: differentiable, algorithm: algorithm)
        }
        let shortcut = downsample?.forward(x, mode: mode, differentiable: differentiable, algorithm: algorithm) ?? x
        precondition(shortcut.shape == h.shape, "\(name): shortcut \(shortcut.shape) vs residual \(h.shape)")
        precondition(h !== shortcut && h !== x, "\(name): the residual must be the last unit's own tensor")
        output = h
        let (y, a, b) = (h.data, h.data, shortcut.data)
        Profiler.measure("residual add+relu") {
            Parallel.forRanges(output.count) { range in
                Lanes.forEach(range) { i in
                    let sum = Lanes.load(a, i) + Lanes.load(b, i)
                    Lanes.store(sum.replacing(with: 0, where: .!(sum .> 0)), y, i)
                } scalar: { i in
                    y[i] = max(a[i] + b[i], 0)
                }
            }
        }
        return output
    }

    /// Differentiates `y = relu(F(x) + shortcut(x))`, walking F's units in reverse. `dy` is
    /// consumed (overwritten); the returned dx is taken from `pool`.
    func backward(_ dy: Tensor, pool: TensorPool) -> Tensor {
        ReLU.backward(dy, output: output)           // dy is now d(F + shortcut)
        var gradient = dy
        for index in units.indices.reversed() {
            let dx = units[index].backward(gradient, pool: pool, needsInputGradient: true)!
            if gradient !== dy { pool.give(gradient) }
            gradient = dx
        }
        let shortcutGradient = downsample?.backward(dy, pool: pool, needsInputGradient: true) ?? dy
        let (g, s) = (gradient.data, shortcutGradient.data)
        Profiler.measure("residual add backward") {
            Parallel.forRanges(gradient.count) { range in
                Lanes.forEach(range) { i in
                    Lanes.store(Lanes.load(g, i) + Lanes.load(s, i), g, i)
                } scalar: { i in
                    g[i] += s[i]
                }
            }
        }
        if shortcutGradient !== dy { pool.give(shortcutGradient) }
        return gradient
    }
}

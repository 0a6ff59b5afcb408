/// A fully connected layer, as torch.nn.Linear.
///
///     y = x w^T + b
///
/// Layout: x (N, in), w (out, in), b (out), y (N, out).
public final class Linear {
    public let inputFeatures: Int
    public let outputFeatures: Int
    /// (out, in)
    public let weight: Parameter
    /// (out)
    public let bias: Parameter
    public let output = Tensor(shape: [0])
    private var input: Tensor?

    public init(inputFeatures: Int, outputFeatures: Int) {
        precondition(inputFeatures > 0 && outputFeatures > 0,
                     "Linear: invalid sizes in=\(inputFeatures) out=\(outputFeatures)")
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        weight = Parameter(Tensor(shape: [outputFeatures, inputFeatures]))
        bias = Parameter(Tensor(shape: [outputFeatures]))
    }

    @discardableResult
    public func forward(_ x: Tensor) -> Tensor {
        // x: (N, in), w: (out, in), y: (N, out)
        precondition(x.shape.count == 2 && x.shape[1] == inputFeatures,
                     "Linear: expected (N, \(inputFeatures)), got \(x.shape)")
        input = x
        let n = x.shape[0]
        output.resize(to: [n, outputFeatures])
        for row in 0..<n {
            (output.data + row * outputFeatures).update(from: bias.value.data, count: outputFeatures)
        }
        GEMM.multiply(output.data, x.data, weight.value.data, transposeB: true,
                      m: n, n: outputFeatures, k: inputFeatures, beta: 1)
        return output
    }

    /// Differentiates `y = x w^T + b`: dW += dy^T x, db += sum_n dy, dx = dy w (overwritten).
    public func backward(_ dy: Tensor, inputGradient dx: Tensor?, accumulateParameterGradients: Bool = true) {
        guard let x = input else { preconditionFailure("Linear: backward before forward") }
        precondition(dy.shape == output.shape, "Linear: dy \(dy.shape) does not match y \(output.shape)")
        let n = x.shape[0]
        if accumulateParameterGradients {
            GEMM.multiply(weight.grad.data, dy.data, transposeA: true, x.data,
                          m: outputFeatures, n: inputFeatures, k: n, beta: 1)
            for row in 0..<n {
                for o in 0..<outputFeatures { bias.grad.data[o] += dy.data[row * outputFeatures + o] }
            }
        }
        if let dx {
            dx.resize(to: x.shape)
            GEMM.multiply(dx.data, dy.data, weight.value.data, m: n, n: inputFeatures, k: outputFeatures)
        }
    }
}

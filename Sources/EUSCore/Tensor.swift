import Foundation

/// A dense float32 tensor: a shape and one contiguous, row-major block of storage.
///
/// Images and activations use the NCHW layout: element `(n, c, h, w)` of a tensor of shape
/// `(N, C, H, W)` sits at `((n * C + c) * H + h) * W + w`. Weights of a convolution are
/// `(OC, C, KH, KW)`, of a linear layer `(out, in)`.
///
/// `Tensor` is a reference type, as activations are in llm.c: each layer owns its output
/// tensor and overwrites it on its next forward, so that a training step allocates nothing
/// once the buffers have grown to size. Call `copy()` to keep a value beyond the next call.
public final class Tensor: @unchecked Sendable {
    /// The extent of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The number of elements, the product of `shape`.
    public private(set) var count: Int
    /// The storage; `count` elements are valid, `capacity` are allocated.
    public private(set) var data: UnsafeMutablePointer<Float>
    private var capacity: Int

    /// A zero-filled tensor of the given shape.
    public init(shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        self.shape = shape
        count = shape.reduce(1, *)
        capacity = max(count, 1)
        data = Tensor.allocate(capacity)
        data.initialize(repeating: 0, count: capacity)
    }

    /// A tensor holding `scalars` (row-major) with the given shape.
    public convenience init(shape: [Int], scalars: [Float]) {
        self.init(shape: shape)
        precondition(scalars.count == count, "Tensor: \(scalars.count) scalars for shape \(shape)")
        scalars.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    deinit { data.deallocate() }

    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: capacity * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: capacity)
    }

    /// Gives the tensor a new shape, reusing the storage when it is large enough. The contents
    /// are unspecified afterwards (callers overwrite them).
    public func resize(to newShape: [Int]) {
        let newCount = newShape.reduce(1, *)
        if newCount > capacity {
            data.deallocate()
            capacity = newCount
            data = Tensor.allocate(capacity)
            data.initialize(repeating: 0, count: capacity)
        }
        shape = newShape
        count = newCount
    }

    /// Reinterprets the same elements with another shape of equal element count.
    public func reshape(to newShape: [Int]) {
        precondition(newShape.reduce(1, *) == count, "Tensor: cannot reshape \(shape) to \(newShape)")
        shape = newShape
    }

    /// The elements as an array (row-major).
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: data, count: count))
    }

    /// A new tensor with the same shape and values.
    public func copy() -> Tensor {
        let result = Tensor(shape: shape)
        result.data.update(from: data, count: count)
        return result
    }

    /// Copies the shape and values of `other` into this tensor.
    public func assign(_ other: Tensor) {
        resize(to: other.shape)
        data.update(from: other.data, count: count)
    }

    public func fill(_ value: Float) {
        data.update(repeating: value, count: count)
    }

    public subscript(index: Int) -> Float {
        get { data[index] }
        set { data[index] = newValue }
    }

    /// The largest absolute value (0 for an empty tensor).
    public var maxAbs: Float {
        var m: Float = 0
        for i in 0..<count { m = max(m, abs(data[i])) }
        return m
    }
}

/// A trainable tensor and the gradient that backward passes accumulate into it.
public final class Parameter: @unchecked Sendable {
    public let value: Tensor
    /// dLoss/dvalue, same shape as `value`; backward adds to it, `zeroGrad()` clears it.
    public let grad: Tensor

    public init(_ value: Tensor) {
        self.value = value
        grad = Tensor(shape: value.shape)
    }

    public func zeroGrad() { grad.fill(0) }
}

/// A batch of feature maps, NCHW float32: `values[((n * channels + c) * height + y) * width + x]`.
///
/// The activations A of a network block and the gradients ∂y/∂A of a class score with respect to
/// them both take this form; Grad-CAM's arithmetic is pure functions on it.
public struct FeatureMaps: Equatable, Sendable {
    public var batch: Int
    public var channels: Int
    public var height: Int
    public var width: Int
    public var values: [Float]

    public init(batch: Int, channels: Int, height: Int, width: Int, values: [Float]) {
        precondition(batch > 0 && channels > 0 && height > 0 && width > 0,
                     "FeatureMaps: shape (\(batch),\(channels),\(height),\(width)) must be positive")
        precondition(values.count == batch * channels * height * width,
                     "FeatureMaps: \(values.count) values for (\(batch),\(channels),\(height),\(width))")
        self.batch = batch
        self.channels = channels
        self.height = height
        self.width = width
        self.values = values
    }

    public var shape: [Int] { [batch, channels, height, width] }

    /// Positions per channel, h·w.
    public var planeSize: Int { height * width }

    /// The offset of plane (n, c) in `values`.
    @inline(__always)
    public func planeOffset(_ n: Int, _ c: Int) -> Int { (n * channels + c) * planeSize }
}

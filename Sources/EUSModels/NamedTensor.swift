import EUSCore

/// A named tensor as stored in a checkpoint: float32 (`F32`) or int64 (`I64`) values, row-major.
public struct NamedTensor: Equatable, Sendable {
    public enum Values: Equatable, Sendable {
        case float32([Float])
        case int64([Int64])
    }

    public var name: String
    public var shape: [Int]
    public var values: Values

    public init(name: String, shape: [Int], values: Values) {
        self.name = name
        self.shape = shape
        self.values = values
    }

    /// A float32 entry holding a copy of `tensor`.
    public init(name: String, _ tensor: Tensor) {
        self.init(name: name, shape: tensor.shape, values: .float32(tensor.scalars))
    }

    /// safetensors' dtype name.
    public var dtype: String {
        switch values {
        case .float32: "F32"
        case .int64: "I64"
        }
    }

    public var count: Int {
        switch values {
        case .float32(let v): v.count
        case .int64(let v): v.count
        }
    }

    /// The values as a `Tensor`, or nil for an int64 entry.
    public var tensor: Tensor? {
        guard case .float32(let v) = values else { return nil }
        return Tensor(shape: shape, scalars: v)
    }

    /// The float32 values, or nil for an int64 entry.
    public var floats: [Float]? {
        guard case .float32(let v) = values else { return nil }
        return v
    }

    /// The int64 values, or nil for a float32 entry.
    public var int64s: [Int64]? {
        guard case .int64(let v) = values else { return nil }
        return v
    }
}

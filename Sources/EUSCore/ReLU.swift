/// The rectifier, applied in place as torchvision's `ReLU(inplace=True)`.
///
///     y = max(x, 0)
///
/// Any layout; the tensor keeps its shape. Loops run eight lanes at a time over both cores.
public enum ReLU {
    /// x <- max(x, 0).
    public static func forward(_ x: Tensor) {
        Profiler.measure("relu forward") {
            let data = x.data
            Parallel.forRanges(x.count) { range in
                Lanes.forEach(range) { i in
                    Lanes.store(Lanes.load(data, i).replacing(with: 0, where: .!(Lanes.load(data, i) .> 0)), data, i)
                } scalar: { i in
                    data[i] = data[i] > 0 ? data[i] : 0
                }
            }
        }
    }

    /// Differentiates `y = max(x, 0)` from its output: dy <- dy * [y > 0], in place.
    public static func backward(_ dy: Tensor, output y: Tensor) {
        Profiler.measure("relu backward") {
            precondition(dy.count == y.count, "ReLU: dy \(dy.shape) does not match y \(y.shape)")
            let (g, data) = (dy.data, y.data)
            Parallel.forRanges(dy.count) { range in
                Lanes.forEach(range) { i in
                    Lanes.store(Lanes.load(g, i).replacing(with: 0, where: .!(Lanes.load(data, i) .> 0)), g, i)
                } scalar: { i in
                    g[i] = data[i] > 0 ? g[i] : 0
                }
            }
        }
    }
}

/// Eight-lane float32 helpers for the element-wise loops.
public enum Lanes {
    public typealias Vector = SIMD8<Float>

    @inline(__always)
    public static func load(_ p: UnsafePointer<Float>, _ i: Int) -> Vector {
        UnsafeRawPointer(p + i).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    public static func load(_ p: UnsafeMutablePointer<Float>, _ i: Int) -> Vector {
        UnsafeRawPointer(p + i).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    public static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Vector.self)
    }

    /// The lane-wise maximum. Spelled with a comparison because the standard library's
    /// generic `pointwiseMax` is not inlined and costs a call per vector.
    @inline(__always)
    public static func maximum(_ a: Vector, _ b: Vector) -> Vector {
        a.replacing(with: b, where: a .< b)
    }

    /// target[i] = max(source[i] + shift, floor) for i < count: a bias and, with floor 0, a
    /// ReLU in one pass. target may be source.
    @inline(__always)
    public static func addAndFloor(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int,
                                   adding shift: Float, floor: Float) {
        let (shifts, floors) = (Vector(repeating: shift), Vector(repeating: floor))
        forEach(0..<count) { i in
            store(maximum(load(source, i) + shifts, floors), target, i)
        } scalar: { i in
            target[i] = max(source[i] + shift, floor)
        }
    }

    /// Calls `vector(i)` for i = start, start+8, ... while eight elements remain, then
    /// `scalar(i)` for the rest of `range`.
    @inline(__always)
    public static func forEach(_ range: Range<Int>, vector: (Int) -> Void, scalar: (Int) -> Void) {
        var i = range.lowerBound
        while i + 8 <= range.upperBound { vector(i); i += 8 }
        while i < range.upperBound { scalar(i); i += 1 }
    }
}

import EUSCore
import EUSModels
import Foundation

/// The PyTorch reference networks that the engine and Grad-CAM tests share, copied from the
/// reference folder (made by make_resnet_fixtures.py with PyTorch 2.15 and torchvision 0.29.2):
/// torchvision ResNet-34 and ResNet-50 of base width 8 and 2 classes, their weights
/// (`<arch>.weights.safetensors`), and a batch of two 128-pixel images with PyTorch's eval and
/// train-mode outputs, gradients, SGD losses and pytorch-grad-cam maps (`<arch>.io.safetensors`).
public enum ReferenceNetworks {
    public static func url(_ name: String, extension: String = "safetensors") -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: `extension`, subdirectory: "resnet") else {
            preconditionFailure("ReferenceNetworks: no resnet/\(name).\(`extension`) in the bundle")
        }
        return url
    }

    /// The inputs and PyTorch's outputs for `architecture` ("resnet34" or "resnet50").
    public static func io(_ architecture: String) throws -> SafetensorsFile {
        try Safetensors.read(url("\(architecture).io"))
    }

    /// The network with PyTorch's weights, and the loader's warnings (expected: none).
    public static func model(_ architecture: String) throws -> (model: ResNet, warnings: [String]) {
        let model = ResNet(architecture: Architecture(rawValue: architecture)!, numClasses: 2, baseWidth: 8, seed: 1)
        let warnings = try model.load(contentsOf: url("\(architecture).weights"))
        return (model, warnings)
    }
}

extension ReferenceNetworks {
    /// PyTorch's float64 answers for `architecture`, PyTorch float32's distance from them, and
    /// the range of that distance over the rounding ensemble.
    public static func float64(_ architecture: String) throws -> Float64Reference {
        Float64Reference(file: try Safetensors.read(url("\(architecture).f64")),
                         ensemble: try Safetensors.read(url("\(architecture).ensemble")))
    }
}

/// A residual block's ReLU input that float64 puts within float32 rounding of zero
/// (`<arch>.near-zero-relus.json`, made by scripts/make_near_zero_relus.py): a float32 forward
/// may put it on either side.
public struct NearZeroReLU: Decodable, Sendable {
    /// The block ("layer4.2") whose output it is.
    public let block: String
    /// (image, channel, row, column) in the block's output.
    public let index: [Int]
    /// Its value in PyTorch's float64 train-mode forward of the reference batch.
    public let f64: Double
}

extension ReferenceNetworks {
    /// Every residual ReLU input of `architecture`'s train-mode forward within 2e-5 × its
    /// block's max|input| of zero in float64.
    public static func nearZeroReLUs(_ architecture: String) throws -> [NearZeroReLU] {
        struct File: Decodable { let units: [NearZeroReLU] }
        let data = try Data(contentsOf: url("\(architecture).near-zero-relus", extension: "json"))
        return try JSONDecoder().decode(File.self, from: data).units
    }
}

/// `<arch>.f64.safetensors` (make_f64_references.py): for every quantity of `<arch>.io`, PyTorch's
/// answer in float64 (`f64.<quantity>`, stored as float32) and max|PyTorch float32 − float64|
/// (`spread.<quantity>`). Where a sum cancels heavily (a ReLU input within rounding of zero, the
/// raw Grad-CAM map) float32 rounding alone moves the float32 fixture far from the exact answer,
/// so a float32 engine is held to max|ours − f64| ≤ max(tolerance, 3 × spread): no further from
/// the exact answer than three times PyTorch float32 is.
///
/// `<arch>.ensemble.safetensors` (scripts/make_rounding_ensemble.py, 32 runs) holds the same
/// distance over an ensemble: PyTorch float32 with every weight and input value moved by about
/// one unit in the last place, max over runs (`ensemble.<quantity>`) and median (`median.<quantity>`).
/// Where one sample of that distance (the spread) says little, because the quantity turns on a
/// sum that cancels to near zero, the ensemble's range is the fair yardstick.
public struct Float64Reference: Sendable {
    let file: SafetensorsFile
    let ensemble: SafetensorsFile

    /// The quantities whose names start with `prefix` ("grad.", "after_step.buffer.").
    public func quantities(startingWith prefix: String) -> [String] {
        file.tensors.map(\.name).filter { $0.hasPrefix("f64.\(prefix)") }.map { String($0.dropFirst(4)) }
    }

    public func values(_ quantity: String) -> [Float] {
        guard let values = file["f64.\(quantity)"]?.floats else { preconditionFailure("no f64.\(quantity)") }
        return values
    }

    public func spread(_ quantity: String) -> Float {
        guard let spread = file["spread.\(quantity)"]?.floats?.first else { preconditionFailure("no spread.\(quantity)") }
        return spread
    }

    /// (median, max) over the rounding ensemble of max|PyTorch float32 − f64| for `quantity`.
    public func ensembleRange(_ quantity: String) -> (median: Float, max: Float) {
        guard let median = ensemble["median.\(quantity)"]?.floats?.first,
              let max = ensemble["ensemble.\(quantity)"]?.floats?.first else { preconditionFailure("no ensemble.\(quantity)") }
        return (median, max)
    }

    /// `ours` against the whole of f64.`quantity`.
    public func compare(_ ours: [Float], with quantity: String, tolerance: Tolerance) -> Float64Comparison {
        Float64Comparison(quantity, ours: ours, f64: values(quantity), spread: spread(quantity), tolerance: tolerance,
                          ensemble: ensembleRange(quantity))
    }
}

/// A stated tolerance: `ofMax` × max|f64| + `absolute` (of one value, `ofMax` is relative).
public struct Tolerance: Sendable, CustomStringConvertible {
    let ofMax: Float, absolute: Float

    public static func absolute(_ value: Float) -> Tolerance { Tolerance(ofMax: 0, absolute: value) }

    public static func ofMax(_ fraction: Float, plus absolute: Float = 0) -> Tolerance {
        Tolerance(ofMax: fraction, absolute: absolute)
    }

    func value(for reference: [Float]) -> Float {
        ofMax * reference.reduce(0) { max($0, abs($1)) } + absolute
    }

    public var description: String {
        switch (ofMax, absolute) {
        case (0, _): "\(absolute)"
        case (_, 0): "\(ofMax) × max|f64|"
        default: "\(ofMax) × max|f64| + \(absolute)"
        }
    }
}

/// One quantity's max|ours − f64| and the bound max(tolerance, 3 × spread) it must stay within.
public struct Float64Comparison: Sendable, CustomStringConvertible {
    public let quantity: String
    public let maxDiff: Float
    public let threeSpread: Float
    public let tolerance: Float
    /// (median, max) of PyTorch float32's distance over the rounding ensemble, where known.
    public let ensemble: (median: Float, max: Float)?
    let statedTolerance: String
    let firstValues: String

    public init(_ quantity: String, ours: [Float], f64: [Float], spread: Float, tolerance: Tolerance,
                ensemble: (median: Float, max: Float)? = nil) {
        self.quantity = quantity
        // A count mismatch can never pass.
        maxDiff = ours.count == f64.count ? zip(ours, f64).reduce(0) { max($0, abs($1.0 - $1.1)) } : .infinity
        threeSpread = 3 * spread
        self.tolerance = tolerance.value(for: f64)
        statedTolerance = tolerance.description
        self.ensemble = ensemble
        firstValues = "\(ours.count) values, first: ours \(ours.prefix(4)), f64 \(f64.prefix(4))"
    }

    public var bound: Float { max(tolerance, threeSpread) }
    public var holds: Bool { maxDiff <= bound }
    /// Whether PyTorch float32's own spread, not the stated tolerance, sets the bound.
    public var spreadGoverns: Bool { threeSpread > tolerance }

    public var description: String {
        "\(quantity): max|ours − f64| \(short(maxDiff)) \(holds ? "≤" : ">") bound \(short(bound)) = "
            + "max(tolerance \(statedTolerance) = \(short(tolerance)), 3 × spread \(short(threeSpread)))"
    }

    /// Whether ours is no further from f64 than PyTorch float32 reaches over the rounding
    /// ensemble (or the stated tolerance allows): the yardstick for the quantities that fall
    /// short of the rule on one sample of PyTorch's distance.
    public var withinEnsemble: Bool { maxDiff <= ensembleBound }

    /// max(tolerance, the ensemble's max): the bound `withinEnsemble` holds ours to.
    public var ensembleBound: Float { max(tolerance, ensemble?.max ?? 0) }

    /// This comparison against the ensemble: its median and max beside ours.
    public var ensembleDescription: String {
        guard let ensemble else { return "\(quantity): no rounding ensemble" }
        return "\(quantity): max|ours − f64| \(short(maxDiff)) \(withinEnsemble ? "≤" : ">") max(tolerance \(short(tolerance)), "
            + "PyTorch float32 over the rounding ensemble: max \(short(ensemble.max)), median \(short(ensemble.median)))"
    }

    /// The failure message: the figures and the first values.
    public var failure: String { "\(description); \(firstValues)" }

    /// One line for a group of comparisons: how many fail, how many bounds the spread sets, and
    /// the comparison nearest its bound (or furthest past it); a short group lists each one's figures.
    public static func summary(_ group: String, _ comparisons: [Float64Comparison]) -> String {
        let ratio = { (comparison: Float64Comparison) in comparison.maxDiff / comparison.bound }
        let worst = comparisons.max { ratio($0) < ratio($1) }!
        var line = "\(group) vs f64: \(comparisons.filter { !$0.holds }.count) of \(comparisons.count) fail, "
            + "3 × spread sets \(comparisons.filter(\.spreadGoverns).count) of the bounds; "
            + "worst at \(short(ratio(worst))) × its bound: \(worst)"
        if comparisons.count > 1 && comparisons.count <= 4 {
            line += "; each max|ours − f64| / bound: "
                + comparisons.map { "\($0.quantity) \(short($0.maxDiff)) / \(short($0.bound))" }.joined(separator: ", ")
        }
        return line
    }

    /// One line for comparisons held to the rounding ensemble: how many go past it, and the one
    /// nearest (or furthest past) its bound max(tolerance, ensemble max).
    public static func ensembleSummary(_ group: String, _ comparisons: [Float64Comparison]) -> String {
        let ratio = { (comparison: Float64Comparison) in comparison.maxDiff / comparison.ensembleBound }
        let worst = comparisons.max { ratio($0) < ratio($1) }!
        return "\(group) vs f64 within the rounding ensemble: \(comparisons.filter { !$0.withinEnsemble }.count) of "
            + "\(comparisons.count) past it; worst at \(short(ratio(worst))) × its bound: \(worst.ensembleDescription)"
    }
}

private func short(_ value: Float) -> String { String(format: "%.3g", Double(value)) }

/// Runs `body` once for each GEMM engine, oneDNN (the default) and OpenBLAS (the oracle), set as
/// the command-line tool sets it; the default is restored afterwards.
public func forEachGEMMEngine(_ body: (GEMM.Engine) throws -> Void) rethrows {
    defer { GEMM.configure(threads: Parallel.coreCount) }
    for engine in GEMM.Engine.allCases {
        GEMM.configure(threads: Parallel.coreCount, engine: engine)
        try body(engine)
    }
}

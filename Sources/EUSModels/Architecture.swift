import EUSSupport

/// The networks EUSReport builds: torchvision's ResNet-18, ResNet-34 and ResNet-50, by
/// torchvision's names, which `--arch`, config.json, eval.json and the checkpoints use.
public enum Architecture: String, Codable, CaseIterable, Sendable {
    case resnet18, resnet34, resnet50

    /// Accepts torchvision's names in any case: "resnet34", "ResNet50".
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    /// A name in a file that is none of the three is a decoding error that lists them.
    public init(from decoder: Decoder) throws {
        self = try decoder.decodeChoice("architecture", choices: "resnet18, resnet34 or resnet50", Architecture.init(name:))
    }

    /// Residual blocks in layer1..layer4.
    public var blockCounts: [Int] { self == .resnet18 ? [2, 2, 2, 2] : [3, 4, 6, 3] }
    public var usesBottleneck: Bool { self == .resnet50 }
    /// Output channels of a block per unit of stage width.
    public var expansion: Int { usesBottleneck ? 4 : 1 }
}

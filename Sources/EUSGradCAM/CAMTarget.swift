import EUSSupport

/// The class whose score y_c a heat map explains.
///
/// Class indices follow the dataset's (ImageFolder order: `GIST` = 0, `LM` = 1), so the
/// positive class is an index the caller supplies. In `--cam-target`, config files and
/// eval.json a target is its `description`: `positive`, `predicted`, `0` or `1`.
public enum CAMTarget: Equatable, Sendable, CustomStringConvertible, CaseIterable, Codable {
    /// The positive class (GIST), whatever the network predicted: "where does it see GIST?"
    case positive
    /// The class with the largest logit for each image: "why did it say what it said?"
    case predicted
    /// A fixed class index.
    case index(Int)

    /// The targets for a network of two classes, the networks EUSReport trains.
    public static let allCases: [CAMTarget] = [.positive, .predicted, .index(0), .index(1)]

    /// Parses `positive`, `predicted`, `0` or `1`, as the `--cam-target` option takes it.
    public init?(argument: String) {
        guard let target = CAMTarget.allCases.first(where: { $0.description == argument }) else { return nil }
        self = target
    }

    /// A target that is none of `allCases` is a decoding error that lists them.
    public init(from decoder: Decoder) throws {
        self = try decoder.decodeChoice("Grad-CAM target", choices: "positive, predicted, 0 or 1", CAMTarget.init(argument:))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var description: String {
        switch self {
        case .positive: return "positive"
        case .predicted: return "predicted"
        case .index(let index): return String(index)
        }
    }

    /// The class index for one image with these logits. Ties in `.predicted` go to the lower
    /// index, as `argmax` does.
    public func classIndex(logits: [Float], positiveClass: Int) -> Int {
        switch self {
        case .positive:
            return positiveClass
        case .index(let index):
            return index
        case .predicted:
            var best = 0
            for (i, logit) in logits.enumerated() where logit > logits[best] { best = i }
            return best
        }
    }
}

/// The class whose score y_c a heat map explains.
///
/// Class indices follow the dataset's (ImageFolder order: `GIST` = 0, `LM` = 1), so the
/// positive class is an index the caller supplies.
public enum CAMTarget: Equatable, Sendable, CustomStringConvertible {
    /// The positive class (GIST), whatever the network predicted: "where does it see GIST?"
    case positive
    /// The class with the largest logit for each image: "why did it say what it said?"
    case predicted
    /// A fixed class index.
    case index(Int)

    /// Parses `positive`, `predicted` or a class index, as the `--cam-target` option takes it.
    public init?(argument: String) {
        switch argument {
        case "positive": self = .positive
        case "predicted": self = .predicted
        default:
            guard let index = Int(argument), index >= 0 else { return nil }
            self = .index(index)
        }
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

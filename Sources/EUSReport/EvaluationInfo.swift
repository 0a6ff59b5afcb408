import EUSSupport
import Foundation

/// What the report needs from an evaluation folder's `eval.json` (docs/formats.md), read
/// leniently: every field is optional, so an older or newer `eval.json` still gives a report
/// and the sections say what is missing. Nested settings the report only lists (split, CAM,
/// software, machine) are kept as key–value pairs in file order of their sorted keys.
public struct EvaluationInfo: Sendable {
    public struct Model: Sendable {
        public var name: String
        public var arch: String?
        public var parameters: Int?
        public var flops: Double?
        public var imageSize: Int?
        public var trainSeconds: Double?
        public var epochs: Int?
        /// The training recipe in words, and how the evaluated weights were chosen.
        public var recipe: [String] = []
        public var selection: String?
    }

    public var dataRoot: String?
    public var synthetic: Bool
    /// Cases per partition per class: `counts["validation"]["GIST"]`.
    public var counts: [String: [String: Int]]
    public var excluded: Int?
    /// SHA-256 of every input image, by case id.
    public var imageSHA256: [String: String]
    /// SHA-256 of the eval.json these fields were read from (nil when built in code).
    public var fileSHA256: String?
    public var split: [(key: String, value: String)]
    public var models: [Model]
    public var cam: [(key: String, value: String)]
    public var threshold: Double?
    public var thresholdSource: String?
    public var seed: String?
    public var software: [(key: String, value: String)]
    public var machine: [(key: String, value: String)]
    public var steps: [(name: String, seconds: Double)]
    /// Whether P(positive) is a mean over test-time views; nil when the file does not say.
    public var testTimeAugmentation: Bool?

    public init() {
        synthetic = false
        counts = [:]
        imageSHA256 = [:]
        split = []
        models = []
        cam = []
        software = []
        machine = []
        steps = []
    }

    /// Reads `eval.json`; a file that is not a JSON object is a `UserError` naming it.
    public init(contentsOf url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw UserError("\(url.path): cannot read the file (missing or unreadable)")
        }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw UserError("\(url.path): not a JSON object")
        }
        self.init()
        fileSHA256 = SHA256.hexDigest(data)
        let dataSection = root["data"] as? [String: Any] ?? [:]
        dataRoot = dataSection["root"] as? String
        synthetic = dataSection["synthetic"] as? Bool ?? false
        excluded = (dataSection["excluded"] as? NSNumber)?.intValue
        for (partition, value) in dataSection["counts"] as? [String: Any] ?? [:] {
            counts[partition] = (value as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }
        }
        imageSHA256 = (dataSection["image_sha256"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
        split = EvaluationInfo.pairs(root["split"])
        cam = EvaluationInfo.pairs(root["cam"])
        software = EvaluationInfo.pairs(root["software"])
        machine = EvaluationInfo.pairs(root["machine"])
        threshold = (root["threshold"] as? NSNumber)?.doubleValue
        thresholdSource = root["threshold_source"] as? String
        testTimeAugmentation = root["test_time_augmentation"] as? Bool
        seed = root["seed"].map { EvaluationInfo.text($0) }
        models = (root["models"] as? [[String: Any]] ?? []).map(EvaluationInfo.model)
        steps = (root["steps"] as? [[String: Any]] ?? []).compactMap { step in
            guard let name = step["name"] as? String, let seconds = (step["seconds"] as? NSNumber)?.doubleValue else { return nil }
            return (name, seconds)
        }
    }

    private static func model(_ json: [String: Any]) -> Model {
        Model(name: json["name"] as? String ?? "model", arch: json["arch"] as? String,
              parameters: (json["parameters"] as? NSNumber)?.intValue, flops: (json["flops"] as? NSNumber)?.doubleValue,
              imageSize: (json["image_size"] as? NSNumber)?.intValue,
              trainSeconds: (json["train_seconds"] as? NSNumber)?.doubleValue,
              epochs: (json["epochs"] as? NSNumber)?.intValue,
              recipe: json["recipe"] as? [String] ?? [], selection: json["selection"] as? String)
    }

    private static func pairs(_ value: Any?) -> [(key: String, value: String)] {
        guard let object = value as? [String: Any] else { return [] }
        return object.keys.sorted().map { ($0, text(object[$0]!)) }
    }

    /// A JSON value as one line of text (numbers without a spurious ".0", nested values as JSON).
    static func text(_ value: Any) -> String {
        switch value {
        case let string as String: return string
        case let number as NSNumber:
            if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
            let double = number.doubleValue
            return double == double.rounded() && abs(double) < 1e15 ? String(Int64(double)) : String(double)
        case is NSNull: return "null"
        default:
            let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }
}

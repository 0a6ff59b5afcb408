import EUSSupport
import Foundation

/// What the report needs from an evaluation folder's `eval.json` (`EvaluationDocument`, the
/// file's one definition). Fields are optional, so a report made without an evaluation (from
/// a predictions CSV) says what is missing. Nested settings the report only lists (split,
/// CAM, software, machine) are kept as key–value pairs in the order of their sorted keys.
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
    /// The folds, for out-of-fold predictions.
    public var crossValidation: EvaluationDocument.CrossValidationDesign?

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

    /// Reads `eval.json`: an `EvaluationDocument`, whose decoding accepts the files of older
    /// versions; a file that does not decode is a one-line `UserError` naming it and the key.
    public init(contentsOf url: URL) throws {
        let document = try JSONFile.read(EvaluationDocument.self, from: url)
        try document.validate(source: url.path)
        self.init(document)
        fileSHA256 = try SHA256.hexDigest(ofFileAt: url)
    }

    /// What the report shows of `document`.
    public init(_ document: EvaluationDocument) {
        self.init()
        let data = document.data
        dataRoot = data.root
        synthetic = data.synthetic
        excluded = data.excluded
        counts = data.counts
        imageSHA256 = data.imageSHA256
        split = EvaluationInfo.pairs(document.split)
        cam = EvaluationInfo.pairs(document.cam)
        software = EvaluationInfo.pairs(document.software)
        machine = EvaluationInfo.pairs(document.machine)
        threshold = document.threshold
        thresholdSource = document.thresholdSource
        testTimeAugmentation = document.testTimeAugmentation
        crossValidation = document.crossValidation
        seed = String(document.seed)
        models = document.models.map { model in
            Model(name: model.name, arch: model.arch, parameters: model.parameters, flops: model.flops,
                  imageSize: model.imageSize, trainSeconds: model.trainSeconds, epochs: model.epochs,
                  recipe: model.recipe ?? [], selection: model.selection)
        }
        steps = document.steps.map { ($0.name, $0.seconds) }
    }

    /// A settings object as it stands in eval.json, key by key in sorted order.
    private static func pairs(_ value: some Encodable) -> [(key: String, value: String)] {
        guard let data = try? JSONFile.encode(value),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return [] }
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

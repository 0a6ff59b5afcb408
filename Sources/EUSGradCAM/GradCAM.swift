import EUSCore
import EUSModels
import EUSImage
import EUSSupport

/// Grad-CAM and Grad-CAM++ heat maps of a ResNet, as pytorch-grad-cam computes them.
///
/// For a batch of images x (N, 3, H, W), one eval-mode forward keeps the output A of the target
/// block; one backward from dLoss/dlogits = one-hot(c_n) (the loss Σ_n y_{n,c_n}, pre-softmax,
/// as pytorch-grad-cam's `ClassifierOutputTarget`) gives g = ∂y_c/∂A; then `CAMPipeline` turns
/// (A, g) into maps at H×W. The whole batch goes through at once; parameter gradients are not
/// touched.
///
///     let cam = try GradCAM(model: model, layer: "layer4[-1]", method: .gradCAM)
///     let maps = try cam.compute(input: batch, target: .positive)   // [CAMMap], one per image
///
/// Reference: Selvaraju et al. 2017 (Grad-CAM); Chattopadhay et al. 2018 (Grad-CAM++);
/// jacobgil/pytorch-grad-cam 1.5.7, `base_cam.py`.
public final class GradCAM {
    /// `layer4[-1]`, the last residual block: pytorch-grad-cam's usual choice for ResNets.
    public static let defaultLayer = "layer4[-1]"

    public let model: ResNet
    public let method: CAMMethod
    /// The class index of the positive class (GIST: 0 in ImageFolder order).
    public let positiveClass: Int
    /// The block's torchvision path, resolved: `layer4[-1]` becomes `layer4.2` on ResNet-34/50.
    public let layer: String

    /// - Parameters:
    ///   - layer: a block as torchvision names it ("layer4.2"), a stage ("layer4": its last
    ///     block), or Python indexing ("layer4[-1]", "layer3[0]").
    /// - Throws: `UserError` naming the blocks when `layer` is not one of them.
    public init(model: ResNet, layer: String = GradCAM.defaultLayer, method: CAMMethod = .gradCAM,
                positiveClass: Int = 0) throws {
        guard (0..<model.numClasses).contains(positiveClass) else {
            throw UserError("Grad-CAM: positive class \(positiveClass) outside 0..<\(model.numClasses)")
        }
        guard let index = model.blockIndex(named: GradCAM.torchvisionPath(layer)) else {
            throw UserError("Grad-CAM: no block '\(layer)' in \(model.architecture.rawValue); "
                + "use one of \(model.blockNames.joined(separator: ", ")) or layerK[-1]")
        }
        self.model = model
        self.method = method
        self.positiveClass = positiveClass
        self.layer = model.blockNames[index]
    }

    /// One map per image of `input` (N, 3, H, W, normalised as for the network), each H×W in
    /// [0, 1], with the target class and the logits of the same forward.
    /// - Throws: `UserError` when a class index target is not one of the network's classes.
    public func compute(input: Tensor, target: CAMTarget = .positive) throws -> [CAMMap] {
        precondition(input.shape.count == 4 && input.shape[1] == 3,
                     "GradCAM: expected images (N, 3, H, W), got \(input.shape)")
        if case .index(let index) = target, !(0..<model.numClasses).contains(index) {
            throw UserError("Grad-CAM: target class \(index) outside 0..<\(model.numClasses)")
        }
        let (logits, activation) = model.forward(input, capturingBlock: layer)
        let classes = model.numClasses
        let rows = (0..<input.shape[0]).map { n in Array(logits.scalars[(n * classes)..<((n + 1) * classes)]) }
        let targets = rows.map { target.classIndex(logits: $0, positiveClass: positiveClass) }
        let gradient = model.gradientOfCapturedBlock(oneHot(targets, classes: classes))
        let maps = CAMPipeline.heatMaps(activations: featureMaps(activation), gradients: featureMaps(gradient),
                                        method: method, outputWidth: input.shape[3], outputHeight: input.shape[2])
        return maps.indices.map { CAMMap(heatMap: maps[$0], targetClass: targets[$0], logits: rows[$0]) }
    }

    /// dLoss/dlogits for loss = Σ_n y_{n, c_n}: (N, classes), one at (n, c_n).
    func oneHot(_ targets: [Int], classes: Int) -> Tensor {
        let dLogits = Tensor(shape: [targets.count, classes])
        for (n, c) in targets.enumerated() { dLogits[n * classes + c] = 1 }
        return dLogits
    }

    func featureMaps(_ tensor: Tensor) -> FeatureMaps {
        let s = tensor.shape
        return FeatureMaps(batch: s[0], channels: s[1], height: s[2], width: s[3], values: tensor.scalars)
    }

    /// "layer4[-1]" → "layer4.-1", "layer3[0]" → "layer3.0"; other names unchanged.
    static func torchvisionPath(_ name: String) -> String {
        name.replacingOccurrences(of: "[", with: ".").replacingOccurrences(of: "]", with: "")
    }
}

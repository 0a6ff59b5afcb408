import EUSImage

/// One image's Grad-CAM result.
public struct CAMMap: Equatable, Sendable {
    /// The heat map at the network's input size, in [0, 1].
    public var heatMap: HeatMap
    /// The class whose logit the map explains.
    public var targetClass: Int
    /// The image's pre-softmax outputs from the same (eval-mode) forward pass.
    public var logits: [Float]

    public init(heatMap: HeatMap, targetClass: Int, logits: [Float]) {
        self.heatMap = heatMap
        self.targetClass = targetClass
        self.logits = logits
    }

    public var width: Int { heatMap.width }
    public var height: Int { heatMap.height }
    public var values: [Float] { heatMap.values }
}

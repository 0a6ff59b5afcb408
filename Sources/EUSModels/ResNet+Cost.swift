extension ResNet {
    /// Forward floating-point operations for one image of `imageSize` x `imageSize`: two per
    /// multiply-add of every convolution and of fc (BatchNorm, ReLU, pooling and additions
    /// are not counted, as in the usual "3.6 GFLOPs" figures ×2). A 224-pixel ResNet-34 needs
    /// 7.3e9, a ResNet-50 8.2e9.
    public func flops(imageSize: Int) -> Double {
        var total: Double = 0
        var size = imageSize
        func convolve(_ unit: ConvBatchNorm, _ input: Int) -> Int {
            let conv = unit.conv
            let out = conv.outputSize(input)
            total += 2 * Double(conv.outputChannels * conv.inputChannels * conv.kernelSize * conv.kernelSize * out * out)
            return out
        }
        size = convolve(stem, size)
        size = (size + 2 - 3) / 2 + 1
        for block in blocks {
            let input = size
            for unit in block.units { size = convolve(unit, size) }
            if let downsample = block.downsample { _ = convolve(downsample, input) }
        }
        total += 2 * Double(fc.inputFeatures * fc.outputFeatures)
        return total
    }
}

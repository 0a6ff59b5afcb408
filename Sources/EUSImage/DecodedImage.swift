/// An image as decoded from its file, before any conversion: `samples[(y * width + x) *
/// channels + c]` in `0...maxValue` (255 for 8-bit files, 65535 for 16-bit ones).
///
/// Channels: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA (palette images arrive expanded to RGB or
/// RGBA). 16-bit precision is kept so that preprocessing can use it.
public struct DecodedImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var bitDepth: Int
    public var samples: [UInt16]

    public init(width: Int, height: Int, channels: Int, bitDepth: Int, samples: [UInt16]) {
        precondition(width > 0 && height > 0, "DecodedImage: size must be positive, got \(width)x\(height)")
        precondition((1...4).contains(channels), "DecodedImage: 1 to 4 channels, got \(channels)")
        precondition(bitDepth == 8 || bitDepth == 16, "DecodedImage: bit depth 8 or 16, got \(bitDepth)")
        precondition(samples.count == width * height * channels,
                     "DecodedImage: \(samples.count) samples for \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.bitDepth = bitDepth
        self.samples = samples
    }

    /// 255 or 65535.
    public var maxValue: Int { bitDepth == 16 ? 65535 : 255 }

    /// The number of colour channels (alpha excluded): 1 or 3.
    public var colorChannels: Int { channels >= 3 ? 3 : 1 }

    /// Sample `c` (0, 1, 2 = red, green, blue) of pixel `i`, with gray replicated and alpha dropped.
    @inline(__always)
    func colorSample(pixel i: Int, channel c: Int) -> UInt16 {
        samples[i * channels + (colorChannels == 3 ? c : 0)]
    }

    /// 8-bit RGB, as PIL's `convert('RGB')` makes it: gray replicated, alpha dropped (not
    /// composited); 16-bit samples are rounded to 8 bits, `round(v / 257)`.
    public func rgbImage() -> RGBImage {
        let count = width * height
        var pixels = [UInt8](repeating: 0, count: count * 3)
        for i in 0..<count {
            for c in 0..<3 {
                let v = colorSample(pixel: i, channel: c)
                pixels[i * 3 + c] = bitDepth == 16 ? UInt8((UInt32(v) * 2 + 257) / 514) : UInt8(v)
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// The colour channels scaled to [0,1] as planes, (3, H, W), gray replicated, alpha dropped.
    public func rgbPlanes01() -> [Float] {
        let count = width * height
        let scale = 1 / Float(maxValue)
        var planes = [Float](repeating: 0, count: 3 * count)
        for c in 0..<3 {
            for i in 0..<count { planes[c * count + i] = Float(colorSample(pixel: i, channel: c)) * scale }
        }
        return planes
    }
}

extension RGBImage {
    /// The image as a `DecodedImage` (3 channels, 8-bit).
    public var decoded: DecodedImage {
        DecodedImage(width: width, height: height, channels: 3, bitDepth: 8, samples: pixels.map(UInt16.init))
    }

    /// The image as planes in [0,1], (3, H, W).
    public func planes01() -> [Float] {
        let count = width * height
        var planes = [Float](repeating: 0, count: 3 * count)
        for c in 0..<3 {
            for i in 0..<count { planes[c * count + i] = Float(pixels[i * 3 + c]) / 255 }
        }
        return planes
    }
}

extension GrayImage {
    /// The gray image replicated to three channels.
    public var rgb: RGBImage {
        var rgb = [UInt8](repeating: 0, count: pixels.count * 3)
        for (i, v) in pixels.enumerated() { rgb[i * 3] = v; rgb[i * 3 + 1] = v; rgb[i * 3 + 2] = v }
        return RGBImage(width: width, height: height, pixels: rgb)
    }
}

extension DecodedImage {
    /// The first channel as 8-bit gray (masks; gray phantoms). 16-bit is rounded to 8 bits.
    public func grayImage() -> GrayImage {
        let count = width * height
        var pixels = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            let v = samples[i * channels]
            pixels[i] = bitDepth == 16 ? UInt8((UInt32(v) * 2 + 257) / 514) : UInt8(v)
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }
}

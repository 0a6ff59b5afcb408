/// An 8-bit RGB image, row-major, channels interleaved: `pixels[(y * width + x) * 3 + c]`.
///
/// This is the image as decoded (gray replicated to three channels, alpha dropped, palette
/// expanded) and the form in which overlays and figures are drawn and written.
public struct RGBImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "RGBImage: size must be positive, got \(width)x\(height)")
        precondition(pixels.count == width * height * 3,
                     "RGBImage: \(pixels.count) bytes for \(width)x\(height)x3")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public init(width: Int, height: Int, fill: (red: UInt8, green: UInt8, blue: UInt8) = (0, 0, 0)) {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            pixels[i] = fill.red
            pixels[i + 1] = fill.green
            pixels[i + 2] = fill.blue
        }
        self.init(width: width, height: height, pixels: pixels)
    }
}

/// An 8-bit single-channel image (lesion masks, phantom scans), row-major.
public struct GrayImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "GrayImage: size must be positive, got \(width)x\(height)")
        precondition(pixels.count == width * height, "GrayImage: \(pixels.count) bytes for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}

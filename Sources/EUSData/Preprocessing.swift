import EUSImage

/// The preprocessing shared by training, prediction and Grad-CAM.
///
/// 1. Convert to RGB: gray replicated, alpha dropped, palette expanded.
/// 2. Resize to `imageSize`² with antialiased bilinear interpolation (`Resize`). 8-bit images
///    follow Pillow exactly (rounded to 8 bits after each pass, as torchvision's
///    `Resize` on a PIL image does); 16-bit images follow torchvision's float tensor path.
/// 3. Scale to [0,1].
/// 4. Normalise: `(x − mean_c) / std_c` with ImageNet's mean (0.485, 0.456, 0.406) and std
///    (0.229, 0.224, 0.225).
///
/// The result is a CHW tensor, (3, S, S), row-major.
public enum Preprocessing {
    public static let mean: [Float] = [0.485, 0.456, 0.406]
    public static let std: [Float] = [0.229, 0.224, 0.225]

    /// Steps 1–3: (3, S, S) in [0,1].
    public static func resized01(_ image: DecodedImage, imageSize: Int) -> [Float] {
        precondition(imageSize > 0, "Preprocessing: image size must be positive, got \(imageSize)")
        if image.bitDepth == 8 && image.colorChannels == 1 {
            let plane = Resize.gray(image.grayImage(), width: imageSize, height: imageSize).pixels.map { Float($0) / 255 }
            return plane + plane + plane
        }
        if image.bitDepth == 8 {
            return Resize.rgb(image.rgbImage(), width: imageSize, height: imageSize).planes01()
        }
        return Resize.planes(image.rgbPlanes01(), channels: 3, height: image.height, width: image.width,
                             outHeight: imageSize, outWidth: imageSize)
    }

    /// Steps 1–4.
    public static func tensor(_ image: DecodedImage, imageSize: Int) -> [Float] {
        var x = resized01(image, imageSize: imageSize)
        normalize(&x)
        return x
    }

    /// Step 4 in place on a (3, H, W) buffer in [0,1].
    public static func normalize(_ x: inout [Float]) {
        precondition(x.count % 3 == 0, "Preprocessing.normalize: \(x.count) values are not 3 planes")
        let plane = x.count / 3
        for c in 0..<3 {
            let m = mean[c], inv = 1 / std[c]
            for i in (c * plane)..<((c + 1) * plane) { x[i] = (x[i] - m) * inv }
        }
    }
}

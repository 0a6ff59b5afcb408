import EUSSupport
import Foundation

/// The ultrasound field of a frame as it leaves the processor: the radial disc or the sector,
/// found as the largest connected region of speckle texture, so that the text, calibration
/// bars and logos around it can be cropped away and blanked.
///
/// Detection on the frame's gray level v (RGB averaged):
/// 1. Texture: the local standard deviation of v over a 7×7 window (from integral images) is
///    at least `textureLevel`. Speckle is textured everywhere in the field; a flat surround,
///    a smooth grey-scale bar or a solid logo is not, and text is textured only along its
///    strokes.
/// 2. The textured mask is eroded by a 9×9 square, which removes the thin bands that text
///    strokes and the edges of bars and logos make; the largest 8-connected region left,
///    dilated back by the same square, is the field. Less than `minimumShare` of the frame
///    is "no field".
/// 3. The field is that region's textured pixels brighter than `blankLevel` (the window
///    spills a few pixels into the black surround), with its holes filled (the transducer, anechoic
///    areas): everything in its bounding box that the box's border reaches without crossing
///    the field is outside it.
public struct ScanField: Equatable, Sendable {
    /// The bounding box, in frame pixels.
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    /// Row-major over the box: true inside the field.
    public var inside: [Bool]

    static let radius = 3
    static let erosion = 4
    static let textureLevel: Double = 6
    static let blankLevel: UInt8 = 4
    static let minimumShare = 0.002

    /// The field of `image`, or nil when no textured region covers `minimumShare` of it.
    public static func detect(_ image: DecodedImage) -> ScanField? {
        let (w, h) = (image.width, image.height)
        let gray = grayLevels(image)
        let textured = texture(gray, width: w, height: h)
        // Thin textured bands (text strokes, the edges of a bar or a logo) do not survive the
        // erosion; the speckle of the field does, and the dilation gives it back its extent.
        let core = boxFilter(textured, width: w, height: h, radius: erosion, all: true)
        guard let seed = largestRegion(core, width: w, height: h),
              Double(seed.count) >= minimumShare * Double(w * h) else { return nil }
        var seedMask = [Bool](repeating: false, count: w * h)
        for i in seed { seedMask[i] = true }
        let region = boxFilter(seedMask, width: w, height: h, radius: erosion, all: false)
        var (minX, minY, maxX, maxY) = (w, h, -1, -1)
        var field = [Bool](repeating: false, count: w * h)
        for i in 0..<(w * h) where region[i] && textured[i] && gray[i] > blankLevel {
            field[i] = true
            let (px, py) = (i % w, i / w)
            minX = min(minX, px); maxX = max(maxX, px); minY = min(minY, py); maxY = max(maxY, py)
        }
        guard maxX >= minX, maxY >= minY else { return nil }
        let (bw, bh) = (maxX - minX + 1, maxY - minY + 1)
        var inside = [Bool](repeating: false, count: bw * bh)
        for yy in 0..<bh { for xx in 0..<bw { inside[yy * bw + xx] = field[(minY + yy) * w + minX + xx] } }
        return ScanField(x: minX, y: minY, width: bw, height: bh, inside: fillHoles(inside, width: bw, height: bh))
    }

    /// The field cropped out of `image`, every pixel outside the field set to 0 (black).
    public func apply(to image: DecodedImage) -> DecodedImage {
        let c = image.channels
        var samples = [UInt16](repeating: 0, count: width * height * c)
        for yy in 0..<height {
            for xx in 0..<width where inside[yy * width + xx] {
                let source = ((y + yy) * image.width + x + xx) * c, target = (yy * width + xx) * c
                for k in 0..<c { samples[target + k] = image.samples[source + k] }
            }
        }
        return DecodedImage(width: width, height: height, channels: c, bitDepth: image.bitDepth, samples: samples)
    }

    /// The box as `WxH+X+Y` (ImageMagick's geometry), as predictions.csv records it.
    public var geometry: String { "\(width)x\(height)+\(x)+\(y)" }

    /// The field that `geometry` (from predictions.csv) records for `image`: the detected one
    /// when its box is that box, else the box itself; nil for `none` or a box that does not fit.
    public static func recorded(_ geometry: String, in image: DecodedImage) -> ScanField? {
        let numbers = geometry.split(whereSeparator: { $0 == "x" || $0 == "+" }).compactMap { Int($0) }
        guard numbers.count == 4, numbers[0] > 0, numbers[1] > 0,
              numbers[2] + numbers[0] <= image.width, numbers[3] + numbers[1] <= image.height else { return nil }
        if let detected = detect(image), detected.geometry == geometry { return detected }
        return ScanField(x: numbers[2], y: numbers[3], width: numbers[0], height: numbers[1],
                         inside: Array(repeating: true, count: numbers[0] * numbers[1]))
    }

    /// Whether the box spans at least 90% of the frame's width or of its height: a frame
    /// already cropped to its field, as the phantom and tidy crops are. (A processor's screen
    /// keeps panels of text beside the scan, so its field spans neither.)
    public func fillsFrame(width frameWidth: Int, height frameHeight: Int) -> Bool {
        Double(width) >= 0.9 * Double(frameWidth) || Double(height) >= 0.9 * Double(frameHeight)
    }

    // MARK: - Steps

    static func grayLevels(_ image: DecodedImage) -> [UInt8] {
        let n = image.width * image.height
        let shift = image.bitDepth == 16 ? 8 : 0
        return (0..<n).map { i in
            if image.colorChannels == 1 { return UInt8(image.samples[i * image.channels] >> shift) }
            let s = (0..<3).reduce(0) { $0 + Int(image.samples[i * image.channels + $1] >> shift) }
            return UInt8(s / 3)
        }
    }

    /// Step 1: std over the (2r+1)² window, clipped at the frame's edges, ≥ `textureLevel`.
    static func texture(_ v: [UInt8], width w: Int, height h: Int) -> [Bool] {
        var sum = [Double](repeating: 0, count: (w + 1) * (h + 1)), squares = sum
        for yy in 0..<h {
            var (rowSum, rowSquares) = (0.0, 0.0)
            for xx in 0..<w {
                let value = Double(v[yy * w + xx])
                rowSum += value; rowSquares += value * value
                sum[(yy + 1) * (w + 1) + xx + 1] = sum[yy * (w + 1) + xx + 1] + rowSum
                squares[(yy + 1) * (w + 1) + xx + 1] = squares[yy * (w + 1) + xx + 1] + rowSquares
            }
        }
        var result = [Bool](repeating: false, count: w * h)
        let r = radius, threshold = textureLevel * textureLevel
        for yy in 0..<h {
            let (y0, y1) = (max(0, yy - r), min(h, yy + r + 1))
            for xx in 0..<w {
                let (x0, x1) = (max(0, xx - r), min(w, xx + r + 1))
                func box(_ t: [Double]) -> Double { t[y1 * (w + 1) + x1] - t[y0 * (w + 1) + x1] - t[y1 * (w + 1) + x0] + t[y0 * (w + 1) + x0] }
                let n = Double((y1 - y0) * (x1 - x0))
                let mean = box(sum) / n
                result[yy * w + xx] = box(squares) / n - mean * mean >= threshold
            }
        }
        return result
    }

    /// Erosion (`all`: every pixel of the (2r+1)² window is set) or dilation (any is), from
    /// an integral image of the mask.
    static func boxFilter(_ mask: [Bool], width w: Int, height h: Int, radius r: Int, all: Bool) -> [Bool] {
        var sum = [Int32](repeating: 0, count: (w + 1) * (h + 1))
        for yy in 0..<h {
            var row: Int32 = 0
            for xx in 0..<w {
                row += mask[yy * w + xx] ? 1 : 0
                sum[(yy + 1) * (w + 1) + xx + 1] = sum[yy * (w + 1) + xx + 1] + row
            }
        }
        var result = [Bool](repeating: false, count: w * h)
        for yy in 0..<h {
            let (y0, y1) = (max(0, yy - r), min(h, yy + r + 1))
            for xx in 0..<w {
                let (x0, x1) = (max(0, xx - r), min(w, xx + r + 1))
                let count = sum[y1 * (w + 1) + x1] - sum[y0 * (w + 1) + x1] - sum[y1 * (w + 1) + x0] + sum[y0 * (w + 1) + x0]
                result[yy * w + xx] = all ? Int(count) == (y1 - y0) * (x1 - x0) : count > 0
            }
        }
        return result
    }

    /// Step 2: the pixel indices of the largest 8-connected true region.
    public static func largestRegion(_ mask: [Bool], width w: Int, height h: Int) -> [Int]? {
        var label = [Int32](repeating: 0, count: w * h)
        var best: [Int] = []
        var next: Int32 = 0
        var stack: [Int] = []
        for start in 0..<(w * h) where mask[start] && label[start] == 0 {
            next += 1
            label[start] = next
            stack.append(start)
            var region: [Int] = []
            while let i = stack.popLast() {
                region.append(i)
                let (px, py) = (i % w, i / w)
                for dy in -1...1 {
                    for dx in -1...1 where dx != 0 || dy != 0 {
                        let (qx, qy) = (px + dx, py + dy)
                        guard qx >= 0, qx < w, qy >= 0, qy < h else { continue }
                        let q = qy * w + qx
                        if mask[q] && label[q] == 0 { label[q] = next; stack.append(q) }
                    }
                }
            }
            if region.count > best.count { best = region }
        }
        return best.isEmpty ? nil : best
    }

    /// Step 3: what the box's border reaches (4-connected) without crossing the field is
    /// outside; everything else is inside.
    static func fillHoles(_ field: [Bool], width w: Int, height h: Int) -> [Bool] {
        var outside = [Bool](repeating: false, count: w * h)
        var stack: [Int] = []
        for xx in 0..<w { stack += [xx, (h - 1) * w + xx] }
        for yy in 0..<h { stack += [yy * w, yy * w + w - 1] }
        while let i = stack.popLast() {
            guard !field[i], !outside[i] else { continue }
            outside[i] = true
            let (px, py) = (i % w, i / w)
            if px > 0 { stack.append(i - 1) }
            if px < w - 1 { stack.append(i + 1) }
            if py > 0 { stack.append(i - w) }
            if py < h - 1 { stack.append(i + w) }
        }
        return outside.map { !$0 }
    }
}

/// `--crop`: how each image is cut to its scan field before preprocessing.
public enum CropSetting: Equatable, Sendable, CustomStringConvertible {
    /// The detected field; a frame whose field already spans 90% of its width or height is
    /// left as it is (`ScanField.fillsFrame`).
    case auto
    case none
    /// A fixed box in frame pixels, the same for every image.
    case box(x: Int, y: Int, width: Int, height: Int)

    /// `auto`, `none` or `X,Y,W,H`.
    public init(_ text: String) throws {
        switch text.lowercased() {
        case "auto": self = .auto
        case "none": self = .none
        default:
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 4, let x = parts[0], let y = parts[1], let w = parts[2], let h = parts[3],
                  x >= 0, y >= 0, w > 0, h > 0 else {
                throw UserError("--crop: '\(text)' is not auto, none or X,Y,W,H (pixels, W and H positive)")
            }
            self = .box(x: x, y: y, width: w, height: h)
        }
    }

    public var description: String {
        switch self {
        case .auto: "auto"
        case .none: "none"
        case .box(let x, let y, let w, let h): "\(x),\(y),\(w),\(h)"
        }
    }

    /// The setting every image load uses (set once by `--crop`). The default is `auto`.
    nonisolated(unsafe) public static var current: CropSetting = .auto

    /// The field to cut out of `image`, or nil to leave it as it is; `source` names the file
    /// in errors.
    public func field(for image: DecodedImage, source: String) throws -> ScanField? {
        switch self {
        case .none:
            return nil
        case .box(let x, let y, let w, let h):
            guard x + w <= image.width, y + h <= image.height else {
                throw UserError("\(source): --crop \(description) reaches outside the \(image.width)x\(image.height) image")
            }
            return ScanField(x: x, y: y, width: w, height: h, inside: Array(repeating: true, count: w * h))
        case .auto:
            guard let field = ScanField.detect(image) else {
                throw UserError("\(source): no ultrasound field found (no textured region covers \(ScanField.minimumShare * 100)% of the image); give --crop X,Y,W,H or --crop none")
            }
            return field.fillsFrame(width: image.width, height: image.height) ? nil : field
        }
    }

    /// `image` cut as the setting says.
    public func apply(to image: DecodedImage, source: String) throws -> DecodedImage {
        try field(for: image, source: source)?.apply(to: image) ?? image
    }
}

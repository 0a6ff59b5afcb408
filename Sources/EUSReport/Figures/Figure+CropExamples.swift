import EUSImage
import EUSRender
import Foundation

/// The crop that `--crop` made, shown so that a reader can check it.
public struct CropExample {
    public var caseID: String
    /// The whole frame, the field's outline drawn in yellow and everything outside the field's
    /// box coarsened into 16-pixel blocks and dimmed, so that burned-in text is not legible.
    public var frame: RGBImage
    public var field: ScanField
    public var frameWidth: Int
    public var frameHeight: Int

    /// Up to `count` cases with a recorded crop (not `none`), spread over the list.
    public static func examples(_ input: ReportInput, count: Int = 3) -> [CropExample] {
        let cropped = input.cases.filter { $0.crop != nil && $0.crop != "none" && $0.imageURL != nil }
        guard !cropped.isEmpty else { return [] }
        let picks = (0..<min(count, cropped.count)).map { cropped[$0 * cropped.count / min(count, cropped.count)] }
        return picks.compactMap { item in
            guard let url = item.imageURL, let crop = item.crop, let image = try? ImageDecoder.decode(url),
                  let field = ScanField.recorded(crop, in: image) else { return nil }
            return CropExample(caseID: item.id, frame: outlined(image.rgbImage(), field: field), field: field,
                               frameWidth: image.width, frameHeight: image.height)
        }
    }

    static func outlined(_ image: RGBImage, field: ScanField) -> RGBImage {
        let (w, h) = (image.width, image.height)
        var pixels = image.pixels
        func inside(_ x: Int, _ y: Int) -> Bool {
            let (fx, fy) = (x - field.x, y - field.y)
            return fx >= 0 && fy >= 0 && fx < field.width && fy < field.height && field.inside[fy * field.width + fx]
        }
        let block = 16
        for by in stride(from: 0, to: h, by: block) {
            for bx in stride(from: 0, to: w, by: block) {
                var sum = [0, 0, 0], n = 0
                for y in by..<min(h, by + block) { for x in bx..<min(w, bx + block) { for c in 0..<3 { sum[c] += Int(image.pixels[(y * w + x) * 3 + c]) }; n += 1 } }
                for y in by..<min(h, by + block) {
                    for x in bx..<min(w, bx + block) where !inside(x, y) {
                        for c in 0..<3 { pixels[(y * w + x) * 3 + c] = UInt8(sum[c] / n / 2) }
                    }
                }
            }
        }
        let thickness = max(1, max(w, h) / 400)
        for y in 0..<h {
            for x in 0..<w where inside(x, y) {
                var edge = false
                for d in [(-1, 0), (1, 0), (0, -1), (0, 1)] where !inside(x + d.0 * thickness, y + d.1 * thickness) { edge = true }
                if edge { (pixels[(y * w + x) * 3], pixels[(y * w + x) * 3 + 1], pixels[(y * w + x) * 3 + 2]) = (255, 220, 0) }
            }
        }
        return RGBImage(width: w, height: h, pixels: pixels)
    }
}

extension Figure {
    /// Three frames side by side, each with its detected field outlined and its box drawn.
    public static func cropExamples(_ examples: [CropExample]) -> Figure {
        Figure(name: "crop_examples", width: .double, heightMillimetres: 62) { canvas, size in
            let count = max(1, examples.count)
            let panelWidth = (size.width - 2 * FigureStyle.margin) / Double(count)
            for (index, example) in examples.enumerated() {
                let captionHeight = FigureStyle.labelFont.size * 3
                let room = Rect(x: FigureStyle.margin + Double(index) * panelWidth + 3, y: FigureStyle.margin,
                                width: panelWidth - 6, height: size.height - 2 * FigureStyle.margin - captionHeight)
                let scale = min(room.width / Double(example.frameWidth), room.height / Double(example.frameHeight))
                let rect = Rect(x: room.minX + (room.width - scale * Double(example.frameWidth)) / 2, y: room.minY,
                                width: scale * Double(example.frameWidth), height: scale * Double(example.frameHeight))
                canvas.image(ReportImages.shrink(example.frame, maximumSide: 640), in: rect, encoding: .jpeg(quality: 90))
                let f = example.field
                canvas.rect(Rect(x: rect.minX + scale * Double(f.x), y: rect.minY + scale * Double(f.y),
                                 width: scale * Double(f.width), height: scale * Double(f.height)),
                            fill: nil, stroke: Stroke(Color(hex: 0x56B4E9), width: 0.8, dash: [2, 1.5]))
                canvas.text(example.caseID, at: Point(x: rect.midX, y: rect.maxY + 3), font: FigureStyle.labelFont,
                            align: .center, baseline: .top)
                canvas.text("field \(f.geometry) of \(example.frameWidth)×\(example.frameHeight)",
                            at: Point(x: rect.midX, y: rect.maxY + 3 + FigureStyle.labelFont.size * 1.3),
                            font: FigureStyle.annotationFont, color: Ink.secondary, align: .center, baseline: .top)
            }
        }
    }
}

import EUSRender

/// How models are named and coloured everywhere in the report: "resnet34" prints as
/// "ResNet-34", and model i always has Okabe-Ito series colour i.
public enum ModelNames {
    public static func display(_ name: String) -> String {
        let lower = name.lowercased()
        if lower.hasPrefix("resnet"), let depth = Int(lower.dropFirst(6)) { return "ResNet-\(depth)" }
        return name
    }

    public static func color(_ index: Int) -> Color { OkabeIto.series(index) }

    /// A legend label "<name><suffix>" that fits `width`: the name is shortened with an
    /// ellipsis, the suffix (the numbers) is kept whole.
    static func label(_ name: String, suffix: String, width: Double, font: Font, on canvas: Canvas) -> String {
        let room = width - canvas.measure(suffix, font: font).width
        return TextLayout.truncate(display(name), font: font, width: max(room, 20), on: canvas) + suffix
    }
}

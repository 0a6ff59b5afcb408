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
}

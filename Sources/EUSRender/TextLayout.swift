/// Line breaking and fitting for text drawn with `Canvas`: the toy text API draws one line at
/// a time, so paragraphs are broken here by measuring words.
public enum TextLayout {
    /// Breaks `text` into lines no wider than `width`, greedily at spaces; explicit "\n" starts
    /// a new line. A single word wider than `width` is broken between characters.
    public static func wrap(_ text: String, font: Font, width: Double, on canvas: Canvas) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            for word in paragraph.split(separator: " ") {
                let candidate = current.isEmpty ? String(word) : current + " " + word
                if canvas.measure(candidate, font: font).width <= width {
                    current = candidate
                    continue
                }
                if !current.isEmpty { lines.append(current) }
                current = String(word)
                while canvas.measure(current, font: font).width > width, current.count > 1 {
                    let (head, tail) = splitToFit(current, font: font, width: width, on: canvas)
                    lines.append(head)
                    current = tail
                }
            }
            lines.append(current)
        }
        return lines
    }

    private static func splitToFit(_ word: String, font: Font, width: Double, on canvas: Canvas) -> (String, String) {
        var count = word.count - 1
        while count > 1, canvas.measure(String(word.prefix(count)), font: font).width > width { count -= 1 }
        return (String(word.prefix(count)), String(word.dropFirst(count)))
    }

    /// `font` shrunk in 0.25 pt steps (not below `minimumSize`) until `text` fits `width` on
    /// one line.
    public static func fit(_ text: String, font: Font, width: Double, minimumSize: Double, on canvas: Canvas) -> Font {
        var fitted = font
        while fitted.size > minimumSize, canvas.measure(text, font: fitted).width > width {
            fitted = fitted.sized(max(minimumSize, fitted.size - 0.25))
        }
        return fitted
    }

    /// `text` shortened with an ellipsis until it fits `width`.
    public static func truncate(_ text: String, font: Font, width: Double, on canvas: Canvas) -> String {
        guard canvas.measure(text, font: font).width > width else { return text }
        var kept = text
        while !kept.isEmpty, canvas.measure(kept + "…", font: font).width > width { kept.removeLast() }
        return kept + "…"
    }

    /// The line height used for wrapped text: 1.25 × the font size.
    public static func lineHeight(_ font: Font) -> Double { font.size * 1.25 }
}

extension Canvas {
    /// Draws `text` wrapped to `width` with its first line's top at `origin.y`; returns the
    /// height used. With `maximumHeight`, the font shrinks (to `minimumSize`) until it fits.
    @discardableResult
    public func paragraph(_ text: String, at origin: Point, width: Double, font: Font, color: Color = Ink.text,
                          align: HorizontalAlignment = .left, maximumHeight: Double? = nil,
                          minimumSize: Double = 5) -> Double {
        var font = font
        var lines = TextLayout.wrap(text, font: font, width: width, on: self)
        if let maximumHeight {
            while font.size > minimumSize, Double(lines.count) * TextLayout.lineHeight(font) > maximumHeight {
                font = font.sized(max(minimumSize, font.size - 0.25))
                lines = TextLayout.wrap(text, font: font, width: width, on: self)
            }
        }
        let step = TextLayout.lineHeight(font)
        let x: Double
        switch align {
        case .left: x = origin.x
        case .center: x = origin.x + width / 2
        case .right: x = origin.x + width
        }
        for (index, line) in lines.enumerated() {
            self.text(line, at: Point(x: x, y: origin.y + Double(index) * step), font: font, color: color,
                      align: align, baseline: .top)
        }
        return Double(lines.count) * step
    }

    /// The height `paragraph` would use, without drawing.
    public func paragraphHeight(_ text: String, width: Double, font: Font) -> Double {
        Double(TextLayout.wrap(text, font: font, width: width, on: self).count) * TextLayout.lineHeight(font)
    }
}

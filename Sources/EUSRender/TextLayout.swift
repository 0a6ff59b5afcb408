/// Line breaking and fitting for text drawn with `Canvas`: the toy text API draws one line at
/// a time, so paragraphs are broken here by measuring words.
///
/// Every routine measures O(log n) candidates per cut (binary search on the cut point), and text
/// longer than `maximumCharacters` is cut there with an ellipsis first, so a hostile case id or
/// model name of a million characters costs milliseconds, not hours.
public enum TextLayout {
    /// No figure or PDF page shows more of one string than this.
    public static let maximumCharacters = 2_000

    /// `text`, cut to `maximumCharacters` with an ellipsis.
    public static func capped(_ text: String) -> String {
        text.count > maximumCharacters ? String(text.prefix(maximumCharacters)) + "…" : text
    }

    /// Breaks `text` into lines no wider than `width`, greedily at spaces; explicit "\n" starts
    /// a new line. A single word wider than `width` is broken between characters.
    public static func wrap(_ text: String, font: Font, width: Double, on canvas: Canvas) -> [String] {
        var lines: [String] = []
        for paragraph in capped(text).split(separator: "\n", omittingEmptySubsequences: false) {
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
        let characters = Array(word)
        let count = longestFit(characters, in: 1...(characters.count - 1), suffix: "", font: font, width: width, on: canvas) ?? 1
        return (String(characters[..<count]), String(characters[count...]))
    }

    /// The largest k in `range` whose prefix of k characters (then `suffix`) fits `width`, or
    /// nil when even the smallest does not: a binary search, as the width grows with k.
    static func longestFit(_ characters: [Character], in range: ClosedRange<Int>, suffix: String, font: Font,
                           width: Double, on canvas: Canvas) -> Int? {
        func fits(_ k: Int) -> Bool { canvas.measure(String(characters[..<k]) + suffix, font: font).width <= width }
        guard fits(range.lowerBound) else { return nil }
        var (low, high) = (range.lowerBound, range.upperBound)   // fits(low) holds
        while low < high {
            let middle = (low + high + 1) / 2
            if fits(middle) { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// `font` shrunk in 0.25 pt steps (not below `minimumSize`) until `text` fits `width` on
    /// one line.
    public static func fit(_ text: String, font: Font, width: Double, minimumSize: Double, on canvas: Canvas) -> Font {
        let text = capped(text)
        var fitted = font
        while fitted.size > minimumSize, canvas.measure(text, font: fitted).width > width {
            fitted = fitted.sized(max(minimumSize, fitted.size - 0.25))
        }
        return fitted
    }

    /// `text` shortened with an ellipsis until it fits `width`.
    public static func truncate(_ text: String, font: Font, width: Double, on canvas: Canvas) -> String {
        let characters = Array(capped(text))
        guard canvas.measure(String(characters), font: font).width > width else { return String(characters) }
        guard characters.count > 1,
              let kept = longestFit(characters, in: 1...(characters.count - 1), suffix: "…", font: font, width: width, on: canvas)
        else { return "…" }
        return String(characters[..<kept]) + "…"
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

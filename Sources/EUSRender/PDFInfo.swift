import Foundation

/// What a PDF says about itself, read from its bytes: the page count (objects of
/// `/Type /Page`, not `/Pages`) and whether a font file is embedded. Enough to check the
/// report without a PDF library; Cairo writes these dictionaries uncompressed.
public enum PDFInfo {
    public static func pageCount(of pdf: Data) -> Int {
        let text = String(decoding: pdf, as: UTF8.self)
        var count = 0
        var searchRange = text.startIndex..<text.endIndex
        while let found = text.range(of: "/Type /Page", range: searchRange) {
            let next = text[found.upperBound...].first
            if next != "s" { count += 1 }
            searchRange = found.upperBound..<text.endIndex
        }
        return count
    }

    /// True when the PDF embeds at least one font program (`/FontFile`, `/FontFile2` or `/FontFile3`).
    public static func embedsFonts(_ pdf: Data) -> Bool {
        String(decoding: pdf, as: UTF8.self).contains("/FontFile")
    }
}

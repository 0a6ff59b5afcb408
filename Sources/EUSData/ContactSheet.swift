import CCairo
import EUSSupport
import Foundation

/// The phantom's contact sheet: up to a dozen cases of each class in a labelled grid (six
/// per row, 150 px tiles whatever the image size), each with its case id and scanner;
/// atypical cases are marked with an asterisk. Text is drawn with Cairo's toy text API on
/// the sheet's pixels.
enum ContactSheet {
    static let perClass = 12
    static let columns = 6

    static func render(_ cases: [Phantom.Case], settings: Phantom.Settings) throws -> RGBImage {
        let tile = 150
        let gap = 6, caption = 16, header = 34, classHeader = 24
        let groups = ["GIST", "LM"].map { label in Array(cases.filter { $0.parameters.label == label }.prefix(perClass)) }
        let rowsPerGroup = groups.map { ($0.count + columns - 1) / columns }
        let width = gap + columns * (tile + gap)
        let height = header + rowsPerGroup.reduce(0) { $0 + classHeader + $1 * (tile + caption + gap) } + gap
        var sheet = RGBImage(width: width, height: height, fill: (24, 24, 28))
        var texts: [(String, Double, Double, Double, Bool)] = []  // text, x, y, size, bold
        texts.append(("EUS phantom: seed \(settings.seed), \(settings.gist) GIST + \(settings.lm) LM, \(settings.size) px, difficulty \(settings.difficulty)",
                      Double(gap), 22, 15, true))
        var y = header
        for (label, group) in zip(["GIST", "LM"], groups) {
            let total = label == "GIST" ? settings.gist : settings.lm
            let name = label == "GIST" ? "GIST (gastrointestinal stromal tumour)" : "LM (leiomyoma)"
            texts.append(("\(name): \(group.count) of \(total)   * atypical", Double(gap), Double(y + 17), 13, true))
            y += classHeader
            for (index, c) in group.enumerated() {
                let x0 = gap + (index % columns) * (tile + gap)
                let y0 = y + (index / columns) * (tile + caption + gap)
                let thumb = Resize.rgb(c.image.rgb, width: tile, height: tile)
                blit(thumb, into: &sheet, x: x0, y: y0)
                let id = c.parameters.caseID + (c.parameters.atypical ? " *" : "") + "  " + c.parameters.scanner.rawValue
                texts.append((id, Double(x0 + 2), Double(y0 + tile + 12), 10.5, false))
            }
            y += (group.count + columns - 1) / columns * (tile + caption + gap)
        }
        return try drawText(texts, on: sheet)
    }

    static func blit(_ image: RGBImage, into sheet: inout RGBImage, x: Int, y: Int) {
        for row in 0..<image.height {
            let src = row * image.width * 3, dst = ((y + row) * sheet.width + x) * 3
            sheet.pixels.replaceSubrange(dst..<(dst + image.width * 3), with: image.pixels[src..<(src + image.width * 3)])
        }
    }

    /// Draws white text (DejaVu Sans) on a copy of `image` through a Cairo RGB24 surface.
    static func drawText(_ texts: [(String, Double, Double, Double, Bool)], on image: RGBImage) throws -> RGBImage {
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(image.width), Int32(image.height)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw UserError("contact sheet: cannot create a Cairo surface")
        }
        defer { cairo_surface_destroy(surface) }
        let stride = Int(cairo_image_surface_get_stride(surface))
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { throw UserError("contact sheet: no surface data") }
        // RGB24 is one native-endian 32-bit word per pixel: 0x00RRGGBB.
        for y in 0..<image.height {
            let row = UnsafeMutableRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<image.width {
                let i = (y * image.width + x) * 3
                row[x] = UInt32(image.pixels[i]) << 16 | UInt32(image.pixels[i + 1]) << 8 | UInt32(image.pixels[i + 2])
            }
        }
        cairo_surface_mark_dirty(surface)
        let cr = cairo_create(surface)
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 0.95, 0.95, 0.95)
        for (text, x, y, size, bold) in texts {
            cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                                   bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
            cairo_set_font_size(cr, size)
            cairo_move_to(cr, x, y)
            cairo_show_text(cr, text)
        }
        cairo_surface_flush(surface)
        var out = image
        for y in 0..<image.height {
            let row = UnsafeMutableRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<image.width {
                let v = row[x], i = (y * image.width + x) * 3
                out.pixels[i] = UInt8((v >> 16) & 0xFF)
                out.pixels[i + 1] = UInt8((v >> 8) & 0xFF)
                out.pixels[i + 2] = UInt8(v & 0xFF)
            }
        }
        return out
    }
}

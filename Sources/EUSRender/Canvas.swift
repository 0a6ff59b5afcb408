import CCairo
import EUSImage
import EUSSupport
import Foundation

/// A font for Cairo's text API. Sizes are in points.
///
/// Text uses Cairo's "toy" API with DejaVu Sans: every label in a figure or the report is a
/// single run of Latin text, DejaVu covers the symbols used (– ≥ ± × χ² α), Cairo embeds a
/// subset of it in PDF and SVG, and no further library is needed. Line breaking is done by
/// `TextLayout` with `Canvas.measure`.
public struct Font: Equatable, Sendable {
    public var size: Double
    public var bold: Bool
    public var italic: Bool
    public var monospace: Bool

    public init(size: Double, bold: Bool = false, italic: Bool = false, monospace: Bool = false) {
        precondition(size > 0, "Font: size must be positive, got \(size)")
        self.size = size
        self.bold = bold
        self.italic = italic
        self.monospace = monospace
    }

    public func sized(_ size: Double) -> Font {
        Font(size: size, bold: bold, italic: italic, monospace: monospace)
    }

    public var family: String { monospace ? "DejaVu Sans Mono" : "DejaVu Sans" }
}

public enum HorizontalAlignment: Sendable { case left, center, right }
public enum VerticalAlignment: Sendable { case top, middle, baseline, bottom }

/// The extent of a line of text: `width` is the advance, `ascent`/`descent` the font's.
public struct TextMetrics: Equatable, Sendable {
    public var width: Double
    public var ascent: Double
    public var descent: Double
    public var height: Double { ascent + descent }
}

/// Line style: width in points, optional dash pattern (on, off, ...).
public struct Stroke: Equatable, Sendable {
    public var color: Color
    public var width: Double
    public var dash: [Double]

    public init(_ color: Color, width: Double = 0.75, dash: [Double] = []) {
        self.color = color
        self.width = width
        self.dash = dash
    }
}

/// A drawing surface in points with the origin at the top left: the one place that talks to
/// Cairo. Figures and report pages are drawn against it once and come out as PDF, SVG or PNG.
///
///     let canvas = Canvas(kind: .png(dotsPerInch: 300), size: Size(width: 241, height: 180))
///     canvas.text("ROC", at: Point(x: 10, y: 10), font: Font(size: 8))
///     let bytes = try canvas.finish()
public final class Canvas {
    public enum Kind: Equatable, Sendable {
        /// Vector PDF; `newPage()` starts another page.
        case pdf
        /// SVG 1.1 with glyphs as embedded outlines.
        case svg
        /// A raster, white background, written as PNG with a pHYs chunk for the resolution
        /// (via EUSData's `PNGCodec`).
        case png(dotsPerInch: Double)
    }

    public let kind: Kind
    /// The page size in points.
    public let size: Size
    public private(set) var pageCount = 1
    private let surface: OpaquePointer
    private let cr: OpaquePointer
    private let sink = ByteSink()
    private var finished = false

    public init(kind: Kind, size: Size) {
        precondition(size.width > 0 && size.height > 0, "Canvas: size must be positive, got \(size)")
        self.kind = kind
        self.size = size
        let closure = Unmanaged.passUnretained(sink).toOpaque()
        switch kind {
        case .pdf:
            surface = cairo_pdf_surface_create_for_stream(writeToSink, closure, size.width, size.height)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "eus-report")
        case .svg:
            surface = cairo_svg_surface_create_for_stream(writeToSink, closure, size.width, size.height)
            cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_1)
        case .png(let dpi):
            let pixels = Canvas.pixelSize(of: size, dotsPerInch: dpi)
            surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(pixels.width), Int32(pixels.height))
        }
        cr = cairo_create(surface)
        if case .png(let dpi) = kind {
            cairo_scale(cr, dpi / Units.pointsPerInch, dpi / Units.pointsPerInch)
            fillBackground()
        }
        let options = cairo_font_options_create()
        // Unhinted metrics: text measures the same on every surface, so layout does not drift.
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_set_font_options(cr, options)
        cairo_font_options_destroy(options)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    /// The raster size in pixels of a page of `size` points at `dotsPerInch`:
    /// `round(points / 72 · dpi)`, so 85 mm at 300 dpi is 1004 px and 178 mm is 2102 px.
    public static func pixelSize(of size: Size, dotsPerInch: Double) -> (width: Int, height: Int) {
        (Int((size.width / Units.pointsPerInch * dotsPerInch).rounded()),
         Int((size.height / Units.pointsPerInch * dotsPerInch).rounded()))
    }

    /// Ends the drawing and returns the file's bytes (PDF, SVG or PNG with pHYs).
    public func finish() throws -> Data {
        precondition(!finished, "Canvas.finish: called twice")
        finished = true
        if case .png(let dpi) = kind {
            return try PNGCodec.encode(rasterImage(), dotsPerInch: dpi)
        }
        cairo_surface_finish(surface)
        try Canvas.check(cairo_surface_status(surface), "\(kind) output")
        return sink.data
    }

    /// Ends the current page and starts a new one (PDF only).
    public func newPage() {
        precondition(kind == .pdf, "Canvas.newPage: only a PDF has pages")
        cairo_show_page(cr)
        pageCount += 1
    }

    /// Sets the PDF's document title (its Info dictionary). Ignored for SVG and PNG.
    public func setDocumentTitle(_ title: String) {
        guard kind == .pdf else { return }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
    }

    /// Adds a top-level entry to the PDF's outline (the viewer's bookmarks) pointing at `y`
    /// on the current page. Ignored for SVG and PNG.
    public func addBookmark(_ title: String, y: Double) {
        guard kind == .pdf else { return }
        let target = "page=\(pageCount) pos=[0 \(Int(y.rounded()))]"
        _ = cairo_pdf_surface_add_outline(surface, Int32(CAIRO_PDF_OUTLINE_ROOT), title, target, cairo_pdf_outline_flags_t(rawValue: 0))
    }

    private static func check(_ status: cairo_status_t, _ what: String) throws {
        guard status != CAIRO_STATUS_SUCCESS else { return }
        throw UserError("cairo: \(what) failed (\(String(cString: cairo_status_to_string(status))))")
    }

    private func fillBackground() {
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
    }

    // MARK: - State

    /// Runs `body` with the graphics state saved and restored around it.
    public func withState(_ body: () -> Void) {
        cairo_save(cr)
        body()
        cairo_restore(cr)
    }

    /// Runs `body` with drawing clipped to `rect`.
    public func withClip(_ rect: Rect, _ body: () -> Void) {
        withState {
            cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
            cairo_clip(cr)
            body()
        }
    }

    /// Runs `body` in a coordinate system moved by (dx, dy) and scaled by `scale`.
    public func withTransform(dx: Double, dy: Double, scale: Double = 1, _ body: () -> Void) {
        withState {
            cairo_translate(cr, dx, dy)
            cairo_scale(cr, scale, scale)
            body()
        }
    }

    private func setSource(_ color: Color) {
        cairo_set_source_rgba(cr, color.red, color.green, color.blue, color.alpha)
    }

    private func apply(_ stroke: Stroke) {
        setSource(stroke.color)
        cairo_set_line_width(cr, stroke.width)
        stroke.dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32($0.count), 0) }
    }

    private func finishPath(fill: Color?, stroke: Stroke?) {
        if let fill {
            setSource(fill)
            if stroke != nil { cairo_fill_preserve(cr) } else { cairo_fill(cr) }
        }
        if let stroke {
            apply(stroke)
            cairo_stroke(cr)
        }
        cairo_new_path(cr)
    }

    // MARK: - Shapes

    public func line(from a: Point, to b: Point, stroke: Stroke) {
        cairo_move_to(cr, a.x, a.y)
        cairo_line_to(cr, b.x, b.y)
        finishPath(fill: nil, stroke: stroke)
    }

    /// An open polyline through `points` (a step curve, a loss curve).
    public func polyline(_ points: [Point], stroke: Stroke) {
        guard let first = points.first else { return }
        cairo_move_to(cr, first.x, first.y)
        for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
        finishPath(fill: nil, stroke: stroke)
    }

    /// A closed polygon, filled and/or stroked.
    public func polygon(_ points: [Point], fill: Color?, stroke: Stroke? = nil) {
        guard let first = points.first else { return }
        cairo_move_to(cr, first.x, first.y)
        for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
        cairo_close_path(cr)
        finishPath(fill: fill, stroke: stroke)
    }

    public func rect(_ r: Rect, fill: Color?, stroke: Stroke? = nil, cornerRadius: Double = 0) {
        if cornerRadius > 0 {
            let radius = min(cornerRadius, r.width / 2, r.height / 2)
            cairo_new_sub_path(cr)
            cairo_arc(cr, r.maxX - radius, r.minY + radius, radius, -.pi / 2, 0)
            cairo_arc(cr, r.maxX - radius, r.maxY - radius, radius, 0, .pi / 2)
            cairo_arc(cr, r.minX + radius, r.maxY - radius, radius, .pi / 2, .pi)
            cairo_arc(cr, r.minX + radius, r.minY + radius, radius, .pi, 3 * .pi / 2)
            cairo_close_path(cr)
        } else {
            cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        }
        finishPath(fill: fill, stroke: stroke)
    }

    public func circle(center: Point, radius: Double, fill: Color?, stroke: Stroke? = nil) {
        cairo_new_sub_path(cr)
        cairo_arc(cr, center.x, center.y, radius, 0, 2 * .pi)
        finishPath(fill: fill, stroke: stroke)
    }

    // MARK: - Text

    private func select(_ font: Font) {
        cairo_select_font_face(cr, font.family,
                               font.italic ? CAIRO_FONT_SLANT_OBLIQUE : CAIRO_FONT_SLANT_NORMAL,
                               font.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, font.size)
    }

    /// The advance width and the font's ascent and descent of one line of `text`.
    public func measure(_ text: String, font: Font) -> TextMetrics {
        select(font)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, text, &extents)
        var fontExtents = cairo_font_extents_t()
        cairo_font_extents(cr, &fontExtents)
        return TextMetrics(width: extents.x_advance, ascent: fontExtents.ascent, descent: fontExtents.descent)
    }

    /// Draws one line of text anchored at `point` with the given alignment; `rotation` in
    /// radians turns it about the anchor (−π/2 for a y-axis label reading upwards).
    public func text(_ text: String, at point: Point, font: Font, color: Color = Ink.text,
                     align: HorizontalAlignment = .left, baseline: VerticalAlignment = .baseline,
                     rotation: Double = 0) {
        guard !text.isEmpty else { return }
        let m = measure(text, font: font)
        let dx: Double
        switch align {
        case .left: dx = 0
        case .center: dx = -m.width / 2
        case .right: dx = -m.width
        }
        let dy: Double
        switch baseline {
        case .top: dy = m.ascent
        case .middle: dy = (m.ascent - m.descent) / 2
        case .baseline: dy = 0
        case .bottom: dy = -m.descent
        }
        withState {
            cairo_translate(cr, point.x, point.y)
            if rotation != 0 { cairo_rotate(cr, rotation) }
            setSource(color)
            cairo_move_to(cr, dx, dy)
            cairo_show_text(cr, text)
            cairo_new_path(cr)
        }
    }

    // MARK: - Images

    /// How a vector output (PDF, SVG) embeds a raster image. A PNG canvas draws the pixels
    /// either way.
    public enum ImageEncoding: Equatable, Sendable {
        /// The pixels as they are (PDF: Flate; SVG: a PNG).
        case lossless
        /// A JPEG at libjpeg's `quality` (1–100), carried as it is: PDF's DCTDecode, SVG's
        /// `data:image/jpeg`. For photographs (scans, Grad-CAM overlays), never for line art.
        case jpeg(quality: Int)
    }

    /// Draws `image` scaled into `rect` (the caller keeps the aspect ratio, see
    /// `Rect.aspectFit`). Vector outputs embed the image at its own resolution, as `encoding`
    /// says.
    public func image(_ image: RGBImage, in rect: Rect, smooth: Bool = true, encoding: ImageEncoding = .lossless) {
        let source = Canvas.imageSurface(image)
        defer { cairo_surface_destroy(source) }
        if case .jpeg(let quality) = encoding, kind == .pdf || kind == .svg {
            Canvas.attachJPEG(of: image, quality: quality, to: source)
        }
        withState {
            cairo_translate(cr, rect.x, rect.y)
            cairo_scale(cr, rect.width / Double(image.width), rect.height / Double(image.height))
            cairo_set_source_surface(cr, source, 0, 0)
            cairo_pattern_set_filter(cairo_get_source(cr), smooth ? CAIRO_FILTER_GOOD : CAIRO_FILTER_NEAREST)
            cairo_rectangle(cr, 0, 0, Double(image.width), Double(image.height))
            cairo_fill(cr)
        }
    }

    private static func imageSurface(_ image: RGBImage) -> OpaquePointer {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(image.width), Int32(image.height))!
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let base = cairo_image_surface_get_data(surface)!
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<image.height {
                let row = UnsafeMutableRawPointer(base + y * stride).assumingMemoryBound(to: UInt32.self)
                for x in 0..<image.width {
                    let i = (y * image.width + x) * 3
                    row[x] = 0xFF00_0000 | UInt32(src[i]) << 16 | UInt32(src[i + 1]) << 8 | UInt32(src[i + 2])
                }
            }
        }
        cairo_surface_mark_dirty(surface)
        return surface
    }

    /// Attaches `image` as a JPEG to `surface` (Cairo's mime data), so that the PDF and SVG
    /// surfaces write the JPEG's bytes instead of the pixels. An image whose three channels
    /// agree everywhere (a gray scan) is coded as one gray channel. Cairo does not copy the
    /// bytes and may hold the surface, and so the bytes, beyond this call (until the page or
    /// the document is written): they live in a malloc'd buffer that Cairo frees through the
    /// destroy callback when it lets the surface go. If encoding fails the pixels are
    /// embedded losslessly, as without the JPEG. Identical JPEGs get the same unique id (from
    /// their SHA-256), so a document holds each once.
    private static func attachJPEG(of image: RGBImage, quality: Int, to surface: OpaquePointer) {
        let encoded: Data
        do {
            if let plane = grayPlane(of: image) {
                encoded = try JPEGCodec.encode(plane, quality: quality)
            } else {
                encoded = try JPEGCodec.encode(image, quality: quality)
            }
        } catch {
            return
        }
        guard let buffer = malloc(encoded.count) else { return }
        encoded.copyBytes(to: buffer.assumingMemoryBound(to: UInt8.self), count: encoded.count)
        let status = cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_JPEG, buffer.assumingMemoryBound(to: UInt8.self),
                                                 UInt(encoded.count), { free($0) }, buffer)
        if status != CAIRO_STATUS_SUCCESS {
            free(buffer)
            return
        }
        // The same JPEG drawn twice (a case in the gallery and again in the audit) is one image
        // object: Cairo embeds the surfaces that share a unique id once per document.
        guard let id = strdup("eus-report-jpeg-" + SHA256.hexDigest(encoded)) else { return }
        let idStatus = cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_UNIQUE_ID, UnsafeRawPointer(id).assumingMemoryBound(to: UInt8.self),
                                                   UInt(strlen(id)), { free($0) }, id)
        if idStatus != CAIRO_STATUS_SUCCESS { free(id) }
    }

    /// The one channel of an image whose three channels agree at every pixel, else nil.
    private static func grayPlane(of image: RGBImage) -> GrayImage? {
        var plane = [UInt8](repeating: 0, count: image.width * image.height)
        for p in plane.indices {
            let red = image.pixels[3 * p], green = image.pixels[3 * p + 1], blue = image.pixels[3 * p + 2]
            guard red == green, red == blue else { return nil }
            plane[p] = red
        }
        return GrayImage(width: image.width, height: image.height, pixels: plane)
    }

    /// The raster's pixels as an RGB image (PNG canvases only; the background is opaque white).
    private func rasterImage() -> RGBImage {
        cairo_surface_flush(surface)
        let width = Int(cairo_image_surface_get_width(surface)), height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let base = cairo_image_surface_get_data(surface)!
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let row = UnsafeMutableRawPointer(base + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width {
                let v = row[x], i = (y * width + x) * 3
                pixels[i] = UInt8((v >> 16) & 0xFF)
                pixels[i + 1] = UInt8((v >> 8) & 0xFF)
                pixels[i + 2] = UInt8(v & 0xFF)
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// The version of the Cairo library in use, for the reproducibility section.
    public static var cairoVersion: String { String(cString: cairo_version_string()) }
}

// MARK: - Cairo stream callbacks

private final class ByteSink {
    var data = Data()
}

private let writeToSink: cairo_write_func_t = { closure, bytes, length in
    guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
    Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
    return CAIRO_STATUS_SUCCESS
}

import EUSImage
import Foundation

/// A labelled grid of thumbnails: a title, then groups, each with a heading and up to
/// `columns` tiles a row. Every image is shrunk to `tile`×`tile` pixels (`Resize.rgb`, whatever
/// its size) and captioned below; white text on a dark ground, drawn through `Canvas` at one
/// point per pixel.
///
///     ContactSheet(title: "EUS phantom", groups: [(heading: "GIST", tiles: tiles)]).png()
public struct ContactSheet {
    /// A thumbnail and the line under it.
    public typealias Tile = (image: RGBImage, caption: String)
    /// A heading over its tiles.
    public typealias Group = (heading: String, tiles: [Tile])

    public var title: String
    public var groups: [Group]
    public var columns = 6
    public var tile = 150

    public init(title: String, groups: [Group]) {
        self.title = title
        self.groups = groups
    }

    // Layout in pixels.
    private let gap = 6, caption = 16, header = 34, groupHeader = 24
    private static let ground = Color(red: 24 / 255, green: 24 / 255, blue: 28 / 255)
    private static let ink = Color(red: 0.95, green: 0.95, blue: 0.95)

    private func rows(_ group: Group) -> Int { (group.tiles.count + columns - 1) / columns }

    var pixelSize: (width: Int, height: Int) {
        (gap + columns * (tile + gap),
         header + groups.reduce(0) { $0 + groupHeader + rows($1) * (tile + caption + gap) } + gap)
    }

    /// The sheet as a PNG file's bytes.
    public func png() throws -> Data {
        let (width, height) = pixelSize
        let canvas = Canvas(kind: .png(dotsPerInch: Units.pointsPerInch),
                            size: Size(width: Double(width), height: Double(height)))
        canvas.rect(Rect(x: 0, y: 0, width: Double(width), height: Double(height)), fill: Self.ground)
        canvas.text(title, at: Point(x: Double(gap), y: 22), font: Font(size: 15, bold: true), color: Self.ink)
        var y = header
        for group in groups {
            canvas.text(group.heading, at: Point(x: Double(gap), y: Double(y + 17)), font: Font(size: 13, bold: true),
                        color: Self.ink)
            y += groupHeader
            for (index, item) in group.tiles.enumerated() {
                let x0 = gap + (index % columns) * (tile + gap)
                let y0 = y + (index / columns) * (tile + caption + gap)
                let thumbnail = Resize.rgb(item.image, width: tile, height: tile)
                canvas.image(thumbnail, in: Rect(x: Double(x0), y: Double(y0), width: Double(tile), height: Double(tile)),
                             smooth: false)
                canvas.text(item.caption, at: Point(x: Double(x0 + 2), y: Double(y0 + tile + 12)), font: Font(size: 10.5),
                            color: Self.ink)
            }
            y += rows(group) * (tile + caption + gap)
        }
        return try canvas.finish()
    }
}

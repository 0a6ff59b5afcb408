import EUSData
import EUSGradCAM
import EUSImage
@testable import EUSPipeline
import EUSRender
import EUSSupport
import Foundation
import XCTest

/// The files the pipeline's steps write around the library calls: the Grad-CAM overlays and
/// the phantom's contact sheet.
final class PipelineFilesTests: CLITestCase {
    /// The .npy holds the map at the network's size; the PNG the overlay at the image's own size.
    func testCAMFilesAreTheMapAndTheOverlayAtTheImagesSize() throws {
        // A flat image has no scan field to find: it is used whole.
        CropSetting.current = .none
        defer { CropSetting.current = .auto }
        let image = RGBImage(width: 40, height: 30, fill: (90, 60, 30))
        let imageURL = url("c7.png")
        try PNGCodec.write(image, to: imageURL)
        let item = Case(id: "case_007", path: imageURL, relativePath: "c7.png", label: "GIST", classIndex: 0)
        let map = HeatMap(width: 16, height: 16, values: (0..<256).map { Float($0) / 255 })
        let directory = url("cams")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try CAMStep.writeFiles(map, for: item, alpha: 0.4, directory: directory)
        let npy = try NPYFile.read(directory.appendingPathComponent("case_007.npy"))
        XCTAssertEqual(npy.shape, [16, 16])
        XCTAssertEqual(npy.values, map.values)
        let png = try ImageDecoder.decode(directory.appendingPathComponent("case_007.png"))
        XCTAssertEqual([png.width, png.height, png.channels], [40, 30, 3])
        XCTAssertEqual(png.rgbImage(), CAMOverlay.draw(map, on: image, alpha: 0.4))
        XCTAssertEqual(files(under: "cams"), ["case_007.npy", "case_007.png"])
    }

    /// `synth` writes the sheet: wider than six tiles, not one flat colour, the same bytes each time.
    func testThePhantomFolderHasItsContactSheet() throws {
        let settings = Phantom.Settings(gist: 3, lm: 4, size: 48, seed: 2)
        try DataSteps.writePhantom(settings, to: url("a"), showProgress: false)
        try DataSteps.writePhantom(settings, to: url("b"), showProgress: false)
        let bytes = try Data(contentsOf: url("a/contact_sheet.png"))
        XCTAssertEqual(bytes, try Data(contentsOf: url("b/contact_sheet.png")))
        let sheet = try ImageDecoder.decode(bytes, source: "contact_sheet.png").rgbImage()
        XCTAssertGreaterThan(sheet.width, 6 * 150)
        XCTAssertGreaterThan(Set(sheet.pixels).count, 16)
    }
}

import EUSImage
import EUSRender
import EUSReport
import EUSStats
import EUSSupport
import Foundation
import XCTest

/// Text must stay inside every figure: with long model names and three models, each figure's
/// PNG keeps a white border (anything clipped at the edge would leave ink there).
final class FigureOverflowTests: XCTestCase {
    override func setUp() { Progress.enabled = false }

    func testLongModelNamesStayInsideEveryFigure() throws {
        let fixture = try CSVTable(contentsOf: ReportFixture.predictionsCSV)
        let names = ["resnet34_pretrained_imagenet_finetuned_fold1", "resnet50_from_scratch_with_heavy_augmentation", "densenet121_external_trainer"]
        var rows: [[String]] = []
        for row in fixture.rows {
            let third = 1 - (Double(row[2]) ?? 0.5)
            rows.append([row[0], row[1], row[2], row[3], String(third)])
        }
        let table = try PredictionTable(csv: CSVTable(header: ["case_id", "label"] + names, rows: rows, source: "long.csv"))
        let metrics = try MetricsComputer.compute(table, bootstrapResamples: 0)
        let root = ReportFixture.temporaryFolder("overflow")
        defer { try? FileManager.default.removeItem(at: root) }
        let csv = root.appendingPathComponent("long.csv")
        var writer = CSVWriter(header: ["case_id", "label"] + names)
        rows.forEach { writer.append($0) }
        try AtomicOutput.write(writer.text, to: csv)
        let input = try ReportInput.load(csv, options: ReportInput.Options(bootstrapResamples: 0))
        XCTAssertEqual(input.metrics.models.map(\.name), metrics.models.map(\.name))
        let histories = names.map { TrainingHistory(model: $0, epochs: [1, 2, 3], columns: ["train_loss": [0.7, 0.5, 0.4], "train_accuracy": [0.5, 0.7, 0.8]]) }
        for figure in ReportFigures.all(for: input) + [.training(histories, modelOrder: names)] {
            let png = try figure.render(.png(dotsPerInch: 100))
            let image = try ImageDecoder.decode(png, source: figure.name).rgbImage()
            XCTAssertEqual(FigureOverflowTests.inkOnBorder(image, width: 2), 0, "\(figure.name): ink on the border")
        }
    }

    /// The number of non-white pixels within `width` pixels of the image's edge.
    static func inkOnBorder(_ image: RGBImage, width: Int) -> Int {
        var count = 0
        for y in 0..<image.height {
            for x in 0..<image.width where x < width || y < width || x >= image.width - width || y >= image.height - width {
                let i = (y * image.width + x) * 3
                if image.pixels[i] < 250 || image.pixels[i + 1] < 250 || image.pixels[i + 2] < 250 { count += 1 }
            }
        }
        return count
    }
}

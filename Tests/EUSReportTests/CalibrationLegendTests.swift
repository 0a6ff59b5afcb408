import EUSRender
import EUSReport
import EUSStats
import EUSSupport
import XCTest

/// The reliability diagram's legend takes the off-diagonal corner that holds fewer points.
final class CalibrationLegendTests: XCTestCase {
    func testLegendAvoidsTheCrowdedCorner() throws {
        let fixture = try CSVTable(contentsOf: ReportFixture.predictionsCSV)
        var metrics = try MetricsComputer.compute(PredictionTable(csv: fixture), bootstrapResamples: 0)
        func place(_ points: [(Double, Double)]) {
            for index in metrics.models.indices {
                metrics.models[index].reliability = points.enumerated().map { bin, point in
                    ReliabilityBin(bin: bin, lower: Double(bin) / 10, upper: Double(bin + 1) / 10,
                                   meanPredicted: point.0, observedRate: point.1, count: 3)
                }
            }
        }
        place([(0.05, 0.9), (0.25, 0.8), (0.85, 0.9)])    // over-confident negatives: top left crowded
        XCTAssertEqual(Figure.legendCorner(metrics), .bottomRight)
        place([(0.75, 0.1), (0.95, 0.2), (0.1, 0.05)])    // over-confident positives: bottom right crowded
        XCTAssertEqual(Figure.legendCorner(metrics), .topLeft)
    }
}

import Foundation
import XCTest
import EUSSupport
@testable import EUSStats

/// A hold-out evaluation writes exactly the metrics.json and metrics.csv it always has: the
/// files in Fixtures/holdout_n29_metrics.* were written before cross-validation existed, from
/// the n29 case of delong_paired.json (two models, 200 bootstrap resamples, seed 3).
final class HoldOutEncodingTests: XCTestCase {
    func holdOutDocument() throws -> MetricsDocument {
        let reference = try Fixtures.load(Fixtures.PairedCases.self, "delong_paired")
        let c = try XCTUnwrap(reference.cases.first { $0.name == "n29" })
        let table = try PredictionTable(
            source: "n29", caseIDs: c.labels.indices.map { "case\($0)" },
            labels: c.labels.map { $0 == 1 ? "GIST" : "LM" },
            models: [.init(name: "resnet34", scores: c.scores_a), .init(name: "resnet50", scores: c.scores_b)])
        return try MetricsComputer.compute(table, bootstrapResamples: 200, seed: 3)
    }

    func testMetricsJSONIsByteIdenticalToTheRecordedOne() throws {
        let encoded = try JSONFile.encode(holdOutDocument())
        let recorded = try Fixtures.data("holdout_n29_metrics")
        XCTAssertEqual(String(decoding: encoded, as: UTF8.self), String(decoding: recorded, as: UTF8.self))
    }

    func testMetricsCSVIsIdenticalToTheRecordedOne() throws {
        let recorded = try Fixtures.data("holdout_n29_metrics", extension: "csv")
        XCTAssertEqual(try holdOutDocument().csv(), String(decoding: recorded, as: UTF8.self))
    }
}

extension HoldOutEncodingTests {
    /// Without fold columns there is no cross-validation, and metrics.json has no such key.
    func testHoldOutHasNoCrossValidationKey() throws {
        let document = try holdOutDocument()
        XCTAssertNil(document.crossValidation)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONFile.encode(document)) as? [String: Any])
        XCTAssertEqual(Set(json.keys), ["positive_class", "negative_class", "threshold", "threshold_source", "n", "models",
                                        "comparisons"])
        XCTAssertFalse(document.summaryTable().contains("Cross-validation"))
    }
}

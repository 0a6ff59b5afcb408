import Foundation
import XCTest
import EUSSupport
@testable import EUSStats

/// A hold-out evaluation writes exactly the metrics.json and metrics.csv it always has: the
/// files in Fixtures/holdout_n29_metrics.* were written before cross-validation existed, from
/// the n29 case of delong_paired.json (two models, 200 bootstrap resamples, seed 3). Keys and
/// rows added since (decision_curve, calibration, subgroups, sample_size) come on top: without
/// them the bytes are the recorded ones, and their CSV rows follow the recorded rows.
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
        var document = try holdOutDocument()
        XCTAssertNotNil(document.decisionCurve)
        XCTAssertNotNil(document.calibration)
        XCTAssertNotNil(document.sampleSize)
        document.decisionCurve = nil
        document.calibration = nil
        document.sampleSize = nil
        let encoded = try JSONFile.encode(document)
        let recorded = try Fixtures.data("holdout_n29_metrics")
        XCTAssertEqual(String(decoding: encoded, as: UTF8.self), String(decoding: recorded, as: UTF8.self))
    }

    func testMetricsCSVIsIdenticalToTheRecordedOne() throws {
        let recorded = try Fixtures.data("holdout_n29_metrics", extension: "csv")
        let csv = try holdOutDocument().csv()
        let text = String(decoding: recorded, as: UTF8.self)
        XCTAssert(csv.hasPrefix(text), "the recorded rows come first, unchanged")
        let added = csv.dropFirst(text.count).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false)[1] }
        XCTAssert(added.allSatisfy { ["calibration_intercept", "calibration_slope", "ece", "buderer_n", "power", "cases_needed"].contains(String($0))
            || $0.hasPrefix("net_benefit@") }, "\(added)")
    }
}

extension HoldOutEncodingTests {
    /// Without fold columns there is no cross-validation, and metrics.json has no such key.
    func testHoldOutHasNoCrossValidationKey() throws {
        let document = try holdOutDocument()
        XCTAssertNil(document.crossValidation)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONFile.encode(document)) as? [String: Any])
        XCTAssertEqual(Set(json.keys), ["positive_class", "negative_class", "threshold", "threshold_source", "n", "models",
                                        "comparisons", "decision_curve", "calibration", "sample_size"])
        XCTAssertFalse(document.summaryTable().contains("Cross-validation"))
    }
}

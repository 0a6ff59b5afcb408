@testable import EUSPipeline
import EUSModels
import Foundation
import XCTest

/// The parts of the training recipe that live in the pipeline: the per-batch learning rate,
/// the settings' validation, and older config files.
final class TrainingRecipeTests: XCTestCase {
    func settings(epochs: Int, warmup: Int, schedule: LRSchedule = .cosine) -> TrainingSettings {
        var s = TrainingSettings.study
        s.epochs = epochs
        s.warmupEpochs = warmup
        s.schedule = schedule
        s.learningRate = 0.01
        return s
    }

    /// Linear warm-up from lr/W to lr over the first W steps, then cosine to 0 over the rest,
    /// stepped every batch.
    func testWarmUpThenCosinePerBatch() {
        let schedule = settings(epochs: 10, warmup: 2)
        let rates = (1...10).flatMap { epoch in (0..<5).map { schedule.learningRate(epoch: epoch, batch: $0, batchesPerEpoch: 5) } }
        XCTAssertEqual(rates.count, 50)
        for step in 0..<10 { XCTAssertEqual(rates[step], 0.01 * Double(step + 1) / 10, accuracy: 1e-15, "warm-up step \(step)") }
        XCTAssertEqual(rates[10], 0.01, accuracy: 1e-15, "the peak right after the warm-up")
        for step in 10..<50 {
            let t = Double(step - 10) / 40
            XCTAssertEqual(rates[step], 0.01 * (1 + cos(Double.pi * t)) / 2, accuracy: 1e-15, "cosine step \(step)")
        }
        XCTAssertLessThan(rates[49], 0.01 * 0.002, "near zero at the end")
        let constant = settings(epochs: 4, warmup: 1, schedule: .constant)
        XCTAssertEqual((1...4).flatMap { e in (0..<2).map { constant.learningRate(epoch: e, batch: $0, batchesPerEpoch: 2) } }, [0.005, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01])
        // Without warm-up and with one batch per epoch this is CosineAnnealingLR(T_max: epochs).
        let perEpoch = settings(epochs: 4, warmup: 0)
        XCTAssertEqual((1...4).map { perEpoch.learningRate(epoch: $0, batch: 0, batchesPerEpoch: 1) }, [0, 1, 2, 3].map { 0.01 * (1 + cos(Double.pi * Double($0) / 4)) / 2 })
    }

    func testSettingsThatCannotTrainAreRefused() {
        var s = settings(epochs: 3, warmup: 3)
        XCTAssertThrowsError(try s.validate()) { XCTAssert("\($0)".contains("--warmup-epochs"), "\($0)") }
        s.warmupEpochs = 1
        s.labelSmoothing = 1
        XCTAssertThrowsError(try s.validate()) { XCTAssert("\($0)".contains("--label-smoothing"), "\($0)") }
        s.labelSmoothing = 0.1
        s.emaDecay = 1
        XCTAssertThrowsError(try s.validate()) { XCTAssert("\($0)".contains("--ema"), "\($0)") }
    }

    /// A config.json or checkpoint written before the recipe's later parts existed reads as
    /// having none of them: no smoothing, no warm-up, no average.
    func testOlderSettingsDecodeWithoutTheNewParts() throws {
        let old = #"{"epochs": 20, "batch_size": 16, "lr": 0.001, "optimizer": "adamw", "momentum": 0.9, "weight_decay": 0.0001, "schedule": "cosine", "image_size": 128, "seed": 1, "width": 32, "augment": false}"#
        let settings = try JSONDecoder().decode(TrainingSettings.self, from: Data(old.utf8))
        XCTAssertEqual([settings.labelSmoothing, settings.emaDecay], [0, 0])
        XCTAssertEqual(settings.warmupEpochs, 0)
        XCTAssertEqual(settings.augmentation, .standard)
        let again = try JSONDecoder().decode(TrainingSettings.self, from: JSONEncoder().encode(TrainingSettings.study))
        XCTAssertEqual(again, .study)
    }
}

import Foundation

/// The learning-rate schedule after the warm-up, stepped every batch, as `--schedule` and
/// config.json name it.
public enum LRSchedule: String, Codable, CaseIterable, Sendable {
    /// `lr · (1 + cos(π t / T)) / 2` at step t of the T steps after the warm-up (0 at the
    /// last step's end), as timm's per-step cosine. Without warm-up and with one step per
    /// epoch this is PyTorch's `CosineAnnealingLR(T_max: epochs)` stepped per epoch.
    /// Reference: Loshchilov & Hutter, "SGDR" (ICLR 2017).
    case cosine
    /// The base rate throughout.
    case constant

    /// The rate at `step` (0-based) of `totalSteps`: a linear warm-up over the first
    /// `warmupSteps`, from base/W to base over its W steps, then the schedule over the rest.
    public func learningRate(base: Double, step: Int, warmupSteps: Int, totalSteps: Int) -> Double {
        if step < warmupSteps { return base * Double(step + 1) / Double(warmupSteps) }
        switch self {
        case .constant:
            return base
        case .cosine:
            let t = Double(step - warmupSteps) / Double(max(1, totalSteps - warmupSteps))
            return base * (1 + cos(Double.pi * t)) / 2
        }
    }
}

import Foundation

/// The learning rate as a function of the epoch (0-based), as PyTorch's schedulers compute it
/// in closed form.
public enum LRSchedule: Equatable, Sendable {
    /// The base rate throughout.
    case constant
    /// `CosineAnnealingLR(T_max: epochs, eta_min: minimum)`:
    /// lr = minimum + (base - minimum) * (1 + cos(pi * epoch / epochs)) / 2.
    /// Reference: Loshchilov & Hutter, "SGDR" (ICLR 2017).
    case cosine(epochs: Int, minimum: Float = 0)
    /// `StepLR(step_size: every, gamma: gamma)`: lr = base * gamma^floor(epoch / every).
    case step(every: Int, gamma: Float)

    /// The rate for `epoch` (0-based) from the base rate.
    public func learningRate(base: Float, epoch: Int) -> Float {
        switch self {
        case .constant:
            return base
        case .cosine(let epochs, let minimum):
            precondition(epochs > 0, "LRSchedule.cosine: epochs must be positive")
            let t = Double(min(max(epoch, 0), epochs)) / Double(epochs)
            return minimum + (base - minimum) * Float((1 + cos(Double.pi * t)) / 2)
        case .step(let every, let gamma):
            precondition(every > 0, "LRSchedule.step: the step size must be positive")
            return base * Float(pow(Double(gamma), Double(max(epoch, 0) / every)))
        }
    }
}

import EUSSupport
import XCTest
@testable import EUSCore

/// The stem's max pooling (3x3, stride 2, padding 1) against a plain row-major scan, on rows
/// wide enough for its eight-output vector path, with ties and a NaN.
final class MaxPoolTests: XCTestCase {
    /// PyTorch's rule: scan the window in row-major order from -infinity; a larger value or a
    /// NaN takes over; the index starts at the window's first element.
    private func naive(_ x: Tensor, plane: Int, row i: Int, column j: Int) -> (Float, Int) {
        let (h, w) = (x.shape[2], x.shape[3])
        let source = x.data + plane * h * w
        var best = -Float.infinity, winner = max(0, 2 * i - 1) * w + max(0, 2 * j - 1)
        for a in max(0, 2 * i - 1)..<min(h, 2 * i + 2) {
            for b in max(0, 2 * j - 1)..<min(w, 2 * j + 2) where source[a * w + b] > best || source[a * w + b].isNaN {
                best = source[a * w + b]
                winner = a * w + b
            }
        }
        return (best, winner)
    }

    func testForwardAndRoutingMatchARowMajorScan() {
        var random = SeededRandom(seed: 3)
        for (h, w) in [(9, 40), (8, 37), (5, 19)] {
            let x = Tensor(shape: [2, 3, h, w])
            // Values on a coarse grid, so that windows hold ties, and zeros as after a ReLU.
            for i in 0..<x.count { x[i] = max(0, Float(Int(random.normal(std: Float(3)))) / 3) }
            x[5 * w + 21] = .nan
            let pool = MaxPool2D(kernelSize: 3, stride: 2, padding: 1)
            let y = pool.forward(x)
            let (oh, ow) = (y.shape[2], y.shape[3])
            let dy = Tensor(shape: y.shape)
            for i in 0..<dy.count { dy[i] = Float(i + 1) }
            let dx = Tensor(shape: [0])
            pool.backward(dy, inputGradient: dx)
            var expectedDx = [Float](repeating: 0, count: x.count)
            for plane in 0..<6 { for i in 0..<oh { for j in 0..<ow {
                let (value, winner) = naive(x, plane: plane, row: i, column: j)
                let o = (plane * oh + i) * ow + j
                XCTAssertTrue(value == y[o] || (value.isNaN && y[o].isNaN), "\(h)x\(w) plane \(plane) (\(i), \(j)): \(y[o]) vs \(value)")
                expectedDx[plane * h * w + winner] += dy[o]
            } } }
            XCTAssertEqual(dx.scalars, expectedDx, "\(h)x\(w): gradient routed to other winners")
        }
    }
}

import EUSImage
import XCTest

final class ResampleWeightsTests: XCTestCase {
    /// Brute-force oracle: a 2× shrink of a constant image stays constant, and a shrink by an
    /// integer factor k of any row is the triangle-weighted mean of the 2k pixels around it.
    func testResampleWeightsAgainstHandComputedTriangle() {
        let w = ResampleWeights(inputSize: 8, outputSize: 4)
        // Output 1: centre 3.0, support 2: inputs 1..4 at distances 1.5, 0.5, 0.5, 1.5 → 0.25, 0.75, 0.75, 0.25.
        XCTAssertEqual(w.first[1], 1)
        XCTAssertEqual(w.count[1], 4)
        let expected = [0.25, 0.75, 0.75, 0.25].map { $0 / 2 }
        for k in 0..<4 { XCTAssertEqual(w.weights[w.stride + k], expected[k], accuracy: 1e-12) }
        let up = ResampleWeights(inputSize: 2, outputSize: 4)
        // Enlarging: output 1 has centre 0.75 → inputs 0 and 1 with weights 0.75 and 0.25.
        XCTAssertEqual(up.weights[up.stride], 0.75, accuracy: 1e-12)
        XCTAssertEqual(up.weights[up.stride + 1], 0.25, accuracy: 1e-12)
        let constant = [Float](repeating: 0.3, count: 3 * 9 * 7)
        for v in Resize.planes(constant, channels: 3, height: 9, width: 7, outHeight: 4, outWidth: 5) {
            XCTAssertEqual(v, 0.3, accuracy: 1e-6)
        }
    }
}

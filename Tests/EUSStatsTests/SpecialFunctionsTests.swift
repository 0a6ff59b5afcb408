import Foundation
import XCTest
@testable import EUSStats

final class SpecialFunctionsTests: XCTestCase {
    func testNormalQuantileKnownValueAndSymmetry() {
        XCTAssertEqual(Normal.quantile(0.975), 1.959963984540054, accuracy: 1e-15)
        XCTAssertEqual(Normal.quantile(0.5), 0)
        XCTAssertEqual(Normal.twoSidedCriticalValue(alpha: 0.1), 1.6448536269514722, accuracy: 1e-15)
        for p in [1e-8, 0.01, 0.2, 0.4] {
            XCTAssertEqual(Normal.quantile(p), -Normal.quantile(1 - p), accuracy: 1e-9 * abs(Normal.quantile(p)) + 1e-15)
        }
        XCTAssertEqual(Normal.quantile(0), -.infinity)
        XCTAssertEqual(Normal.quantile(1), .infinity)
        XCTAssertTrue(Normal.quantile(1.5).isNaN)
    }

    /// Φ(Φ⁻¹(p)) = p across all three AS 241 regions (Φ comes from libm's erfc, an independent
    /// implementation): relative 1e-15·max(1, x²), the rounding of x amplified by the slope of log Φ.
    func testNormalQuantileInvertsCDFToFullPrecision() {
        var ps: [Double] = [1e-300, 1e-100, 1e-30, 1e-12, 1e-6, 0.001, 0.0749, 0.075, 0.0751]
        ps += stride(from: 0.01, to: 1, by: 0.01).map { $0 }
        for p in ps {
            let x = Normal.quantile(p)
            let back = p < 0.5 ? Normal.cdf(x) : 1 - Normal.survival(x)
            XCTAssertEqual(back, p, accuracy: 1e-15 * max(1, x * x) * p, "p = \(p)")
        }
        XCTAssertEqual(Normal.cdf(1.959963984540054), 0.975, accuracy: 1e-16)
        XCTAssertEqual(Normal.survival(10), 7.619853024160527e-24, accuracy: 1e-36)
    }

    /// Closed forms: I_x(1,b) = 1 − (1−x)^b, I_x(a,1) = x^a, I_x(½,½) = (2/π)·asin(√x), I_½(2,3) = 11/16.
    func testIncompleteBetaClosedForms() {
        for x in [1e-6, 0.01, 0.3, 0.5, 0.77, 0.999] {
            for b in [0.5, 1, 3, 40] {
                XCTAssertEqual(IncompleteBeta.regularized(x: x, a: 1, b: b), -expm1(b * log1p(-x)), accuracy: 1e-14)
                XCTAssertEqual(IncompleteBeta.regularized(x: x, a: b, b: 1), pow(x, b), accuracy: 1e-14)
            }
            XCTAssertEqual(IncompleteBeta.regularized(x: x, a: 0.5, b: 0.5), 2 / Double.pi * asin(x.squareRoot()), accuracy: 1e-14)
        }
        XCTAssertEqual(IncompleteBeta.regularized(x: 0.5, a: 2, b: 3), 11.0 / 16, accuracy: 1e-15)
        XCTAssertEqual(IncompleteBeta.regularized(x: 0, a: 2, b: 3), 0)
        XCTAssertEqual(IncompleteBeta.regularized(x: 1, a: 2, b: 3), 1)
    }

    /// I_p(k, n−k+1) = P(Bin(n, p) ≥ k): the incomplete beta against an explicit binomial sum.
    func testIncompleteBetaMatchesBinomialTailSums() {
        for n in [1, 5, 14, 57, 239] {
            for k in Set([1, n / 3 + 1, n / 2 + 1, n]) {
                for p in [0.01, 0.2, 0.5, 0.83, 0.99] {
                    let beta = IncompleteBeta.regularized(x: p, a: Double(k), b: Double(n - k + 1))
                    let tail = Binomial.upperTail(k, n: n, p: p)
                    XCTAssertEqual(beta, tail, accuracy: 1e-13 + 1e-12 * tail, "n=\(n) k=\(k) p=\(p)")
                }
            }
        }
    }

    /// Non-integer parameters (Jeffreys) against composite Simpson integration of the density.
    func testIncompleteBetaMatchesNumericalIntegration() {
        for (a, b) in [(2.5, 3.5), (7.5, 1.5), (3.5, 12.5)] {
            for x in [0.1, 0.45, 0.9] {
                let steps = 20_000
                let h = x / Double(steps)
                var sum = IncompleteBeta.density(x: 0, a: a, b: b) + IncompleteBeta.density(x: x, a: a, b: b)
                for i in 1..<steps { sum += (i % 2 == 1 ? 4 : 2) * IncompleteBeta.density(x: Double(i) * h, a: a, b: b) }
                XCTAssertEqual(IncompleteBeta.regularized(x: x, a: a, b: b), sum * h / 3, accuracy: 1e-11, "a=\(a) b=\(b) x=\(x)")
            }
        }
    }

    /// The inverse: I_{B⁻¹(p)}(a,b) = p to 1e-13 relative, and the closed-form inverses.
    func testInverseIncompleteBetaAccuracy() {
        for a in [0.5, 1, 2.5, 13, 100.5, 240] {
            for b in [0.5, 1, 4, 27.5, 200] {
                for p in [1e-10, 0.005, 0.025, 0.5, 0.975, 0.995, 1 - 1e-10] {
                    let x = IncompleteBeta.inverse(p: p, a: a, b: b)
                    XCTAssert(x > 0 && x <= 1, "a=\(a) b=\(b) p=\(p): x=\(x)")
                    // x is a double nearest the exact quantile: p lies between I at its neighbours
                    // (compared in the smaller tail; x = 1 is right when 1 − x is below half an ulp).
                    let below = IncompleteBeta.tails(x: x.nextDown, a: a, b: b)
                    let above = IncompleteBeta.tails(x: x < 1 ? x.nextUp : 1, a: a, b: b)
                    let tolerance = 1e-13 * min(p, 1 - p)
                    let bracketed = p <= 0.5
                        ? below.lower - tolerance <= p && p <= above.lower + tolerance
                        : below.upper + tolerance >= 1 - p && 1 - p >= above.upper - tolerance
                    XCTAssert(bracketed,
                              "a=\(a) b=\(b) p=\(p): I(x⁻)=\(below), I(x⁺)=\(above)")
                }
            }
        }
        for p in [0.025, 0.3, 0.975] {
            XCTAssertEqual(IncompleteBeta.inverse(p: p, a: 1, b: 7), -expm1(log1p(-p) / 7), accuracy: 1e-15)
            XCTAssertEqual(IncompleteBeta.inverse(p: p, a: 5, b: 1), pow(p, 0.2), accuracy: 1e-15)
            XCTAssertEqual(IncompleteBeta.inverse(p: p, a: 0.5, b: 0.5), pow(sin(Double.pi * p / 2), 2), accuracy: 1e-14)
        }
        XCTAssertEqual(IncompleteBeta.inverse(p: 0, a: 2, b: 2), 0)
        XCTAssertEqual(IncompleteBeta.inverse(p: 1, a: 2, b: 2), 1)
    }

    func testChiSquareSurvival() {
        XCTAssertEqual(ChiSquare.survival(3.841458820694124, degreesOfFreedom: 1), 0.05, accuracy: 1e-15)
        for x in [0.01, 0.5, 2.5, 10, 40] {
            XCTAssertEqual(ChiSquare.survival(x, degreesOfFreedom: 2), exp(-x / 2), accuracy: 1e-15)
            XCTAssertEqual(ChiSquare.survival(x, degreesOfFreedom: 4), exp(-x / 2) * (1 + x / 2), accuracy: 1e-14)
            // The df = 1 shortcut (erfc) against the general incomplete-gamma path.
            XCTAssertEqual(IncompleteGamma.regularizedUpper(a: 0.5, x: x / 2), ChiSquare.survival(x, degreesOfFreedom: 1),
                           accuracy: 1e-14 * ChiSquare.survival(x, degreesOfFreedom: 1) + 1e-16)
        }
        XCTAssertEqual(ChiSquare.survival(0, degreesOfFreedom: 1), 1)
        XCTAssertEqual(ChiSquare.survival(.infinity, degreesOfFreedom: 3), 0)
    }

    func testBinomialTails() {
        XCTAssertEqual(Binomial.cdf(2, n: 10, p: 0.5), 56.0 / 1024, accuracy: 1e-16)
        XCTAssertEqual(Binomial.cdf(0, n: 12, p: 0.5), 1.0 / 4096, accuracy: 1e-18)
        XCTAssertEqual(Binomial.cdf(-1, n: 5, p: 0.3), 0)
        XCTAssertEqual(Binomial.cdf(5, n: 5, p: 0.3), 1)
        XCTAssertEqual(Binomial.upperTail(0, n: 5, p: 0.3), 1)
        XCTAssertEqual(2 * Binomial.cdf(1, n: 4, p: 0.5), 0.625, "exact for p = ½")
        // (1−p)ⁿ underflows here: the log-gamma path.
        XCTAssertEqual(Binomial.cdf(950, n: 2000, p: 0.5),
                       IncompleteBeta.regularized(x: 0.5, a: 1050, b: 951), accuracy: 1e-11 * 0.0134, "log-gamma of ~2000 limits both to ~1e-12 relative")
        for n in [3, 20, 150] {
            let total = (0...n).map { Binomial.probability($0, n: n, p: 0.37) }.reduce(0, +)
            XCTAssertEqual(total, 1, accuracy: 1e-13)
            for k in [0, n / 2, n - 1] {
                XCTAssertEqual(Binomial.cdf(k, n: n, p: 0.37) + Binomial.upperTail(k + 1, n: n, p: 0.37), 1, accuracy: 1e-13)
                // P(X ≤ k) = I_{1−p}(n−k, k+1).
                XCTAssertEqual(Binomial.cdf(k, n: n, p: 0.37),
                               IncompleteBeta.regularized(x: 0.63, a: Double(n - k), b: Double(k + 1)), accuracy: 1e-13)
            }
        }
    }
}

import COpenBLAS
import Dispatch

/// Single-precision matrix products on OpenBLAS; the only file that imports the BLAS.
///
/// All matrices are row-major. `C = alpha * op(A) * op(B) + beta * C` with `op(A)` of shape
/// (m, k), `op(B)` of shape (k, n) and `C` of shape (m, n).
public enum GEMM {
    /// C(m,n) = alpha * op(A)(m,k) * op(B)(k,n) + beta * C.
    /// - Parameters:
    ///   - transposeA: when true, `a` is stored as (k, m) and used transposed.
    ///   - transposeB: when true, `b` is stored as (n, k) and used transposed.
    ///   - lda, ldb, ldc: row strides; default to the packed widths.
    @inline(__always)
    public static func multiply(
        _ c: UnsafeMutablePointer<Float>,
        _ a: UnsafePointer<Float>, transposeA: Bool = false,
        _ b: UnsafePointer<Float>, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, beta: Float = 0,
        lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "GEMM: negative dimension m=\(m) n=\(n) k=\(k)")
        if m == 0 || n == 0 { return }
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha,
            a, Int32(lda ?? (transposeA ? m : k)),
            b, Int32(ldb ?? (transposeB ? k : n)),
            beta, c, Int32(ldc ?? n))
    }

    /// OpenBLAS's build description (version, target core), for the report.
    public static var configuration: String {
        guard let text = openblas_get_config() else { return "unknown" }
        return String(cString: text)
    }

    /// OpenBLAS's name for the kernel it runs ("Haswell", "Cooperlake"), chosen when the library
    /// loads: the CPU's best unless `OPENBLAS_CORETYPE` pins one.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Achieved GFLOP/s of one n×n×n `cblas_sgemm` on `threads` OpenBLAS threads: 2n³ over the
    /// best of `rounds` timed products, after one warm-up. OpenBLAS is single-threaded again
    /// afterwards, as `configure(threads:)` leaves it.
    public static func sgemmPeak(size n: Int = 2048, threads: Int, rounds: Int = 3) -> Double {
        precondition(n >= 1 && threads >= 1 && rounds >= 1, "GEMM.sgemmPeak: invalid size, threads or rounds")
        let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        openblas_set_num_threads(Int32(threads))
        defer { openblas_set_num_threads(1) }
        var best = Double.infinity
        for round in 0...rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            multiply(&c, a, b, m: n, n: n, k: n)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if round > 0 { best = min(best, seconds) }
        }
        return 2 * Double(n) * Double(n) * Double(n) / best / 1e9
    }

    /// Sets how the engine uses the cores; called once at start-up, before the first product.
    ///
    /// `threads` threads split the convolutions (by images, or by GEMM rows for a small batch)
    /// and the element-wise loops (`Parallel.threadCount`), and each calls OpenBLAS
    /// single-threaded on its share, so the cores are never shared between OpenBLAS's thread
    /// pool and the engine's.
    public static func configure(threads: Int) {
        precondition(threads >= 1, "GEMM.configure: threads must be at least 1, got \(threads)")
        Parallel.threadCount = threads
        openblas_set_num_threads(1)
    }

    /// The same product split by rows of C over `Parallel.threadCount` threads, each running a
    /// single-threaded GEMM on its block of rows (for one image, when there is no batch to
    /// split).
    public static func multiplySplittingRows(
        _ c: UnsafeMutablePointer<Float>,
        _ a: UnsafePointer<Float>, transposeA: Bool = false,
        _ b: UnsafePointer<Float>, transposeB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0
    ) {
        let lda = transposeA ? m : k, ldb = transposeB ? k : n
        Parallel.forRanges(m, costPerItem: n * k) { rows in
            // Rows r of op(A) start at a + r*lda (stored as is) or at column r (transposed).
            let block = transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda
            multiply(c + rows.lowerBound * n, block, transposeA: transposeA, b, transposeB: transposeB,
                     m: rows.count, n: n, k: k, alpha: alpha, beta: beta, lda: lda, ldb: ldb, ldc: n)
        }
    }
}

import CDNNL
import COpenBLAS
import Dispatch

/// Single-precision matrix products; the only file that imports a BLAS.
///
/// All matrices are row-major. `C = alpha * op(A) * op(B) + beta * C` with `op(A)` of shape
/// (m, k), `op(B)` of shape (k, n) and `C` of shape (m, n).
public enum GEMM {
    /// The library that multiplies. Both sum each dot product over k in order, one
    /// multiply-add at a time, so on a given CPU they mostly agree to the bit.
    public enum Engine: String, CaseIterable, Sendable {
        /// oneDNN's `dnnl_sgemm`, JIT-compiled for the CPU's own instruction set whatever
        /// OpenBLAS is told (the library under PyTorch's CPU convolutions). Measured here at
        /// 1.1-1.6x OpenBLAS's Cooperlake and Haswell kernels on the convolutions' shapes with
        /// both cores busy; OpenBLAS is as fast or faster on some 64x64x64 products.
        case oneDNN = "onednn"
        /// OpenBLAS's `cblas_sgemm`: the portable engine, and the tests' oracle.
        case openBLAS = "openblas"
    }

    /// The engine every product runs on; `configure(threads:engine:)` sets it.
    nonisolated(unsafe) public private(set) static var engine = Engine.oneDNN

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
        let (lda, ldb, ldc) = (lda ?? (transposeA ? m : k), ldb ?? (transposeB ? k : n), ldc ?? n)
        switch engine {
        case .oneDNN:
            // Each of the engine's threads multiplies on its own: no OpenMP team under it.
            omp_set_num_threads(1)
            let status = dnnl_sgemm(flag(transposeA), flag(transposeB), Int64(m), Int64(n), Int64(k), alpha,
                                    a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
            precondition(status == dnnl_success, "GEMM: dnnl_sgemm failed (status \(status.rawValue)) for m=\(m) n=\(n) k=\(k)")
        case .openBLAS:
            cblas_sgemm(
                CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha,
                a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
    }

    @inline(__always)
    private static func flag(_ transpose: Bool) -> CChar { CChar(UInt8(ascii: transpose ? "T" : "N")) }

    /// The engine as the reproducibility record names it: "oneDNN 2.6.3 (dnnl_sgemm)" or
    /// "OpenBLAS (cblas_sgemm)".
    public static var engineDescription: String {
        switch engine {
        case .oneDNN: return "oneDNN \(oneDNNVersion) (dnnl_sgemm)"
        case .openBLAS: return "OpenBLAS (cblas_sgemm)"
        }
    }

    /// oneDNN's version, e.g. "2.6.3", for the report.
    public static var oneDNNVersion: String {
        guard let version = dnnl_version() else { return "unknown" }
        return "\(version.pointee.major).\(version.pointee.minor).\(version.pointee.patch)"
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

    /// Achieved GFLOP/s of one n×n×n product on `engine` with `threads` threads (OpenBLAS's or
    /// OpenMP's): 2n³ over the best of `rounds` timed products, after one warm-up. Both
    /// libraries are single-threaded again afterwards, as `configure(threads:engine:)` leaves them.
    public static func sgemmPeak(size n: Int = 2048, threads: Int, engine: Engine = .openBLAS, rounds: Int = 3) -> Double {
        precondition(n >= 1 && threads >= 1 && rounds >= 1, "GEMM.sgemmPeak: invalid size, threads or rounds")
        let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        var best = Double.infinity
        for round in 0...rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            switch engine {
            case .openBLAS:
                openblas_set_num_threads(Int32(threads))
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                            a, Int32(n), b, Int32(n), 0, &c, Int32(n))
                openblas_set_num_threads(1)
            case .oneDNN:
                omp_set_num_threads(Int32(threads))
                _ = dnnl_sgemm(flag(false), flag(false), Int64(n), Int64(n), Int64(n), 1, a, Int64(n), b, Int64(n), 0, &c, Int64(n))
                omp_set_num_threads(1)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if round > 0 { best = min(best, seconds) }
        }
        return 2 * Double(n) * Double(n) * Double(n) / best / 1e9
    }

    /// Sets how the engine uses the cores and which library multiplies; called once at
    /// start-up, before the first product.
    ///
    /// `threads` threads split the convolutions (by images, or by GEMM rows for a small batch)
    /// and the element-wise loops (`Parallel.threadCount`), and each calls the library
    /// single-threaded on its share, so the cores are never shared between a library's thread
    /// pool and the engine's.
    public static func configure(threads: Int, engine: Engine = .oneDNN) {
        precondition(threads >= 1, "GEMM.configure: threads must be at least 1, got \(threads)")
        Parallel.threadCount = threads
        self.engine = engine
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

import EUSPipeline
import EUSReport
import XCTest

final class EnvironmentDescriptionTests: XCTestCase {
    func testSoftwareVersionsNameTheLinkedLibraries() {
        let versions = SoftwareVersions.current
        XCTAssertTrue(versions.swift.hasPrefix("6.") || versions.swift.hasPrefix(">="), versions.swift)
        XCTAssertNotEqual(versions.openblas, "unknown", "openblas_get_config should be found in the linked OpenBLAS")
        XCTAssertTrue(versions.cairo.first?.isNumber ?? false, "cairo version: \(versions.cairo)")
        // The engine the process runs on (oneDNN unless configured otherwise), with oneDNN's own version.
        let gemm = try? XCTUnwrap(versions.gemm)
        XCTAssertTrue(gemm?.range(of: #"^oneDNN \d+\.\d+\.\d+ \(dnnl_sgemm\)$"#, options: .regularExpression) != nil
                      || gemm == "OpenBLAS (cblas_sgemm)", "gemm: \(gemm ?? "nil")")
    }

    func testMachineDescription() {
        let machine = MachineDescription.current
        XCTAssertGreaterThan(machine.cores, 0)
        XCTAssertGreaterThan(machine.memoryGiB, 0)
        XCTAssertFalse(machine.os.isEmpty)
    }
}

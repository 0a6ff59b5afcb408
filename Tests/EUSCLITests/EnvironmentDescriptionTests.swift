import EUSPipeline
import EUSReport
import XCTest

final class EnvironmentDescriptionTests: XCTestCase {
    func testSoftwareVersionsNameTheLinkedLibraries() {
        let versions = SoftwareVersions.current
        XCTAssertTrue(versions.swift.hasPrefix("6.") || versions.swift.hasPrefix(">="), versions.swift)
        XCTAssertNotEqual(versions.openblas, "unknown", "openblas_get_config should be found in the linked OpenBLAS")
        XCTAssertTrue(versions.cairo.first?.isNumber ?? false, "cairo version: \(versions.cairo)")
    }

    func testMachineDescription() {
        let machine = MachineDescription.current
        XCTAssertGreaterThan(machine.cores, 0)
        XCTAssertGreaterThan(machine.memoryGiB, 0)
        XCTAssertFalse(machine.os.isEmpty)
    }
}

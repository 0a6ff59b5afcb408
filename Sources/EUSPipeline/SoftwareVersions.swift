import EUSCore
import EUSRender
import EUSReport
import Foundation

extension SoftwareVersions {
    /// The Swift version is the compiler's that built this binary (`#if compiler`). OpenBLAS,
    /// oneDNN and Cairo are asked at run time for their own version strings
    /// (`GEMM.configuration`, `GEMM.oneDNNVersion`, `Canvas.cairoVersion`), so the record names
    /// the libraries that actually ran, and which of the two ran the matrix products.
    public static var current: SoftwareVersions {
        SoftwareVersions(swift: compilerVersion,
                         openblas: GEMM.configuration.trimmingCharacters(in: .whitespacesAndNewlines),
                         gemm: GEMM.engineDescription,
                         cairo: Canvas.cairoVersion,
                         eusReport: EUSReportVersion.string)
    }

    /// The version of the Swift compiler that built this binary, to the patch level.
    public static var compilerVersion: String {
        #if compiler(>=7.0)
        return ">= 7.0"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3.3)
        return "6.3.3"
        #elseif compiler(>=6.3.2)
        return "6.3.2"
        #elseif compiler(>=6.3.1)
        return "6.3.1"
        #elseif compiler(>=6.3)
        return "6.3.0"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }
}


/// EUSReport's own version, written into every eval.json and report.
public enum EUSReportVersion {
    public static let string = "0.1.0"
}


extension MachineDescription {
    public static var current: MachineDescription {
        let info = ProcessInfo.processInfo
        let memory = Double(info.physicalMemory) / 1_073_741_824
        return MachineDescription(cpu: cpuModel() ?? "unknown", cores: info.activeProcessorCount,
                                  memoryGiB: (memory * 10).rounded() / 10, os: operatingSystem())
    }

    private static func cpuModel() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    private static func operatingSystem() -> String {
        if let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
                return line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return ProcessInfo.processInfo.operatingSystemVersionString
    }
}

import EUSCore
import EUSRender
import Foundation

/// The software that produced a result, for the report's reproducibility section.
///
/// The Swift version is the compiler's that built this binary (`#if compiler`). OpenBLAS and
/// Cairo are asked at run time for their own version strings (`GEMM.configuration`,
/// `Canvas.cairoVersion`), so the record names the libraries that actually ran.
public struct SoftwareVersions: Codable, Equatable, Sendable {
    public var swift: String
    public var openblas: String
    public var cairo: String
    public var eusReport: String

    enum CodingKeys: String, CodingKey {
        case swift, openblas, cairo, eusReport = "eus_report"
    }

    /// This process's versions.
    public static var current: SoftwareVersions {
        SoftwareVersions(swift: compilerVersion,
                         openblas: GEMM.configuration.trimmingCharacters(in: .whitespacesAndNewlines),
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

/// The machine a result was computed on: CPU model, cores, memory and operating system.
public struct MachineDescription: Codable, Equatable, Sendable {
    public var cpu: String
    public var cores: Int
    public var memoryGiB: Double
    public var os: String

    enum CodingKeys: String, CodingKey {
        case cpu, cores, memoryGiB = "memory_gib", os
    }

    public static var current: MachineDescription {
        let info = ProcessInfo.processInfo
        let memory = Double(info.physicalMemory) / 1_073_741_824
        return MachineDescription(cpu: cpuModel() ?? "unknown", cores: info.activeProcessorCount,
                                  memoryGiB: (memory * 10).rounded() / 10, os: operatingSystem())
    }

    /// One line: "Intel(R) Xeon(R) ..., 2 cores, 24.0 GiB, Debian GNU/Linux 12".
    public var summary: String {
        "\(cpu), \(cores) cores, \(String(format: "%.1f", memoryGiB)) GiB, \(os)"
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

import Foundation
import EUSSupport

/// torchvision's ImageNet-pretrained ResNet weights, found where torchvision's own download
/// puts them (`torch.hub.get_dir()/checkpoints`). EUSReport downloads nothing: when the file
/// is absent, the error names the file, its URL and the folder to put it in.
///
/// The weights were trained on inputs normalised with ImageNet's mean (0.485, 0.456, 0.406)
/// and std (0.229, 0.224, 0.225), which is what `Preprocessing` always applies, so fine-tuning
/// sees inputs scaled as the weights expect.
public enum ImageNetWeights {
    /// torchvision's file names per architecture, preferred first: ResNet-50's
    /// IMAGENET1K_V2 (torchvision's default) before IMAGENET1K_V1.
    public static func fileNames(for arch: Architecture) -> [String] {
        switch arch {
        case .resnet18: ["resnet18-f37072fd.pth"]
        case .resnet34: ["resnet34-b627a593.pth"]
        case .resnet50: ["resnet50-11ad3fa6.pth", "resnet50-0676ba61.pth"]
        }
    }

    public static let downloadBase = "https://download.pytorch.org/models/"

    /// Where torch keeps hub checkpoints: `$TORCH_HOME/hub/checkpoints` when TORCH_HOME is set,
    /// then `$XDG_CACHE_HOME/torch/hub/checkpoints` when that is set, then
    /// `~/.cache/torch/hub/checkpoints`.
    public static func folders(environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        var roots: [String] = []
        if let torchHome = environment["TORCH_HOME"], !torchHome.isEmpty { roots.append(torchHome) }
        if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty { roots.append(cache + "/torch") }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        roots.append(home + "/.cache/torch")
        var seen = Set<String>()
        return roots.map { URL(fileURLWithPath: $0).appendingPathComponent("hub/checkpoints").standardizedFileURL }
            .filter { seen.insert($0.path).inserted }
    }

    /// The first of `fileNames(for:)` found in `folders`, or an error saying which file to
    /// download from where and where to put it.
    public static func locate(_ arch: Architecture, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        let folders = folders(environment: environment)
        let names = fileNames(for: arch)
        for name in names {
            for folder in folders {
                let url = folder.appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: url.path) { return url }
            }
        }
        let wanted = names[0]
        let searched = folders.map(\.path).joined(separator: " and ")
        throw UserError("--init imagenet: torchvision's ImageNet weights for \(arch.rawValue) (\(names.joined(separator: " or "))) are not in \(searched); download \(downloadBase)\(wanted) and put it in \(folders[0].path)/ (EUSReport downloads nothing)")
    }

    /// Whether `url` names one of torchvision's ImageNet files (however it was found).
    public static func isImageNetFile(_ url: URL) -> Bool {
        Architecture.allCases.contains { fileNames(for: $0).contains(url.lastPathComponent) }
    }
}

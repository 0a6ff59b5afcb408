// swift-tools-version:6.0
//
// EUSReport: ResNet-34 vs ResNet-50 for GIST vs leiomyoma on endoscopic ultrasound,
// with the statistics, Grad-CAM and the report that a diagnostic-accuracy paper needs.
//
// The data flow, top to bottom (see README.md, "Design"):
//   EUSData ─► EUSModels (on EUSCore) ─► EUSGradCAM ─► EUSStats ─► EUSRender ─► EUSReport
//   EUSPipeline strings the steps together; `eus-report` is a thin CLI over it.

import PackageDescription

let package = Package(
    name: "EUSReport",
    products: [
        .executable(name: "eus-report", targets: ["eus-report"]),
        .library(name: "EUSReportKit", targets: ["EUSPipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        // MARK: - C shims (one Swift file imports each)

        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo"),
        .target(
            name: "CImageIO",
            path: "Sources/CImageIO",
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg")]
        ),

        // MARK: - Support: errors, CSV, atomic output, progress, JSON

        .target(name: "EUSSupport"),

        // MARK: - Network core: tensors, GEMM, layers (forward and backward side by side)

        .target(name: "EUSCore", dependencies: ["COpenBLAS", "EUSSupport"], swiftSettings: optimised),

        // MARK: - ResNet builders, checkpoints (safetensors), optimisers

        .target(name: "EUSModels", dependencies: ["EUSCore", "EUSSupport"], swiftSettings: optimised),

        // MARK: - Data: decoding, preprocessing, augmentation, datasets, split, phantom

        .target(name: "EUSData", dependencies: ["EUSSupport", "CImageIO", "CCairo"], swiftSettings: optimised),

        // MARK: - Statistics

        .target(name: "EUSStats", dependencies: ["EUSSupport"]),

        // MARK: - Grad-CAM

        .target(name: "EUSGradCAM", dependencies: ["EUSModels", "EUSRender", "EUSData", "EUSSupport"], swiftSettings: optimised),

        // MARK: - Rendering (Cairo canvas, plots, colormaps, overlays)

        .target(name: "EUSRender", dependencies: ["EUSSupport", "EUSData", "CCairo"]),

        // MARK: - Report (templates/ + figures + PDF)

        .target(
            name: "EUSReport",
            dependencies: [
                "EUSStats", "EUSRender", "EUSData",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),

        // MARK: - Pipeline: train, predict, evaluate, run, demo

        .target(
            name: "EUSPipeline",
            dependencies: ["EUSModels", "EUSData", "EUSGradCAM", "EUSStats", "EUSReport"]
        ),

        // MARK: - Command-line tool

        .executableTarget(
            name: "eus-report",
            dependencies: [
                "EUSPipeline", "EUSModels", "EUSData", "EUSStats", "EUSGradCAM", "EUSReport", "EUSSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Tests

        /// The PyTorch reference networks, shared by the engine and Grad-CAM tests.
        .target(name: "ReferenceNetworks", dependencies: ["EUSModels"], path: "Tests/ReferenceNetworks",
                resources: [.copy("resnet")]),
        .testTarget(name: "EUSCoreTests", dependencies: ["EUSCore"]),
        .testTarget(name: "EUSModelsTests", dependencies: ["EUSModels", "ReferenceNetworks"]),
        .testTarget(name: "EUSDataTests", dependencies: ["EUSData"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EUSStatsTests", dependencies: ["EUSStats"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EUSGradCAMTests", dependencies: ["EUSGradCAM", "EUSRender", "EUSData", "EUSSupport", "EUSModels", "EUSCore",
                                                     "ReferenceNetworks"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EUSRenderTests", dependencies: ["EUSRender"]),
        .testTarget(name: "EUSReportTests", dependencies: ["EUSReport", "EUSRender", "EUSStats", "EUSData", "EUSSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EUSCLITests", dependencies: ["eus-report", "EUSPipeline"]),
    ],
    swiftLanguageModes: [.v5]
)

// MARK: - Settings

/// The numeric targets are optimised even in the debug build that `swift test` makes: the
/// parity tests run whole (narrow) ResNets, and unoptimised loops would make CI crawl.
/// They are built for the CPU that builds them, as llm.c's Makefile does (-march=native): the
/// vector loops (Winograd transforms, BatchNorm, pooling) then use AVX2 where there is one.
/// EUSReport is built where it runs (`swift run`), and LLVM does not fuse multiply-adds
/// unasked, so the results do not change with the CPU. `unsafeFlags` is allowed here because
/// EUSReport is always the root package.
var optimised: [SwiftSetting] { [.unsafeFlags(["-O", "-target-cpu", "native"])] }

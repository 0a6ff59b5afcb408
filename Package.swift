// swift-tools-version:6.0
//
// EUSReport: ResNet-34 vs ResNet-50 for GIST vs leiomyoma on endoscopic ultrasound,
// with the statistics, Grad-CAM and the report that a diagnostic-accuracy paper needs.
//
// The modules, bottom to top (see README.md, "Design"; a test holds this file, the README's
// table and every `import` to the same order): a module imports only modules below it.
//   EUSSupport, EUSImage, EUSCore, EUSModels, EUSData, EUSGradCAM, EUSStats, EUSRender,
//   EUSReport, EUSPipeline (the steps strung together), eus-report (a thin CLI over it).

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
        /// oneDNN's sgemm, the default GEMM engine (Debian's libdnnl-dev).
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo"),
        .target(
            name: "CImageIO",
            path: "Sources/CImageIO",
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg")]
        ),
        /// DICOM through DCMTK (C++, behind a C API); Debian's libdcmtk-dev.
        .target(
            name: "CDICOM",
            path: "Sources/CDICOM",
            cxxSettings: [.unsafeFlags(["-I/usr/include/dcmtk"])],
            linkerSettings: ["dcmjpeg", "ijg8", "ijg12", "ijg16", "dcmimage", "dcmimgle", "dcmdata", "oflog", "ofstd"].map { .linkedLibrary($0) }
        ),

        // MARK: - Support: errors, CSV, atomic output, progress, JSON

        .target(name: "EUSSupport"),

        // MARK: - Images: RGB, gray and heat maps, PNG/JPEG codecs, resizing, the pixel budget

        .target(name: "EUSImage", dependencies: ["EUSSupport", "CImageIO", "CDICOM"], swiftSettings: optimised),

        // MARK: - Network core: tensors, GEMM, layers (forward and backward side by side)

        .target(name: "EUSCore", dependencies: ["COpenBLAS", "CDNNL"], swiftSettings: optimised),

        // MARK: - ResNet builders, checkpoints (safetensors), optimisers

        .target(name: "EUSModels", dependencies: ["EUSCore", "EUSSupport"], swiftSettings: optimised),

        // MARK: - Data: preprocessing, augmentation, datasets, split, phantom

        .target(name: "EUSData", dependencies: ["EUSSupport", "EUSImage"], swiftSettings: optimised),

        // MARK: - Statistics

        .target(name: "EUSStats", dependencies: ["EUSSupport"]),

        // MARK: - Grad-CAM

        .target(name: "EUSGradCAM", dependencies: ["EUSSupport", "EUSImage", "EUSCore", "EUSModels"], swiftSettings: optimised),

        // MARK: - Rendering (Cairo canvas, plots, colormaps, overlays, contact sheets)

        .target(name: "EUSRender", dependencies: ["EUSSupport", "EUSImage", "CCairo"]),

        // MARK: - Report (templates/ + figures + PDF)

        .target(
            name: "EUSReport",
            dependencies: [
                "EUSSupport", "EUSImage", "EUSStats", "EUSRender",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),

        // MARK: - Pipeline: train, predict, evaluate, run, demo

        .target(
            name: "EUSPipeline",
            dependencies: ["EUSSupport", "EUSImage", "EUSCore", "EUSModels", "EUSData", "EUSGradCAM", "EUSStats",
                           "EUSRender", "EUSReport"]
        ),

        // MARK: - Command-line tool

        .executableTarget(
            name: "eus-report",
            dependencies: [
                "EUSSupport", "EUSImage", "EUSCore", "EUSModels", "EUSData", "EUSGradCAM", "EUSStats", "EUSReport",
                "EUSPipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Tests

        /// The PyTorch reference networks, shared by the engine and Grad-CAM tests.
        .target(name: "ReferenceNetworks", dependencies: ["EUSCore", "EUSModels"], path: "Tests/ReferenceNetworks",
                resources: [.copy("resnet")]),
        /// zlib's inflate, for tests that search PDF streams and PNG text chunks.
        .systemLibrary(name: "CZlib", path: "Tests/CZlib"),
        /// `.npy` fixtures, closeness checks, scratch folders: helpers shared by several test targets.
        .target(name: "TestHelpers", dependencies: ["EUSGradCAM", "EUSImage"], path: "Tests/TestHelpers"),
        .testTarget(name: "EUSSupportTests", dependencies: ["EUSSupport"]),
        .testTarget(name: "EUSImageTests", dependencies: ["EUSImage", "EUSSupport", "TestHelpers", "EUSGradCAM"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "EUSCoreTests", dependencies: ["EUSCore", "EUSSupport"]),
        .testTarget(name: "EUSModelsTests", dependencies: ["EUSModels", "EUSCore", "EUSSupport", "ReferenceNetworks"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "EUSDataTests", dependencies: ["EUSData", "EUSImage", "EUSSupport", "TestHelpers"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EUSStatsTests", dependencies: ["EUSStats", "EUSSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EUSGradCAMTests", dependencies: ["EUSGradCAM", "EUSImage", "EUSSupport", "EUSModels", "EUSCore",
                                                     "ReferenceNetworks", "TestHelpers"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EUSRenderTests", dependencies: ["EUSRender", "EUSImage", "TestHelpers", "EUSGradCAM"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "EUSReportTests", dependencies: ["EUSReport", "EUSRender", "EUSStats", "EUSImage", "EUSSupport"], resources: [.copy("Fixtures")]),
        /// README.md's module table, Package.swift and the imports in Sources/ agree, and point down.
        .testTarget(name: "LayeringTests"),
        .testTarget(name: "EUSCLITests", dependencies: ["eus-report", "CZlib", "EUSPipeline", "EUSReport", "EUSModels", "EUSData", "EUSImage", "EUSGradCAM", "EUSRender",
                                                  "EUSStats", "EUSSupport"],
                    resources: [.copy("Fixtures")]),
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

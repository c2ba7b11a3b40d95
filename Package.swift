// swift-tools-version:6.0
// Candor — forensic analysis of recorded remote interviews. See README.md.
import PackageDescription

let package = Package(
    name: "Candor",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "candor", targets: ["candor"]),
        .library(name: "CandorMedia", targets: ["CandorMedia"]),
        .library(name: "CandorDSP", targets: ["CandorDSP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The scan store (`candor scan`): SQLite through GRDB (system libsqlite3).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // System libraries: the only place C headers appear.
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [
                .apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswresample-dev", "libswscale-dev"]),
                .brew(["ffmpeg"]),
            ]
        ),
        .systemLibrary(
            name: "CSndFile",
            pkgConfig: "sndfile",
            providers: [.apt(["libsndfile1-dev"]), .brew(["libsndfile"])]
        ),
        // The only module that calls C decoding APIs.
        .target(name: "CandorMedia", dependencies: ["CFFmpeg", "CSndFile"]),
        // Signal processing: FFT (the one C call, libavutil/tx.h), features, pitch, speech activity.
        .target(name: "CandorDSP", dependencies: ["CFFmpeg"]),
        // Event logs: candor.events/1 and importers for real platform formats.
        .target(name: "CandorEvents"),
        // The report model (candor.report/1), thresholds, and the text/JSON/HTML renderers.
        .target(name: "CandorReport"),
        // One file per detector: features + events -> DetectorResult.
        .target(name: "CandorDetectors", dependencies: ["CandorDSP", "CandorEvents", "CandorReport"]),
        // The pipeline that wires decoding, features, events and detectors into a Report.
        .target(name: "CandorPipeline", dependencies: ["CandorMedia", "CandorDSP", "CandorEvents", "CandorReport", "CandorDetectors"]),
        // `candor scan`: archive discovery, child-process workers, the store and cross-recording links.
        .target(name: "CandorScan", dependencies: [
            "CandorPipeline", "CandorReport", "CandorDetectors", "CandorEvents", "CFFmpeg",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // The thin command-line front end.
        .executableTarget(
            name: "candor",
            dependencies: [
                "CandorMedia",
                "CandorDSP",
                "CandorReport",
                "CandorEvents",
                "CandorDetectors",
                "CandorPipeline",
                "CandorScan",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets (running ffmpeg and the built binary).
        .target(name: "CandorTestSupport", dependencies: ["CandorMedia"], path: "Tests/CandorTestSupport"),
        .testTarget(name: "CandorMediaTests", dependencies: ["CandorMedia", "CandorTestSupport"]),
        .testTarget(name: "CandorDSPTests", dependencies: ["CandorDSP", "CandorMedia", "CandorTestSupport"]),
        .testTarget(name: "CandorReportTests", dependencies: ["CandorReport", "CandorTestSupport"]),
        .testTarget(name: "CandorDetectorsTests", dependencies: ["CandorDetectors", "CandorTestSupport"]),
        .testTarget(name: "CandorEventsTests", dependencies: ["CandorEvents", "CandorTestSupport"]),
        .testTarget(name: "CandorPipelineTests", dependencies: ["CandorPipeline", "CandorReport", "CandorTestSupport"]),
        .testTarget(name: "CandorScanTests", dependencies: ["CandorScan", "CandorTestSupport"]),
        .testTarget(name: "CandorCLITests", dependencies: ["candor", "CandorMedia", "CandorTestSupport"]),
    ]
)

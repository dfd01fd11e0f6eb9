// swift-tools-version: 6.1
import PackageDescription

let strictSwift6: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "camhub",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "camhub", targets: ["camhub"]),
        .library(name: "CamHubServer", targets: ["CamHubServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        // Already in the graph through Hummingbird; named so the MJPEG fan-out can write to channels.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.25.0"),
        // Already in the graph through Hummingbird; named for the node secret on relayed WebSockets.
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.4.0"),
    ],
    targets: [
        // Domain types, the frame hub, configuration and repository protocols. No web framework, no database.
        .target(
            name: "CamHubCore",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSwift6
        ),
        // libjpeg-turbo through its TurboJPEG API (Debian: libturbojpeg0-dev).
        .systemLibrary(
            name: "CTurboJPEG",
            pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]
        ),
        // Video4Linux2's structs and ioctl numbers (Debian: linux-libc-dev). Headers only.
        .systemLibrary(name: "CV4L2", providers: [.apt(["linux-libc-dev"])]),
        // Frame sources (test pattern, folder, HTTP MJPEG, ffmpeg, V4L2), the JPEG codec, the cameras' supervisor.
        .target(
            name: "CamHubCapture",
            dependencies: [
                "CamHubCore", "CTurboJPEG", "CV4L2",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        // The repositories' backends, one folder each: SQLite (GRDB) and PostgreSQL (postgres-nio),
        // chosen by `database.url`.
        .target(
            name: "CamHubStorage",
            dependencies: [
                "CamHubCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSwift6
        ),
        // Motion: the detector on small luminance frames (background, threshold, regions, masks, zones), events, and the
        // service that runs it on the cameras that ask, storing their events.
        .target(
            name: "CamHubMotion",
            dependencies: [
                "CamHubCore", "CamHubCapture",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        // Webhooks: the outbox every event goes through (persisted, retried with backoff), signed POSTs.
        .target(
            name: "CamHubWebhooks",
            dependencies: [
                "CamHubCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        // The motion benchmark (bench/motion.py builds it in release): CPU per analysed frame.
        .executableTarget(name: "motion-bench", dependencies: ["CamHubMotion", "CamHubCapture", "CamHubCore"], swiftSettings: strictSwift6),
        // Engine.IO v4 and Socket.IO v5: codecs, sessions, rooms. No transport: the server feeds it packets.
        // It uses Core's JSON writer only.
        .target(name: "CamHubSocketIO", dependencies: ["CamHubCore"], swiftSettings: strictSwift6),
        // Seed 002's domain: LPR detections and health reports (one validation path for Socket.IO and
        // REST), their group-committed writer, the image blobs, and the Socket.IO event handler.
        .target(
            name: "CamHubLPR",
            dependencies: [
                "CamHubCore", "CamHubSocketIO",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        // Seed 003's domain: the push protocol's framing (a pure codec), camera tokens, the counters.
        .target(
            name: "CamHubPush",
            dependencies: [
                "CamHubCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSwift6
        ),
        // Several hubs on one database as one site: this hub's membership, the leases on the cameras
        // it captures, the relays of cameras others capture, frames handed to their owner.
        .target(
            name: "CamHubCluster",
            dependencies: [
                "CamHubCore", "CamHubCapture",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        // Vision-language models (OpenAI-compatible chat completions) and the work queue in front of them.
        .target(
            name: "CamHubAnalysis",
            dependencies: [
                "CamHubCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSwift6
        ),
        // `camhub agent`: the camera side of seed 000 (register, heartbeat, send frames, obey commands).
        .target(
            name: "CamHubAgent",
            dependencies: [
                "CamHubCore", "CamHubCapture",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        // The HTTP application: controllers, delivery (MJPEG, snapshots), metrics, the web page.
        .target(
            name: "CamHubServer",
            dependencies: [
                "CamHubCore", "CamHubCapture", "CamHubStorage", "CamHubAnalysis", "CamHubSocketIO", "CamHubLPR", "CamHubPush", "CamHubCluster", "CamHubMotion",
                "CamHubWebhooks",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: strictSwift6
        ),
        // The thin executable: argument parsing only.
        .executableTarget(
            name: "camhub",
            dependencies: [
                "CamHubServer", "CamHubCore", "CamHubAgent", "CamHubCapture", "CamHubStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(name: "CamHubCoreTests", dependencies: ["CamHubCore"], swiftSettings: strictSwift6),
        .testTarget(name: "CamHubSocketIOTests", dependencies: ["CamHubSocketIO"], swiftSettings: strictSwift6),
        .testTarget(name: "CamHubCaptureTests", dependencies: ["CamHubCapture", "CamHubCore"], swiftSettings: strictSwift6),
        .testTarget(
            name: "CamHubAnalysisTests",
            dependencies: ["CamHubAnalysis", "CamHubCore", .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: strictSwift6
        ),
        .testTarget(name: "CamHubAgentTests", dependencies: ["CamHubAgent", "CamHubCore", "CamHubCapture"], swiftSettings: strictSwift6),
        .testTarget(
            name: "CamHubLPRTests",
            dependencies: [
                "CamHubLPR", "CamHubCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "CamHubMotionTests", dependencies: ["CamHubMotion", "CamHubCore", "CamHubCapture", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSwift6
        ),
        // The byte parsers fuzzed with mutated real-client inputs (Tests/Fuzz/corpus), for a time budget.
        .testTarget(
            name: "CamHubFuzzTests",
            dependencies: [
                "CamHubServer", "CamHubCore", "CamHubPush", "CamHubSocketIO", "CamHubCapture",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "CamHubWebhooksTests", dependencies: ["CamHubWebhooks", "CamHubCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSwift6
        ),
        .testTarget(name: "CamHubPushTests", dependencies: ["CamHubPush", "CamHubCore"], swiftSettings: strictSwift6),
        .testTarget(
            name: "CamHubClusterTests",
            dependencies: ["CamHubCluster", "CamHubCore", "CamHubCapture", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "CamHubStorageTests",
            dependencies: ["CamHubStorage", "CamHubCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "CamHubServerTests",
            dependencies: [
                "CamHubServer", "CamHubCore", "CamHubStorage", "CamHubAnalysis", "CamHubCapture", "CamHubPush",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: strictSwift6
        ),
    ],
    swiftLanguageModes: [.v6]
)

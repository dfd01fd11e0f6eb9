import Foundation

extension HubConfiguration {
    /// Checks every value; the first bad one is thrown, naming its key.
    public func validate() throws(ConfigurationError) {
        try check(!server.host.isEmpty, "server.host", "must not be empty")
        try check((1...65535).contains(server.port), "server.port", "must be between 1 and 65535, got \(server.port)")
        if let url = server.publicURL {
            try check(url.hasPrefix("http://") || url.hasPrefix("https://"), "server.public_url", "must start with http:// or https://")
        }
        try check(
            (1024...1_073_741_824).contains(server.maxBodyBytes), "server.max_body_bytes",
            "must be between 1024 and 1073741824, got \(server.maxBodyBytes)"
        )
        for (key, value, range) in [
            ("server.header_timeout_seconds", server.headerTimeoutSeconds, 1...3600),
            ("server.idle_timeout_seconds", server.idleTimeoutSeconds, 1...86_400),
            ("server.max_connections", server.maxConnections, 0...10_000_000),
            ("server.max_connections_per_address", server.maxConnectionsPerAddress, 1...10_000_000),
            ("server.stalled_viewer_seconds", server.stalledViewerSeconds, 1...3600),
            ("server.websocket_ping_seconds", server.webSocketPingSeconds, 1...3600),
        ] {
            try check(range.contains(value), key, "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        if let problem = server.tls.problem { try check(false, problem.key, problem.message) }
        for (index, origin) in server.corsOrigins.enumerated() {
            try check(
                origin == "*" || OriginRules.isOrigin(origin), "server.cors_origins[\(index)]",
                "must be * or scheme://host[:port] with no path, got '\(origin)'"
            )
        }
        for (index, host) in server.trustedHosts.enumerated() {
            try check(OriginRules.isHostPattern(host), "server.trusted_hosts[\(index)]", "must be *, a host name, or *.domain, got '\(host)'")
        }
        for (index, proxy) in server.trustedProxies.enumerated() {
            try check(AddressRange(proxy) != nil, "server.trusted_proxies[\(index)]", "must be an IP address or a CIDR range such as 10.0.0.0/8, got '\(proxy)'")
        }
        if let url = cluster.advertiseURL {
            try check(url.hasPrefix("http://") || url.hasPrefix("https://"), "cluster.advertise_url", "must start with http:// or https://")
        }
        try check((2...300).contains(cluster.leaseSeconds), "cluster.lease_seconds", "must be between 2 and 300, got \(cluster.leaseSeconds)")
        do {
            _ = try DatabaseLocation(parsing: database.url)
        } catch {
            throw ConfigurationError(key: "database.url", error.description)
        }
        try check(
            LoggingSettings.levels.contains(logging.level), "logging.level",
            "must be one of \(LoggingSettings.levels.joined(separator: ", ")), got '\(logging.level)'"
        )
        try check(
            logging.maxBytes == 0 || (65536...1_073_741_824).contains(logging.maxBytes), "logging.max_bytes",
            "must be 0 (never rotate) or between 65536 and 1073741824, got \(logging.maxBytes)"
        )
        try check((0...100).contains(logging.keep), "logging.keep", "must be between 0 and 100, got \(logging.keep)")
        try check((1...120).contains(hub.ringSize), "hub.ring_size", "must be between 1 and 120, got \(hub.ringSize)")
        try check(
            (1024...268_435_456).contains(hub.maxFrameBytes), "hub.max_frame_bytes",
            "must be between 1024 and 268435456, got \(hub.maxFrameBytes)"
        )
        try check((5...86_400).contains(hub.inactiveAfter), "hub.inactive_after", "must be between 5 and 86400 seconds, got \(hub.inactiveAfter)")
        if let token = registration.token {
            try check(token.count >= 8, "registration.token", "must be at least 8 characters when set")
        }
        if let secret = push.secret {
            try check(secret.utf8.count >= 16, "push.secret", "must be at least 16 characters when set")
        }
        if let secret = push.legacySecret {
            try check(!secret.isEmpty, "push.legacy_secret", "must not be empty when set")
        }
        if let token = lpr.token {
            try check(token.count >= 8, "lpr.token", "must be at least 8 characters when set")
        }
        try check((1...3600).contains(lpr.pingIntervalSeconds), "lpr.ping_interval_seconds", "must be between 1 and 3600, got \(lpr.pingIntervalSeconds)")
        try check((1...3600).contains(lpr.pingTimeoutSeconds), "lpr.ping_timeout_seconds", "must be between 1 and 3600, got \(lpr.pingTimeoutSeconds)")
        try check(
            (1024...268_435_456).contains(lpr.maxPayloadBytes), "lpr.max_payload_bytes",
            "must be between 1024 and 268435456, got \(lpr.maxPayloadBytes)"
        )
        if let url = vlm.url {
            try check(url.hasPrefix("http://") || url.hasPrefix("https://"), "vlm.url", "must start with http:// or https://")
            try check(!(vlm.model ?? "").isEmpty, "vlm.model", "is required when vlm.url is set")
        }
        try check((1...600).contains(vlm.timeoutSeconds), "vlm.timeout_seconds", "must be between 1 and 600, got \(vlm.timeoutSeconds)")
        try check((1...64).contains(vlm.maxConcurrency), "vlm.max_concurrency", "must be between 1 and 64, got \(vlm.maxConcurrency)")
        try check((1...2000).contains(vlm.captionPrompt.count), "vlm.caption_prompt", "must be 1 to 2000 characters")
        let highCPU = policy.highCPU
        try check((1...100).contains(highCPU.cpuPercent), "policy.high_cpu.cpu_percent", "must be between 1 and 100, got \(highCPU.cpuPercent)")
        try check((1...3600).contains(highCPU.intervalSeconds), "policy.high_cpu.interval_seconds", "must be between 1 and 3600, got \(highCPU.intervalSeconds)")
        try check((1...60).contains(highCPU.minFPS), "policy.high_cpu.min_fps", "must be between 1 and 60, got \(highCPU.minFPS)")
        try check((0...86_400).contains(highCPU.cooldownSeconds), "policy.high_cpu.cooldown_seconds", "must be between 0 and 86400, got \(highCPU.cooldownSeconds)")
        try check((1...30).contains(motion.fps), "motion.fps", "must be between 1 and 30 analysed frames a second, got \(motion.fps)")
        if let problem = motion.defaults.problem(key: "motion") { throw ConfigurationError(key: problem.key, problem.message) }
        if let problem = events.problem { throw ConfigurationError(key: problem.key, problem.message) }
        if let problem = security.problem { throw ConfigurationError(key: problem.key, problem.message) }
        try check(
            hub.maxPartialBytes >= hub.maxFrameBytes && hub.maxPartialBytes <= 1 << 40, "hub.max_partial_bytes",
            "must be at least hub.max_frame_bytes (\(hub.maxFrameBytes)), got \(hub.maxPartialBytes)"
        )
        for (index, webhook) in webhooks.enumerated() {
            if let problem = webhook.problem(key: "webhooks[\(index)]") { throw ConfigurationError(key: problem.key, problem.message) }
            if let first = webhooks.firstIndex(where: { $0.url == webhook.url }), first < index {
                throw ConfigurationError(key: "webhooks[\(index)].url", "is the same URL as webhooks[\(first)]: give each receiver one entry with all its events")
            }
        }
        var seen = Set<CameraID>()
        for (index, camera) in cameras.enumerated() {
            try camera.validate(key: "cameras[\(index)]")
            if let problem = motionSettings(of: camera).problem(key: "cameras[\(index)].motion") {
                throw ConfigurationError(key: problem.key, problem.message)
            }
            try check(seen.insert(camera.id).inserted, "cameras[\(index)].id", "duplicate id '\(camera.id)'")
        }
    }
}

extension LocalCameraSettings {
    public static let supportedSources = [
        "testpattern", "file:<folder of JPEGs>", "http(s)://<MJPEG stream>", "rtsp(s)://<stream>", "ffmpeg:<input>",
        "/dev/videoN", "v4l2:<device>",
    ]

    public static func isSupported(source: String) -> Bool {
        SourceKind(source) != nil
    }

    /// Checks every setting, naming the first bad one as `<key>.<setting>`.
    public func validate(key: String) throws(ConfigurationError) {
        try check(CameraIDRules.isValid(id), "\(key).id", CameraIDRules.requirement)
        try check((1...100).contains(name.count), "\(key).name", "must be 1 to 100 characters")
        try check(location.count <= 200, "\(key).location", "must be at most 200 characters")
        try check(
            Self.isSupported(source: source), "\(key).source",
            "'\(source)' is not supported; supported: \(Self.supportedSources.joined(separator: ", "))"
        )
        try check((16...7680).contains(width), "\(key).width", "must be between 16 and 7680, got \(width)")
        try check((16...7680).contains(height), "\(key).height", "must be between 16 and 7680, got \(height)")
        try check((1...60).contains(fps), "\(key).fps", "must be between 1 and 60, got \(fps)")
        try check((1...100).contains(jpegQuality), "\(key).jpeg_quality", "must be between 1 and 100, got \(jpegQuality)")
        try check((0.1...3600).contains(reconnectInterval), "\(key).reconnect_interval", "must be between 0.1 and 3600 seconds, got \(reconnectInterval)")
        try check((0...1_000_000).contains(maxReconnectAttempts), "\(key).max_reconnect_attempts", "must be between 0 (forever) and 1000000, got \(maxReconnectAttempts)")
        try check((0...86_400).contains(maxFrameAge), "\(key).max_frame_age", "must be between 0 (off) and 86400 seconds, got \(maxFrameAge)")
    }
}

/// What `server.cors_origins` and `server.trusted_hosts` entries look like.
public enum OriginRules {
    /// `http://host[:port]` or `https://…`, nothing after the authority.
    public static func isOrigin(_ origin: String) -> Bool {
        guard let url = URL(string: origin), let scheme = url.scheme, ["http", "https"].contains(scheme.lowercased()),
            url.host?.isEmpty == false, url.path.isEmpty, url.query == nil, url.user == nil
        else { return false }
        return true
    }

    /// `*`, `name`, `*.domain`: letters, digits, dots, dashes (an IP address is a name too).
    public static func isHostPattern(_ host: String) -> Bool {
        if host == "*" { return true }
        let name = host.hasPrefix("*.") ? String(host.dropFirst(2)) : host
        return !name.isEmpty && name.count <= 253
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "." || $0 == "-" || $0 == ":" }
    }
}

/// What a camera id may look like, wherever it comes from.
public enum CameraIDRules {
    public static let requirement = "must be 1 to 64 characters of letters, digits, '-' and '_'"

    public static func isValid(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x5F
            }
    }
}

private func check(_ condition: Bool, _ key: String, _ message: @autoclosure () -> String) throws(ConfigurationError) {
    if !condition { throw ConfigurationError(key: key, message()) }
}

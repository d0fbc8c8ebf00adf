import DriftlessOperations
import Foundation

/// The stage processes' configuration: a YAML file without secrets (Kafka through the run's proxy, its
/// own topic prefix, the run's PostgreSQL, short retry tiers and sweeps), the same with the poller for
/// the first ingest replica, and the secrets in the environment (never in a file or a log).
enum ChaosConfig {
    /// Writes `driftless.yaml`, `driftless-poller.yaml` and `driftless-reconcile.yaml` (the lease
    /// candidates': the marketplace as their channel, the in-run schedule every
    /// `reconcileInterval`, a short lease and window) into `directory`; returns their paths.
    static func write(
        in directory: URL, settings: ChaosSettings, bootstrap: String, topicPrefix: String, ledgerURL: String,
        marketplaceURL: String
    ) throws -> (plain: String, poller: String, reconcile: String) {
        let tiers = settings.retryTiers.map { "\"\($0)\"" }.joined(separator: ", ")
        let session = Int(settings.sessionTimeout.chaosSeconds * 1000)
        let base = """
            # Written by `driftless chaos` (no secrets: they are in the processes' environment).
            kafka:
              bootstrapServers: "\(bootstrap)"
              topicPrefix: \(topicPrefix)
              partitions: 6
              consumerProperties:
                session.timeout.ms: "\(session)"
                heartbeat.interval.ms: "500"
            ledger:
              url: "\(ledgerURL)"
            dispatch:
              retryTiers: [\(tiers)]
              breakerOpenMs: 1000
              breakerMaxOpenMs: 4000
              viewTtlMs: 5000
              holdSweepIntervalMs: 5000
              holdSweepGraceMs: 20000
            metrics:
              sampleIntervalMs: 1000
            stages:
              maxBatchSize: 500

            """
        let noReconcile = """
            reconcile:
              inRun: false

            """
        // The marketplace orders are stamped 118 s back and getOrders reads up to two minutes before
        // now: a window of 3 minutes holds the last minute's orders.
        let reconcile = """
            reconcile:
              every: "\(Int(settings.reconcileInterval.chaosSeconds))s"
              leaseSeconds: \(Int(settings.reconcileLease.chaosSeconds))
              windowHours: 0.05
              concurrency: 4

            """
        let poller = """
            poller:
              enabled: true
              baseURL: "\(marketplaceURL)"
              pageSize: 100
              intervalSeconds: 1
              initialLookbackSeconds: 7200
              rateLimitPerSecond: 10
              rateLimitBurst: 20
              orderItems: false

            """
        let plain = directory.appendingPathComponent("driftless.yaml").path
        let withPoller = directory.appendingPathComponent("driftless-poller.yaml").path
        let candidates = directory.appendingPathComponent("driftless-reconcile.yaml").path
        try (base + noReconcile).write(toFile: plain, atomically: true, encoding: .utf8)
        try (base + noReconcile + poller).write(toFile: withPoller, atomically: true, encoding: .utf8)
        try (base + reconcile + poller).write(toFile: candidates, atomically: true, encoding: .utf8)
        return (plain, withPoller, candidates)
    }

    /// The processes' environment: this one's without any `DRIFTLESS_*` (nothing of the caller's
    /// deployment leaks in), plus the simulators' URLs and credentials.
    static func environment(world: DemoWorld, settings: ChaosSettings) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DRIFTLESS_") }
        env["DRIFTLESS_SHOPIFY_SECRET"] = world.webhookSecret
        env["DRIFTLESS_ERP_URL"] = world.erp.server.baseURL
        env["DRIFTLESS_ERP_AUTH"] = "oauth2"
        env["DRIFTLESS_ERP_OAUTH2_CLIENT_ID"] = world.oauth2.clientID
        env["DRIFTLESS_ERP_OAUTH2_CERTIFICATE_ID"] = world.oauth2.certificateID
        env["DRIFTLESS_ERP_OAUTH2_PRIVATE_KEY"] = world.oauth2.privateKey.value
        env["DRIFTLESS_ERP_REQUEST_TIMEOUT_MS"] = String(Int(settings.erpRequestTimeout.chaosSeconds * 1000))
        env["DRIFTLESS_ERP_MAX_CONCURRENT_REQUESTS"] = "4"
        env["DRIFTLESS_LWA_TOKEN_URL"] = world.marketplace.tokenURL
        env["DRIFTLESS_LWA_CLIENT_ID"] = world.lwa.clientID
        env["DRIFTLESS_LWA_CLIENT_SECRET"] = world.lwa.clientSecret
        env["DRIFTLESS_LWA_REFRESH_TOKEN"] = world.lwa.refreshToken
        return env
    }
}

import DriftlessOperations
import Foundation
import KafkaCompatProxy
import Pipeline

/// The deployment shape under test: every stage as separate `driftless run --stage …` processes with
/// replicas, one of the ingest replicas also running the marketplace poller, all reaching the broker
/// through the run's own compatibility proxy (so the nemesis can cut it without touching the shared
/// one on 127.0.0.1:19092) and sharing the run's PostgreSQL ledger.
final class ChaosCluster: Sendable {
    /// The proxy child and its listen port (the run's bootstrap server).
    let proxy: ChaosChild
    let proxyPort: Int
    /// Every stage replica, in start order.
    let replicas: [ChaosChild]
    /// The reconciliation lease candidates (`driftless reconcile --schedule --json`; each one's
    /// reports in its `outputPath`).
    let candidates: [ChaosChild]
    /// The run's own Tansu (memory storage, advertising the run's proxy, so every connection goes
    /// through the proxy and stopping the proxy cuts them all); nil: the `--upstream` broker.
    let tansu: ChaosChild?
    let tansuPort: Int?

    /// Builds the children (nothing started yet). `configFile`: the shared YAML; `pollerConfigFile`:
    /// the same plus the poller, for the first ingest replica; `reconcileConfigFile`: the candidates'.
    init(
        settings: ChaosSettings, executable: URL, directory: URL, configFile: String, pollerConfigFile: String,
        reconcileConfigFile: String, environment: [String: String], proxyPort: Int, tansuPort: Int?
    ) {
        self.proxyPort = proxyPort
        self.tansuPort = tansuPort
        if let binary = settings.tansuBinary, let tansuPort {
            tansu = ChaosChild(
                name: "tansu", role: "tansu", executable: URL(fileURLWithPath: binary),
                arguments: [
                    "broker", "--listener-url", "tcp://127.0.0.1:\(tansuPort)", "--advertised-listener-url",
                    "tcp://127.0.0.1:\(proxyPort)", "--storage-engine", "memory://tansu/",
                ],
                environment: environment, logPath: directory.appendingPathComponent("tansu.log").path)
        } else {
            tansu = nil
        }
        let upstream = tansuPort.map { "127.0.0.1:\($0)" } ?? settings.upstream
        proxy = ChaosChild(
            name: "proxy", role: "proxy", executable: executable,
            arguments: [
                "dev-broker", "proxy", "--listen", "127.0.0.1:\(proxyPort)", "--upstream", upstream,
                "--log-level", "warning",
            ],
            environment: environment, logPath: directory.appendingPathComponent("proxy.log").path)
        var replicas: [ChaosChild] = []
        for stage in StageName.allCases {
            for index in 0..<(settings.replicas[stage] ?? 0) {
                let name = "\(stage.rawValue)-\(index)"
                var env = environment
                env["DRIFTLESS_REPLICA"] = name
                let config = stage == .ingest && index == 0 ? pollerConfigFile : configFile
                replicas.append(
                    ChaosChild(
                        name: name, role: stage.rawValue, executable: executable,
                        arguments: [
                            "run", "--stage", stage.rawValue, "--port", "0", "--config", config, "--log-level",
                            settings.logLevel,
                        ],
                        environment: env, logPath: directory.appendingPathComponent("\(name).log").path))
            }
        }
        self.replicas = replicas
        candidates = (0..<settings.reconcileCandidates).map { index in
            let name = "reconcile-\(index)"
            var env = environment
            env["DRIFTLESS_REPLICA"] = name
            return ChaosChild(
                name: name, role: "reconcile", executable: executable,
                arguments: ["reconcile", "--schedule", "--json", "--config", reconcileConfigFile],
                environment: env, logPath: directory.appendingPathComponent("\(name).log").path,
                outputPath: directory.appendingPathComponent("\(name).reports.json").path)
        }
    }

    /// Every child but the broker's: replicas and candidates.
    var workers: [ChaosChild] { replicas + candidates }

    /// The run's bootstrap server.
    var bootstrap: String { "127.0.0.1:\(proxyPort)" }

    /// The replicas of `stage`.
    func replicas(of stage: StageName) -> [ChaosChild] { replicas.filter { $0.role == stage.rawValue } }

    /// Starts the proxy (again) and waits until it accepts connections.
    func startProxy() async throws {
        try proxy.start()
        let deadline = ContinuousClock.now + .seconds(30)
        while !LoopbackPorts.accepts(port: proxyPort) {
            guard ContinuousClock.now < deadline, proxy.isRunning else {
                throw ChaosError("the broker proxy did not start (see \(proxy.logPath))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Starts the proxy, the first ingest replica (it creates the topics), then every other replica;
    /// waits until each printed its start line.
    func start(timeout: Duration) async throws {
        if let tansu, let tansuPort {
            try tansu.start()
            let deadline = ContinuousClock.now + .seconds(30)
            while !LoopbackPorts.accepts(port: tansuPort) {
                guard ContinuousClock.now < deadline, tansu.isRunning else {
                    throw ChaosError("Tansu did not start (see \(tansu.logPath))")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        try await startProxy()
        guard let first = replicas.first else { return }
        try first.start()
        try await waitStarted([first], timeout: timeout)
        for child in replicas.dropFirst() { try child.start() }
        try await waitStarted(Array(replicas.dropFirst()), timeout: timeout)
        for child in candidates { try child.start() }
    }

    /// Waits until every child of `children` printed its start line.
    func waitStarted(_ children: [ChaosChild], timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        for child in children {
            while child.httpPort() == nil {
                guard child.isRunning else {
                    throw ChaosError("\(child.name) exited at start-up (see \(child.logPath))")
                }
                guard ContinuousClock.now < deadline else {
                    throw ChaosError("\(child.name) did not start in time (see \(child.logPath))")
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Webhook URLs of the ingest replicas that run now.
    func webhookURLs() -> [String] {
        replicas(of: .ingest).compactMap { child in
            guard child.isRunning, let port = child.httpPort() else { return nil }
            return "http://127.0.0.1:\(port)/webhooks/shopify"
        }
    }

    /// Restarts every replica that exited without being asked to (as Kubernetes restarts a crashed
    /// container); returns `name: how` of each.
    func restartCrashed() async -> [String] {
        var found: [String] = []
        for child in workers {
            guard let crash = child.takeCrash() else { continue }
            found.append("\(child.name): \(crash)")
            try? child.start()
        }
        return found
    }

    /// Samples every running child's resident set.
    func sampleRSS() {
        for child in workers + [proxy] + (tansu.map { [$0] } ?? []) { child.sampleRSS() }
    }

    /// Peak resident set per stage (the largest of its replicas), in MB.
    func peakRSSByStage() -> [String: Int] {
        var peaks: [String: Int] = [:]
        for child in workers + [proxy] + (tansu.map { [$0] } ?? []) {
            peaks[child.role] = max(peaks[child.role] ?? 0, child.peakRSSKB / 1024)
        }
        return peaks
    }

    /// Stops every replica (gracefully, in parallel), then the proxy and the run's Tansu.
    func stop() async {
        await withTaskGroup(of: Void.self) { group in
            for child in workers { group.addTask { await child.stop() } }
        }
        await proxy.stop()
        await tansu?.stop()
    }
}

/// A chaos run that could not go on.
struct ChaosError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Pipeline
import Simulators

/// The volume runs that used to be tests (issue 26): 5k canonical events through the tests' fault mix
/// (dispatch retrying in place; then dispatch with the retry tiers) and a two-minute ERP outage, each
/// reported as a ratio to the same events dispatched to a healthy ERP in the same run, with what
/// landed (lost and duplicated effects must be 0). The tests keep the same fault mix at ~1k events
/// and a 10 s outage (`DispatchStageTests`, `RetryStageTests`, `DispatchResilienceTests`).
struct FaultMixSettings: Sendable {
    /// Orders of ten changes each (500: 5k events).
    var orders: Int
    /// Seconds the ERP is down in the outage run.
    var outageSeconds: Int

    static func fromEnvironment() -> FaultMixSettings {
        let environment = ProcessInfo.processInfo.environment
        return FaultMixSettings(
            orders: environment["DRIFTLESS_BENCH_FAULT_ORDERS"].flatMap { Int($0) } ?? 500,
            outageSeconds: environment["DRIFTLESS_BENCH_OUTAGE_SECONDS"].flatMap { Int($0) } ?? 120)
    }
}

/// One run: seconds from publishing until every event was consumed, and what the ERP holds.
struct FaultMixRun: Sendable {
    var name: String
    var seconds: Double
    var consumed: Int
    var events: Int
    var landed: Int
    var expected: Int
    var duplicates: Int
    var statuses: [Int: Int]

    var line: String {
        String(
            format: "%@: %d of %d events in %.1f s; %d of %d effects landed, %d duplicated; ERP answers %@", name,
            consumed, events, seconds, landed, expected, duplicates, "\(statuses.sorted { $0.key < $1.key })")
    }
}

struct FaultMixScenario {
    let settings: FaultMixSettings
    static let token = "bench-erp-token"

    /// The baseline (healthy ERP), the fault mix, the fault mix with the retry tiers, the outage.
    func run() async throws -> [FaultMixRun] {
        let matrix = try MappingMatrix.default
        let events = BenchLifecycle.events(orders: settings.orders, matrix: matrix)
        let expected = BenchLifecycle.effects(events).map(\.count).reduce(0, +)
        var runs: [FaultMixRun] = []
        runs.append(try await dispatch("healthy", events, expected: expected) { _ in })
        runs.append(
            try await dispatch("fault mix", events, expected: expected) { faults in
                faults.unavailableRatio = 0.20
                faults.throttledRatio = 0.05
                faults.retryAfterSeconds = 1
                faults.stallRatio = 0.003
                faults.lostAnswerRatio = 0.003
                faults.resetRatio = 0.003
                faults.stall = .seconds(4)
            })
        runs.append(
            try await dispatch("fault mix, retry tiers", events, expected: expected, tiers: true) { faults in
                faults.unavailableRatio = 0.2
                faults.throttledRatio = 0.1
                faults.retryAfterSeconds = 1
            })
        let outage = Double(settings.outageSeconds)
        runs.append(
            try await dispatch("outage \(settings.outageSeconds) s", events, expected: expected) { faults in
                faults.latency = .milliseconds(2)
                faults.outageUntil = Date().addingTimeInterval(outage)
            })
        return runs
    }

    /// Dispatch (and, with `tiers`, the retry stage with a ladder longer than the faults) on a fresh
    /// mock cluster, ledger and ERP simulator whose faults `configure` sets.
    private func dispatch(
        _ name: String, _ events: [[CanonicalEvent]], expected: Int, tiers: Bool = false,
        configure: (inout ERPFaults.Settings) -> Void
    ) async throws -> FaultMixRun {
        var quiet = Logger(label: "bench.faults")
        quiet.logLevel = .error
        let erp = try await ERPSimulator.start(faults: ERPFaults(seed: 5), token: Self.token, logger: quiet)
        erp.faults.update(configure)
        let cluster = try MockCluster(brokers: 1)
        let topics = PipelineTopics(prefix: "bench-faults-\(UInt32.random(in: 0...UInt32.max))")
        var policy = DispatchPolicy()
        policy.maxAttempts = tiers ? 2 : 30
        policy.retryTiers = ["500ms", "1s", "2s", "4s", "8s", "16s"].compactMap(RetryTier.init)
        if tiers {
            policy.breakerConsecutiveFailures = 1_000
            policy.breakerWindow = 1_000_000
        }
        for topic in topics.allTopics(tiers: policy.retryTiers) { try cluster.createTopic(topic, partitions: 6) }
        let kafka = KafkaConfig(bootstrapServers: cluster.bootstrapServers)
            .merging(["session.timeout.ms": "6000", "heartbeat.interval.ms": "500"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("driftless-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try await Ledger.open(url: "sqlite://" + directory.appendingPathComponent("ledger.db").path)
        guard let parking = ledger as? any ParkingStore else {
            throw LedgerError.invalidArgument("the benchmark's ledger cannot park events")
        }
        let writer = AuditWriter(store: ledger)
        let producer = try KafkaProducer(config: KafkaConfig(bootstrapServers: cluster.bootstrapServers))
        let erpConfiguration = ERPConfiguration(
            baseURL: erp.server.baseURL, token: Secret(Self.token), maxConcurrentRequests: 8,
            requestTimeout: .seconds(2))
        let stage = try DispatchStage(
            kafka: kafka, topics: topics, erp: erpConfiguration, policy: policy, sink: producer,
            audit: LedgerAuditSink(writer: writer), parking: parking, logger: quiet)
        let retry =
            tiers
            ? try RetryStage(
                kafka: kafka, topics: topics, erp: erpConfiguration, policy: policy, sink: producer,
                audit: LedgerAuditSink(writer: writer), parking: parking, logger: quiet) : nil
        let running = Task { await stage.run() }
        let retrying = Task { await retry?.run() }
        var records: [ProducerRecord] = []
        let longest = events.map(\.count).max() ?? 0
        for step in 0..<longest {
            for order in events where step < order.count {
                records.append(try BenchLifecycle.record(order[step], topic: topics.canonical))
            }
        }
        let started = ContinuousClock.now
        _ = try await producer.send(records)
        // Until every event is consumed and every effect landed, or nothing moved for two minutes.
        var last = (-1, -1)
        var movedAt = ContinuousClock.now
        while true {
            let now = (stage.counters.snapshot.consumed, await erp.store.appliedWrites)
            if now.0 >= records.count, now.1 >= expected { break }
            if now != last {
                last = now
                movedAt = ContinuousClock.now
            } else if ContinuousClock.now - movedAt > .seconds(120) {
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let elapsed = ContinuousClock.now - started
        stage.stop()
        retry?.stop()
        await running.value
        await retrying.value
        let run = FaultMixRun(
            name: name, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            consumed: stage.counters.snapshot.consumed, events: records.count,
            landed: await erp.store.appliedWrites, expected: expected, duplicates: await erp.store.duplicateEffects,
            statuses: erp.statusCounts)
        _ = await writer.shutdown()
        await ledger.close()
        await producer.close()
        await erp.stop()
        withExtendedLifetime(cluster) {}
        return run
    }
}

extension FaultMixScenario {
    /// Per faulty run: its throughput as a ratio to the healthy run's (×1000, so the integer metric
    /// keeps three digits), and effects lost and duplicated (both must be 0).
    static let metricNames = [
        "fault_mix_vs_healthy_permille", "fault_mix_tiers_vs_healthy_permille", "outage_vs_healthy_permille",
        "lost_effects", "duplicated_effects",
    ]

    static func metricValues(_ runs: [FaultMixRun]) -> [(String, Int)] {
        guard let healthy = runs.first, healthy.seconds > 0 else { return [] }
        func ratio(_ run: FaultMixRun) -> Int { Int(healthy.seconds / max(run.seconds, 0.001) * 1000) }
        var values: [(String, Int)] = []
        for (run, name) in zip(runs.dropFirst(), metricNames) { values.append((name, ratio(run))) }
        values.append(("lost_effects", runs.map { max(0, $0.expected - $0.landed + $0.duplicates) }.reduce(0, +)))
        values.append(("duplicated_effects", runs.map(\.duplicates).reduce(0, +)))
        return values
    }
}

import AsyncHTTPClient
import BenchmarkSupport
import Foundation
import Kafka
import Logging
import NIOCore
import Pipeline
import PipelineHTTP
import Simulators

/// The three phases of the pipeline benchmark (see `PipelineBenchmarks.swift`).
struct PipelineScenario {
    let settings: PipelineSettings
    static let secret = "bench-secret"

    func run() async throws -> PipelineReport {
        var mock: MockCluster?
        let bootstrap: String
        if let configured = settings.bootstrap {
            bootstrap = configured
        } else {
            let cluster = try MockCluster(brokers: 1)
            mock = cluster
            bootstrap = cluster.bootstrapServers
        }
        var logger = Logger(label: "bench.pipeline")
        logger.logLevel = .warning
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("driftless-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var configuration = PipelineConfiguration()
        configuration.bootstrapServers = bootstrap
        configuration.consumerProperties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]
        if mock != nil, settings.mockFetchWaitMilliseconds > 0 {
            // librdkafka's mock cluster answers a Fetch that finds no data only after the full
            // fetch.wait.max.ms (100 ms by the Kafka layer's default) and does not cut the wait short
            // when records arrive, as Kafka and Tansu do; translate reads a topic validate is still
            // filling, so every caught-up partition cost it up to 100 ms (see Benchmarks/README.md).
            configuration.consumerProperties["fetch.wait.max.ms"] = String(settings.mockFetchWaitMilliseconds)
        }
        configuration.topicPrefix = "bench-\(UInt32.random(in: 0...UInt32.max))"
        configuration.partitions = settings.partitions
        configuration.ledgerURL = "sqlite://" + directory.appendingPathComponent("ledger.db").path
        configuration.ingestPort = 0
        configuration.shopifySecret = Secret(Self.secret)
        configuration.replica = "bench"

        let store = StorefrontStore(seed: 7)
        let deliveries = try await StorefrontScenario.lifecycles(store: store, orders: settings.orders, seed: 7)
        let valueBytes = deliveries.map(\.body.count).reduce(0, +) / max(1, deliveries.count)
        var report = PipelineReport(
            broker: settings.bootstrap == nil ? "mock cluster" : "independent (\(bootstrap))",
            records: deliveries.count, averageBytes: valueBytes, concurrency: settings.concurrency)

        // 1. Ingest.
        let ingest = try await PipelineRuntime.start(
            configuration: configuration, stages: [.ingest], mockCluster: mock, logger: logger)
        let load = try await WebhookLoad.run(
            deliveries, url: "http://127.0.0.1:\(ingest.httpPort)/webhooks/shopify", secret: Self.secret,
            concurrency: settings.concurrency)
        try await ingest.shutdown()
        report.ingest = load

        // 2. C passthrough of as many records of the same size: one hop, then two hops chained; each
        // `settings.cRuns` times (the median run is the baseline: a run of 10k records is short and noisy).
        let source = "\(configuration.topicPrefix).c-source"
        try await createTopics([source], bootstrap: bootstrap, mock: mock)
        for run in 0..<settings.cRuns {
            let destination = "\(configuration.topicPrefix).c-destination-\(run)"
            try await createTopics([destination], bootstrap: bootstrap, mock: mock)
            report.cPassthroughRuns.append(
                run == 0
                    ? try await PipelineCBaseline.passthrough(
                        bootstrap: bootstrap, source: source, destination: destination, count: deliveries.count,
                        valueBytes: valueBytes)
                    : try await PipelineCBaseline.passthroughOnly(
                        bootstrap: bootstrap, source: source, destination: destination, count: deliveries.count))
        }
        for run in 0..<settings.cRuns {
            let hops = (
                "\(configuration.topicPrefix).c-chain-\(run)-0", "\(configuration.topicPrefix).c-chain-\(run)-1",
                "\(configuration.topicPrefix).c-chain-\(run)-2"
            )
            try await createTopics([hops.0, hops.1, hops.2], bootstrap: bootstrap, mock: mock)
            report.cChainRuns.append(
                try await PipelineCBaseline.chain(
                    bootstrap: bootstrap, topics: hops, count: deliveries.count, valueBytes: valueBytes,
                    fetchWaitMilliseconds: mock != nil && settings.mockFetchWaitMilliseconds > 0
                        ? settings.mockFetchWaitMilliseconds : nil))
        }

        // 3. Validate + translate over the raw topic ingest filled.
        let cpuBefore = ProcessCPU.seconds()
        let stages = try await PipelineRuntime.start(
            configuration: configuration, stages: [.validate, .translate], mockCluster: mock, logger: logger)
        let started = ContinuousClock.now
        var firstRecord: ContinuousClock.Instant?
        var cpuAtFirstRecord = cpuBefore
        let expected = load.accepted
        let deadline = started + .seconds(600)
        while ContinuousClock.now < deadline {
            let validated = stages.validate?.counters.snapshot.consumed ?? 0
            if firstRecord == nil, validated > 0 {
                firstRecord = ContinuousClock.now
                cpuAtFirstRecord = ProcessCPU.seconds()
            }
            if settings.trace, let first = firstRecord {
                let v = stages.validate?.counters.snapshot
                let t = stages.translate?.counters.snapshot
                FileHandle.standardError.write(
                    Data(
                        ("trace +\(Int(seconds(first..<ContinuousClock.now) * 1000)) ms: validate \(v?.consumed ?? 0)/\(v?.batches ?? 0) "
                            + "translate \(t?.consumed ?? 0)/\(t?.batches ?? 0)\n").utf8))
            }
            if (stages.translate?.counters.snapshot.consumed ?? 0) >= expected { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let finished = ContinuousClock.now
        let windowCPU = ProcessCPU.seconds() - cpuAtFirstRecord
        let counts = stages.translate?.counters.snapshot
        try await stages.shutdown()
        let cpu = ProcessCPU.seconds() - cpuBefore
        report.stages = .init(
            records: counts?.consumed ?? 0, seconds: seconds((firstRecord ?? started)..<finished),
            joinSeconds: seconds(started..<(firstRecord ?? started)), translated: counts?.translated ?? 0,
            stale: counts?.stale ?? 0, duplicates: (counts?.duplicates ?? 0) + (counts?.unchanged ?? 0),
            cpuSeconds: cpu,
            windowCPUSeconds: windowCPU)
        return report
    }

    private func createTopics(_ names: [String], bootstrap: String, mock: MockCluster?) async throws {
        if let mock {
            for name in names { try mock.createTopic(name, partitions: settings.partitions) }
        } else {
            let admin = try KafkaAdmin(config: KafkaConfig(bootstrapServers: bootstrap))
            try await admin.createTopics(names.map { TopicSpec(name: $0, partitions: settings.partitions) })
        }
    }
}

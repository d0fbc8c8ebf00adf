import BenchmarkSupport
import Foundation
import Kafka

/// Messages moved and the time it took (first message handled → last delivery report).
struct PhaseTiming: Sendable {
    var messages: Int
    var seconds: Double
    var cpuSeconds: Double = 0

    var perSecond: Double { seconds > 0 ? Double(messages) / seconds : 0 }
    var cpuMicrosecondsPerMessage: Double { messages > 0 ? cpuSeconds * 1e6 / Double(messages) : 0 }
}

/// Runs, on one broker and in this process: C produce, Swift produce, C passthrough, Swift
/// passthrough (ordered, one batch at a time) and Swift passthrough with several batches
/// enqueued and awaiting acks (order-preserving) (each on its own fresh topics, 6 partitions, keys `order-N`; the two Swift passthroughs
/// read the same source topic with different consumer groups).
struct PassthroughScenario {
    let settings: PassthroughSettings

    func run() async throws -> PassthroughReport {
        let mock: MockCluster? = settings.bootstrap == nil ? try MockCluster(brokers: 1) : nil
        let bootstrap = settings.bootstrap ?? mock?.bootstrapServers ?? ""
        // DRIFTLESS_BENCH_SWIFT_PROPERTIES=k=v,k=v: extra librdkafka properties for the Swift
        // clients only (experiments; the summary then compares different settings).
        let extra = Dictionary(
            (ProcessInfo.processInfo.environment["DRIFTLESS_BENCH_SWIFT_PROPERTIES"] ?? "")
                .split(separator: ",").compactMap { pair -> (String, String)? in
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    return parts.count == 2 ? (parts[0], parts[1]) : nil
                },
            uniquingKeysWith: { $1 })
        let config = KafkaConfig(bootstrapServers: bootstrap, extra)
        let consumerConfig = KafkaConfig(
            bootstrapServers: bootstrap,
            extra.merging(["session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]) { current, _ in current }
        )
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let topics = ["c-src", "c-dst", "swift-src", "swift-dst", "swift-dst-overlapped"].map { "bench-\(run)-\($0)" }
        if let mock {
            for topic in topics { try mock.createTopic(topic, partitions: settings.partitions) }
        } else {
            let admin = try KafkaAdmin(config: config)
            try await admin.createTopics(topics.map { TopicSpec(name: $0, partitions: settings.partitions) })
        }
        let count = settings.messages
        let timeout = settings.timeoutSeconds
        // Phases left out (DRIFTLESS_BENCH_PHASES, e.g. for profiling one of them) report zeros.
        func phase(_ name: String, _ body: () async throws -> PhaseTiming) async throws -> PhaseTiming {
            guard settings.phases?.contains(name) ?? true else { return PhaseTiming(messages: 0, seconds: 0) }
            return try await measured(body)
        }

        let cProduce = try await phase("c-produce") {
            try await CBaseline.produce(
                bootstrap: bootstrap, topic: topics[0], count: count, valueBytes: settings.valueBytes)
        }
        let swiftProduce = try await phase("swift-produce") {
            try await SwiftPassthrough.produce(
                config: config, topic: topics[2], count: count, valueBytes: settings.valueBytes,
                chunksInFlight: settings.batchesInFlight)
        }
        let cPassthrough = try await phase("c-passthrough") {
            try await CBaseline.passthrough(
                bootstrap: bootstrap, source: topics[0], destination: topics[1],
                group: "bench-\(run)-c", count: count, timeoutSeconds: timeout
            )
        }
        let swiftPassthrough = try await phase("swift-passthrough") {
            try await SwiftPassthrough.passthrough(
                config: config, consumerConfig: consumerConfig, source: topics[2], destination: topics[3],
                group: "bench-\(run)-swift", count: count, batchSize: settings.batchSize, batchesInFlight: 1,
                bufferCapacity: settings.bufferCapacity,
                timeout: .seconds(Int64(timeout))
            )
        }
        let swiftOverlapped = try await phase("swift-overlapped") {
            try await SwiftPassthrough.passthrough(
                config: config, consumerConfig: consumerConfig, source: topics[2], destination: topics[4],
                group: "bench-\(run)-swift-overlapped", count: count, batchSize: settings.batchSize,
                batchesInFlight: settings.batchesInFlight, bufferCapacity: settings.bufferCapacity,
                timeout: .seconds(Int64(timeout))
            )
        }
        return PassthroughReport(
            broker: settings.bootstrap.map { "independent broker at \($0)" } ?? "librdkafka mock cluster (in process)",
            settings: settings,
            cProduce: cProduce,
            swiftProduce: swiftProduce,
            cPassthrough: cPassthrough,
            swiftPassthrough: swiftPassthrough,
            swiftOverlapped: swiftOverlapped
        )
    }

    /// Runs a phase and adds the process CPU time (user + system, all threads) it used.
    private func measured(_ phase: () async throws -> PhaseTiming) async throws -> PhaseTiming {
        let before = ProcessCPU.seconds()
        var timing = try await phase()
        timing.cpuSeconds = ProcessCPU.seconds() - before
        return timing
    }
}

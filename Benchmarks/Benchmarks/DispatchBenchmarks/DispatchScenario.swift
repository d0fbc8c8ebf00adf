import AsyncHTTPClient
import BenchmarkSupport
import Foundation
import Kafka
import Ledger
import Logging
import NIOCore
import NIOHTTP1
import OrderModel
import Pipeline
import Simulators

struct DispatchSettings: Sendable {
    var orders0: Int
    var orders50: Int
    var concurrency: Int
    var pipelineOrders: Int
    var pipelineRate: Int

    static func fromEnvironment() -> DispatchSettings {
        let environment = BenchEnvironment()
        return DispatchSettings(
            orders0: environment.number("DRIFTLESS_BENCH_DISPATCH_ORDERS", 300),
            orders50: environment.number("DRIFTLESS_BENCH_DISPATCH_ORDERS_50MS", 60),
            concurrency: environment.number("DRIFTLESS_BENCH_DISPATCH_CONCURRENCY", 8),
            pipelineOrders: environment.number("DRIFTLESS_BENCH_PIPELINE_ERP_ORDERS", 10_000),
            pipelineRate: environment.number("DRIFTLESS_BENCH_PIPELINE_ERP_RATE", 2_000))
    }
}

/// For each latency: the plain loop, then dispatch (each on a fresh simulator), same requests.
struct DispatchScenario {
    let settings: DispatchSettings
    static let token = "bench-erp-token"

    func run() async throws -> DispatchReport {
        var report = DispatchReport(concurrency: settings.concurrency)
        let matrix = try MappingMatrix.default
        for (latency, orders) in [(0, settings.orders0), (50, settings.orders50)] {
            let events = BenchLifecycle.events(orders: orders, matrix: matrix)
            let effects = BenchLifecycle.effects(events)
            let total = effects.map(\.count).reduce(0, +)
            let baseline = try await plainLoop(effects, latency: latency)
            let dispatched = try await dispatch(events, effects: total, latency: latency)
            report.rounds.append(
                DispatchRound(
                    latencyMilliseconds: latency, orders: orders, events: events.map(\.count).reduce(0, +),
                    effects: total, baselinePerSecond: Double(total) / baseline,
                    dispatchPerSecond: Double(total) / dispatched))
        }
        if settings.pipelineOrders > 0 {
            report.pipeline = try await PipelineToERP.run(
                orders: settings.pipelineOrders, rate: Double(settings.pipelineRate))
        }
        return report
    }

    private func simulator(latency: Int) async throws -> ERPSimulator {
        var quiet = Logger(label: "bench.erp")
        quiet.logLevel = .warning
        let erp = try await ERPSimulator.start(token: Self.token, logger: quiet)
        erp.faults.update { $0.latency = .milliseconds(latency) }
        return erp
    }

    /// `concurrency` workers, each taking the next order and making its requests one after another:
    /// a read of the sales order, then every upsert with the body dispatch sends. Seconds taken.
    private func plainLoop(_ effects: [[ERPEffect]], latency: Int) async throws -> Double {
        let erp = try await simulator(latency: latency)
        let base = erp.server.baseURL + "/services/rest/record/v1"
        let next = OrderCursor(count: effects.count)
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<settings.concurrency {
                group.addTask {
                    while let index = await next.take() {
                        var salesOrderID: String?
                        if let first = effects[index].first {
                            let eid = ERPEffect.externalID(
                                "so", first.orderKey.channel.rawValue, first.orderKey.orderID)
                            _ = try await Self.send(.GET, "\(base)/salesOrder/eid:\(eid)", body: nil)
                        }
                        for effect in effects[index] {
                            let location = try await Self.send(
                                .PUT, "\(base)/\(effect.record.rawValue)/eid:\(effect.externalID)",
                                body: Self.body(effect, salesOrderID: salesOrderID))
                            if effect.kind == .salesOrderStatus, let id = location?.split(separator: "/").last {
                                salesOrderID = String(id)
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        await erp.stop()
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private static func send(_ method: HTTPMethod, _ url: String, body: Data?) async throws -> String? {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 4 << 20)
        return response.headers.first(name: "Location")
    }

    private static func body(_ effect: ERPEffect, salesOrderID: String?) -> Data {
        var body: [String: Any] = [:]
        if effect.kind == .salesOrderStatus {
            if let status = effect.status { body["status"] = ["id": status.rawValue] }
            body["otherRefNum"] = effect.orderKey.orderID
            body["custbody_driftless_version"] = String(effect.version)
            body["memo"] = "driftless \(effect.orderKey)"
        } else {
            body["createdFrom"] = ["id": salesOrderID ?? ""]
            if let reference = effect.paymentReference { body["paymentTransactionId"] = reference }
            if !effect.trackingNumbers.isEmpty { body["trackingNumbers"] = effect.trackingNumbers }
            if let refund = effect.refundID { body["refundId"] = refund }
        }
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
    }

    /// The dispatch stage on the mock cluster: from publishing the canonical records until all are
    /// acknowledged. Seconds taken.
    private func dispatch(_ events: [[CanonicalEvent]], effects: Int, latency: Int) async throws -> Double {
        let erp = try await simulator(latency: latency)
        let cluster = try MockCluster(brokers: 1)
        let topics = PipelineTopics(prefix: "bench-dispatch-\(UInt32.random(in: 0...UInt32.max))")
        for topic in topics.stageTopics { try cluster.createTopic(topic, partitions: 6) }
        let kafka = KafkaConfig(bootstrapServers: cluster.bootstrapServers)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("driftless-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try await Ledger.open(url: "sqlite://" + directory.appendingPathComponent("ledger.db").path)
        guard let parking = ledger as? any ParkingStore else {
            throw LedgerError.invalidArgument("the benchmark's ledger cannot park events")
        }
        let writer = AuditWriter(store: ledger)
        let producer = try KafkaProducer(config: kafka)
        var logger = Logger(label: "bench.dispatch")
        logger.logLevel = .warning
        let stage = try DispatchStage(
            kafka: kafka.merging(["session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]), topics: topics,
            erp: ERPConfiguration(
                baseURL: erp.server.baseURL, token: Secret(Self.token), maxConcurrentRequests: settings.concurrency),
            sink: producer, audit: LedgerAuditSink(writer: writer), parking: parking, logger: logger)
        let running = Task { await stage.run() }
        while stage.consumerStatistics.assignedPartitions == 0 { try await Task.sleep(for: .milliseconds(20)) }
        // Interleaved across orders, each order's changes in order (as translate's partitions hold them).
        var records: [ProducerRecord] = []
        let longest = events.map(\.count).max() ?? 0
        for step in 0..<longest {
            for order in events where step < order.count {
                records.append(try BenchLifecycle.record(order[step], topic: topics.canonical))
            }
        }
        let started = ContinuousClock.now
        _ = try await producer.send(records)
        while stage.counters.snapshot.consumed < records.count { try await Task.sleep(for: .milliseconds(5)) }
        let elapsed = ContinuousClock.now - started
        stage.stop()
        await running.value
        let landed = await erp.store.appliedWrites
        if landed != effects {
            FileHandle.standardError.write(
                Data("dispatch benchmark: \(landed) writes landed, expected \(effects)\n".utf8))
        }
        _ = await writer.shutdown()
        await ledger.close()
        await producer.close()
        await erp.stop()
        withExtendedLifetime(cluster) {}
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// Hands out order indices to the plain loop's workers.
actor OrderCursor {
    private var next = 0
    private let count: Int

    init(count: Int) { self.count = count }

    func take() -> Int? {
        guard next < count else { return nil }
        defer { next += 1 }
        return next
    }
}

import AsyncHTTPClient
import BenchmarkSupport
import Foundation
import Logging
import NIOCore
import OrderModel
import Pipeline
import PipelineHTTP
import Simulators
import Synchronization

/// The whole embedded pipeline (ingest → validate → translate → dispatch, mock cluster, SQLite
/// ledger) into the ERP simulator: one order-creation webhook per order, sent at a steady `rate`
/// per second; per order the latency from sending its webhook to the ERP applying its sales order.
enum PipelineToERP {
    struct Result: Sendable {
        var orders = 0
        var landed = 0
        var offeredRate = 0.0
        /// The rate the webhooks were actually sent (accepted) at.
        var sentRate = 0.0
        var throughput = 0.0
        var p50 = 0.0
        var p99 = 0.0
    }

    static let secret = "bench-secret"
    static let token = "bench-erp-token"

    static func run(orders: Int, rate: Double) async throws -> Result {
        var quiet = Logger(label: "bench.pipeline-erp")
        quiet.logLevel = .warning
        let erp = try await ERPSimulator.start(token: token, logger: quiet)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("driftless-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = PipelineConfiguration()
        configuration.consumerProperties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]
        configuration.topicPrefix = "bench-erp-\(UInt32.random(in: 0...UInt32.max))"
        configuration.ledgerURL = "sqlite://" + directory.appendingPathComponent("ledger.db").path
        configuration.ingestPort = 0
        configuration.shopifySecret = Secret(secret)
        configuration.replica = "bench"
        configuration.erp = ERPConfiguration(
            baseURL: erp.server.baseURL, token: Secret(token), maxConcurrentRequests: 8)
        let runtime = try await PipelineRuntime.start(configuration: configuration, logger: quiet)

        // One creation webhook per order (the first of each simulated lifecycle).
        let store = StorefrontStore(seed: 11)
        let lifecycles = try await StorefrontScenario.lifecycles(store: store, orders: orders, seed: 11)
        var firsts: [Int64: WebhookDelivery] = [:]
        for delivery in lifecycles where firsts[delivery.orderID] == nil { firsts[delivery.orderID] = delivery }
        let deliveries = Array(firsts.values).sorted { $0.orderID < $1.orderID }
        let signer = WebhookSigner(secret: secret)
        let url = "http://127.0.0.1:\(runtime.httpPort)/webhooks/shopify"
        let sent = SentTimes()
        let started = ContinuousClock.now
        let wallStart = Date()
        let interval = 1.0 / rate
        // Open loop: enough senders (and pooled connections) that answers never hold the schedule back.
        let senders = max(64, Int(rate / 8))
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: senders)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        await withTaskGroup(of: Void.self) { group in
            for sender in 0..<senders {
                group.addTask {
                    var index = sender
                    while index < deliveries.count {
                        let due = started + .milliseconds(Int64(Double(index) * interval * 1000))
                        try? await Task.sleep(until: due, clock: .continuous)
                        let delivery = deliveries[index]
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.headers.add(name: ShopifyHeader.topic, value: delivery.topic)
                        request.headers.add(name: ShopifyHeader.hmac, value: signer.signature(for: delivery.body))
                        request.headers.add(name: ShopifyHeader.shopDomain, value: "bench.myshopify.com")
                        request.headers.add(name: ShopifyHeader.webhookID, value: delivery.webhookID)
                        request.body = .bytes(ByteBuffer(bytes: delivery.body))
                        let at = Date()
                        if let response = try? await client.execute(request, timeout: .seconds(10)) {
                            _ = try? await response.body.collect(upTo: 1 << 16)
                            if response.status.code == 200 { sent.record(delivery.orderID, at) }
                        }
                        index += senders
                    }
                }
            }
        }
        let sendSeconds = Date().timeIntervalSince(wallStart)
        try await client.shutdown()
        let accepted = sent.snapshot
        // Wait until every accepted order has its sales order (or 120 s without progress).
        var lastCount = -1
        var idleSince = ContinuousClock.now
        var firstWrite: [String: Date] = [:]
        while true {
            let log = await erp.store.writeLog
            firstWrite = [:]
            for entry in log where entry.type == .salesOrder {
                guard let eid = entry.externalId, firstWrite[eid] == nil else { continue }
                firstWrite[eid] = entry.time
            }
            if firstWrite.count >= accepted.count { break }
            if firstWrite.count != lastCount {
                lastCount = firstWrite.count
                idleSince = .now
            } else if ContinuousClock.now - idleSince > .seconds(120) {
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        try await runtime.shutdown()
        await erp.stop()
        var latencies: [Double] = []
        var lastLanding = wallStart
        for (orderID, at) in accepted {
            let eid = ERPEffect.externalID("so", "shopify", String(orderID))
            guard let landed = firstWrite[eid] else { continue }
            latencies.append(landed.timeIntervalSince(at))
            lastLanding = max(lastLanding, landed)
        }
        latencies.sort()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        let span = lastLanding.timeIntervalSince(wallStart)
        return Result(
            orders: deliveries.count, landed: latencies.count, offeredRate: rate,
            sentRate: sendSeconds > 0 ? Double(accepted.count) / sendSeconds : 0,
            throughput: span > 0 ? Double(latencies.count) / span : 0, p50: percentile(0.5), p99: percentile(0.99))
    }
}

/// When each order's webhook was accepted.
final class SentTimes: Sendable {
    private let times = Mutex([Int64: Date]())

    func record(_ order: Int64, _ at: Date) { times.withLock { $0[order] = at } }

    var snapshot: [Int64: Date] { times.withLock { $0 } }
}

import AsyncHTTPClient
import BenchmarkSupport
import Foundation
import NIOCore
import Simulators
import Synchronization

/// Fires signed webhooks at the ingest endpoint from `concurrency` parallel senders over loopback,
/// timing each request (which returns only after Kafka acknowledged the record).
enum WebhookLoad {
    struct Result: Sendable {
        var accepted = 0
        var failed = 0
        var seconds = 0.0
        var p50 = 0.0
        var p99 = 0.0
        var rate: Double { seconds > 0 ? Double(accepted) / seconds : 0 }
    }

    static func run(
        _ deliveries: [WebhookDelivery], url: String, secret: String, concurrency: Int
    ) async throws -> Result {
        let signer = WebhookSigner(secret: secret)
        let requests = deliveries.map { delivery -> HTTPClientRequest in
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: ShopifyHeader.topic, value: delivery.topic)
            request.headers.add(name: ShopifyHeader.hmac, value: signer.signature(for: delivery.body))
            request.headers.add(name: ShopifyHeader.shopDomain, value: "bench.myshopify.com")
            request.headers.add(name: ShopifyHeader.apiVersion, value: "2024-10")
            request.headers.add(name: ShopifyHeader.webhookID, value: delivery.webhookID)
            request.headers.add(name: ShopifyHeader.eventID, value: delivery.eventID)
            request.body = .bytes(ByteBuffer(bytes: delivery.body))
            return request
        }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let shared = LoadState()
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while true {
                        let index = shared.next()
                        guard index < requests.count else { return }
                        let begin = ContinuousClock.now
                        var ok = false
                        if let response = try? await client.execute(requests[index], timeout: .seconds(10)) {
                            _ = try? await response.body.collect(upTo: 1 << 16)
                            ok = response.status.code == 200
                        }
                        let elapsed = seconds(begin..<ContinuousClock.now)
                        shared.record(ok ? elapsed : nil)
                    }
                }
            }
        }
        let total = seconds(started..<ContinuousClock.now)
        try await client.shutdown()
        let (latencies, failed) = shared.results()
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        return Result(
            accepted: sorted.count, failed: failed, seconds: total,
            p50: percentile(0.50), p99: percentile(0.99))
    }
}

/// The senders' shared cursor and results.
private final class LoadState: Sendable {
    private let state = Mutex((next: 0, latencies: [Double](), failed: 0))

    func next() -> Int {
        state.withLock { value in
            defer { value.next += 1 }
            return value.next
        }
    }

    func record(_ latency: Double?) {
        state.withLock { value in
            if let latency { value.latencies.append(latency) } else { value.failed += 1 }
        }
    }

    func results() -> ([Double], Int) {
        state.withLock { ($0.latencies, $0.failed) }
    }
}

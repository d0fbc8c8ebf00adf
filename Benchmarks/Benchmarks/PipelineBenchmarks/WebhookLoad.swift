import AsyncHTTPClient
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
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let next = Mutex(0)
        let latencies = Mutex<[Double]>([])
        let failures = Mutex(0)
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while true {
                        let index = next.withLock { value -> Int in
                            defer { value += 1 }
                            return value
                        }
                        guard index < requests.count else { return }
                        let begin = ContinuousClock.now
                        var ok = false
                        if let response = try? await client.execute(requests[index], timeout: .seconds(10)) {
                            _ = try? await response.body.collect(upTo: 1 << 16)
                            ok = response.status.code == 200
                        }
                        let elapsed = seconds(begin..<ContinuousClock.now)
                        if ok { latencies.withLock { $0.append(elapsed) } } else { failures.withLock { $0 += 1 } }
                    }
                }
            }
        }
        let total = seconds(started..<ContinuousClock.now)
        try await client.shutdown()
        let sorted = latencies.withLock { $0 }.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        return Result(
            accepted: sorted.count, failed: failures.withLock { $0 }, seconds: total,
            p50: percentile(0.50), p99: percentile(0.99))
    }
}

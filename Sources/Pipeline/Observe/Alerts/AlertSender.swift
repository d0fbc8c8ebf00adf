import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Posts one notice to one destination under its ``OutboundCallPolicy``: retried on 429 (after
/// `Retry-After`, clamped to `maxRetryAfter`), on 408, 5xx and transport failures (exponential
/// back-off), up to `maxAttempts`.
/// The URL never appears in a log line or an error.
struct AlertSender: Sendable {
    /// How one delivery ended.
    enum Outcome: Sendable, Equatable {
        /// A 2xx; `attempts` it took.
        case delivered(status: Int, attempts: Int)
        /// Refused for good (other 4xx) or out of attempts; the last status if any.
        case failed(status: Int?, attempts: Int, detail: String)
        /// Stopped before it was delivered.
        case cancelled
    }

    var client: HTTPClient
    var maxAttempts = 8
    var initialBackoff: Duration = .milliseconds(500)
    var maxRetryAfter: Duration = .seconds(300)
    var requestTimeout: Duration = .seconds(10)
    var logger: Logger

    /// The call policy: every attempt counts, `maxAttempts` in all; a 429 waits its `Retry-After`
    /// (at most `maxRetryAfter`), other waits double from `initialBackoff` up to a minute.
    var policy: OutboundCallPolicy {
        OutboundCallPolicy(
            attemptTimeout: requestTimeout, maxAttempts: max(1, maxAttempts),
            backoff: OutboundBackoff(initial: initialBackoff, maximum: .seconds(60)),
            waits: .zero...max(.zero, maxRetryAfter), refreshesCredentialOnce: false)
    }

    /// One attempt: the answer's status and `Retry-After`, or why there was none.
    private enum Attempt {
        case answered(status: Int, retryAfter: String?)
        case transport(String)
    }

    func send(_ notice: AlertNotice, to destination: AlertDestination) async -> Outcome {
        let body = destination.body(for: notice)
        var lastStatus: Int?
        let call = OutboundCall<Attempt>(policy: policy)
        let ending = try? await call.run(
            attempt: { _ in
                var request = HTTPClientRequest(url: destination.url.value)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: body))
                do {
                    let response = try await client.execute(request, timeout: requestTimeout.timeAmount)
                    _ = try? await response.body.collect(upTo: 64 * 1024)
                    lastStatus = Int(response.status.code)
                    return .answered(
                        status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"))
                } catch {
                    return .transport("transport: \(type(of: error))")
                }
            },
            classify: { attempt in
                switch attempt {
                case .answered(let status, _) where (200..<300).contains(status): .success
                case .answered(429, let retryAfter):
                    // Clamped by the policy, once: `1e17`, `nan` or a date in 9999 cannot trap.
                    .failed(.init(throttled: true, retryAfter: retryAfter.flatMap { RetryAfter.seconds($0) }))
                case .answered(let status, _) where status >= 500 || status == 408: .failed(.init())
                case .answered: .refused
                case .transport: .failed(.init())
                }
            },
            onRetry: { wait, _, attempt in
                logger.warning(
                    "alert delivery failed, retrying",
                    metadata: [
                        "destination": "\(destination.kind.rawValue)", "rule": "\(notice.rule.rawValue)",
                        "answer": "\(Self.detail(attempt))", "retry-in": "\(wait)",
                    ])
            })
        guard let ending, let last = ending.last else { return .cancelled }
        switch (ending.gaveUp, last) {
        case (nil, .answered(let status, _)): return .delivered(status: status, attempts: ending.stats.attempts)
        case (.refused?, .answered(let status, _)):
            return .failed(status: status, attempts: ending.stats.attempts, detail: Self.detail(last))
        case (.attemptsExhausted?, _):
            return .failed(status: lastStatus, attempts: ending.stats.attempts, detail: Self.detail(last))
        default: return .cancelled
        }
    }

    private static func detail(_ attempt: Attempt) -> String {
        switch attempt {
        case .answered(let status, _): "HTTP \(status)"
        case .transport(let detail): detail
        }
    }
}

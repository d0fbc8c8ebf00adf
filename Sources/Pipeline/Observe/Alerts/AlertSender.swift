import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Posts one notice to one destination: retried on 429 (after `Retry-After`, clamped to
/// `maxRetryAfter`), on 5xx and on transport failures (exponential back-off), up to `maxAttempts`.
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

    func send(_ notice: AlertNotice, to destination: AlertDestination) async -> Outcome {
        let body = destination.body(for: notice)
        var backoff = initialBackoff
        var lastStatus: Int?
        var detail = ""
        for attempt in 1...max(1, maxAttempts) {
            if Task.isCancelled { return .cancelled }
            var request = HTTPClientRequest(url: destination.url.value)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
            var wait = backoff
            do {
                let response = try await client.execute(request, timeout: requestTimeout.timeAmount)
                _ = try? await response.body.collect(upTo: 64 * 1024)
                let status = Int(response.status.code)
                lastStatus = status
                if (200..<300).contains(status) { return .delivered(status: status, attempts: attempt) }
                detail = "HTTP \(status)"
                if status == 429 {
                    if let text = response.headers.first(name: "Retry-After") {
                        // Clamped before it becomes a Duration: `1e17`, `nan` or a date in 9999 cannot trap.
                        wait = DurationSeconds.clamped(
                            RetryAfter.seconds(text), to: .zero...max(.zero, maxRetryAfter), otherwise: backoff)
                    }
                } else if status < 500 && status != 408 {
                    return .failed(status: status, attempts: attempt, detail: detail)
                }
            } catch {
                detail = "transport: \(type(of: error))"
            }
            logger.warning(
                "alert delivery failed, retrying",
                metadata: [
                    "destination": "\(destination.kind.rawValue)", "rule": "\(notice.rule.rawValue)",
                    "attempt": "\(attempt)", "answer": "\(detail)", "retry-in": "\(wait)",
                ])
            guard attempt < maxAttempts else { break }
            do {
                try await Task.sleep(for: wait)
            } catch {
                return .cancelled
            }
            backoff = min(backoff * 2, .seconds(60))
        }
        return .failed(status: lastStatus, attempts: maxAttempts, detail: detail)
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP attempt with AsyncHTTPClient: the request sent within the policy's per-attempt deadline
/// (``OutboundCallPolicy/attemptTimeout``), the answer's body read up to a limit. Transport failures
/// (timeouts, refused or reset connections) are thrown for the caller to classify.
struct HTTPAttempt: Sendable {
    /// An answer: status, headers and body.
    struct Answer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: ByteBuffer

        var isSuccess: Bool { (200..<300).contains(status) }

        /// The body as text, at most `limit` characters (for an error's detail).
        func text(prefix limit: Int) -> String { String(String(buffer: body).prefix(limit)) }

        /// The `Retry-After` header in seconds (delta-seconds or an HTTP-date), nil when absent or unusable.
        func retryAfter(now: Date = Date()) -> Double? {
            headers.first(name: "Retry-After").flatMap { RetryAfter.seconds($0, now: now) }
        }
    }

    let client: HTTPClient
    let timeout: Duration
    /// The most body bytes read.
    let maxBody: Int

    /// Sends `request` once.
    func send(_ request: HTTPClientRequest) async throws -> Answer {
        let response = try await client.execute(request, timeout: timeout.timeAmount)
        let body = try await response.body.collect(upTo: maxBody)
        return Answer(status: Int(response.status.code), headers: response.headers, body: body)
    }
}

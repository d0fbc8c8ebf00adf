import CKafkaBaseline
import Foundation

/// Runs a call of the C baseline (blocking librdkafka calls) on a dedicated thread, never on
/// Swift's cooperative pool, and turns its error into a Swift error.
public enum CBaselineRunner {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `body` on a thread named `name`; throws ``Failure`` with the C side's message when it failed.
    public static func run(_ name: String, _ body: @escaping @Sendable () -> kb_result) async throws -> kb_result {
        let result: kb_result = await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = name
            thread.start()
        }
        guard result.error == 0 else {
            let message = withUnsafeBytes(of: result.message) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            throw Failure(description: "\(name): \(message)")
        }
        return result
    }
}

import CKafkaBaseline
import Foundation

/// Runs the C baseline (blocking librdkafka calls) on a dedicated thread, never on Swift's
/// cooperative pool.
enum CBaseline {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func produce(bootstrap: String, topic: String, count: Int, valueBytes: Int) async throws -> PhaseTiming {
        try await onThread("c-produce") {
            var result = kb_result()
            kb_produce(bootstrap, topic, count, Int32(valueBytes), &result)
            return result
        }
    }

    static func passthrough(
        bootstrap: String, source: String, destination: String, group: String, count: Int, timeoutSeconds: Int32
    ) async throws -> PhaseTiming {
        try await onThread("c-passthrough") {
            var result = kb_result()
            kb_passthrough(bootstrap, source, destination, group, count, timeoutSeconds, &result)
            return result
        }
    }

    private static func onThread(_ name: String, _ body: @escaping @Sendable () -> kb_result) async throws -> PhaseTiming {
        let result: kb_result = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: body())
            }
            thread.name = name
            thread.start()
        }
        guard result.error == 0 else {
            let message = withUnsafeBytes(of: result.message) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            throw Failure(description: "\(name): \(message)")
        }
        return PhaseTiming(messages: result.messages, seconds: result.seconds)
    }
}

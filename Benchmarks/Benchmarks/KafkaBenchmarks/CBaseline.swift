import BenchmarkSupport
import CKafkaBaseline
import Foundation

/// Runs the C baseline (blocking librdkafka calls) on a dedicated thread, never on Swift's
/// cooperative pool.
enum CBaseline {
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

    private static func onThread(_ name: String, _ body: @escaping @Sendable () -> kb_result) async throws
        -> PhaseTiming
    {
        let result = try await CBaselineRunner.run(name, body)
        return PhaseTiming(messages: result.messages, seconds: result.seconds)
    }
}

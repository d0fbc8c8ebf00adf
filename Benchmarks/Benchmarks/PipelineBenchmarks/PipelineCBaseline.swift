import BenchmarkSupport
import CKafkaBaseline
import Foundation

/// The C baseline (blocking librdkafka calls) on a dedicated thread, never on the cooperative pool.
enum PipelineCBaseline {
    /// Produces `count` records of `valueBytes` to `source`, then times a consume → produce
    /// passthrough to `destination`; returns (messages, seconds) of the passthrough.
    static func passthrough(
        bootstrap: String, source: String, destination: String, count: Int, valueBytes: Int
    ) async throws -> (messages: Int, seconds: Double) {
        _ = try await CBaselineRunner.run("c-produce") {
            var result = kb_result()
            kb_produce(bootstrap, source, count, Int32(valueBytes), &result)
            return result
        }
        let group = "bench-c-\(UInt32.random(in: 0...UInt32.max))"
        let result = try await CBaselineRunner.run("c-passthrough") {
            var result = kb_result()
            kb_passthrough(bootstrap, source, destination, group, count, 300, &result)
            return result
        }
        return (Int(result.messages), result.seconds)
    }
}

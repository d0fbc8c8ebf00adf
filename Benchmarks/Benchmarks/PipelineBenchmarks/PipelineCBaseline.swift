import CKafkaBaseline
import Foundation

/// The C baseline (blocking librdkafka calls) on a dedicated thread, never on the cooperative pool.
enum PipelineCBaseline {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Produces `count` records of `valueBytes` to `source`, then times a consume → produce
    /// passthrough to `destination`; returns (messages, seconds) of the passthrough.
    static func passthrough(
        bootstrap: String, source: String, destination: String, count: Int, valueBytes: Int
    ) async throws -> (messages: Int, seconds: Double) {
        _ = try await onThread("c-produce") {
            var result = kb_result()
            kb_produce(bootstrap, source, count, Int32(valueBytes), &result)
            return result
        }
        let group = "bench-c-\(UInt32.random(in: 0...UInt32.max))"
        let result = try await onThread("c-passthrough") {
            var result = kb_result()
            kb_passthrough(bootstrap, source, destination, group, count, 300, &result)
            return result
        }
        return (Int(result.messages), result.seconds)
    }

    private static func onThread(_ name: String, _ body: @escaping @Sendable () -> kb_result) async throws -> kb_result {
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

import BenchmarkSupport
import CKafkaBaseline
import Foundation

/// The C baselines (blocking librdkafka calls) on dedicated threads, never on the cooperative pool.
enum PipelineCBaseline {
    /// Produces `count` records of `valueBytes` to `source`, then times a consume → produce
    /// passthrough to `destination`; returns (messages, seconds) of the passthrough.
    static func passthrough(
        bootstrap: String, source: String, destination: String, count: Int, valueBytes: Int
    ) async throws -> (messages: Int, seconds: Double) {
        try await produce(bootstrap: bootstrap, topic: source, count: count, valueBytes: valueBytes)
        return try await passthroughOnly(bootstrap: bootstrap, source: source, destination: destination, count: count)
    }

    /// A passthrough of `count` records already on `source`, in a new consumer group.
    static func passthroughOnly(
        bootstrap: String, source: String, destination: String, count: Int
    ) async throws -> (messages: Int, seconds: Double) {
        let group = "bench-c-\(UInt32.random(in: 0...UInt32.max))"
        let result = try await CBaselineRunner.run("c-passthrough") {
            var result = kb_result()
            kb_passthrough(bootstrap, source, destination, group, count, 300, &result)
            return result
        }
        return (Int(result.messages), result.seconds)
    }

    /// The same two hops validate and translate make, without their work: produces `count` records
    /// to `topics.0`, then two C passthroughs run at the same time, `topics.0 → topics.1` and
    /// `topics.1 → topics.2`, each in its own consumer group (joins overlap, as the stages' do).
    /// Timed from the first hop's first record to the second hop's last delivery report.
    /// `fetchWaitMilliseconds`: the consumers' `fetch.wait.max.ms` (the stages' setting on the mock cluster).
    static func chain(
        bootstrap: String, topics: (String, String, String), count: Int, valueBytes: Int, fetchWaitMilliseconds: Int?
    ) async throws -> (messages: Int, seconds: Double) {
        try await produce(bootstrap: bootstrap, topic: topics.0, count: count, valueBytes: valueBytes)
        let wait = fetchWaitMilliseconds.map(String.init)
        func hop(_ name: String, _ source: String, _ destination: String) async throws -> kb_result {
            let group = "bench-c-\(name)-\(UInt32.random(in: 0...UInt32.max))"
            return try await CBaselineRunner.run("c-\(name)") {
                var result = kb_result()
                // nil `wait` is passed as NULL: librdkafka's default.
                kb_passthrough_fetch_wait(bootstrap, source, destination, group, count, 300, wait, &result)
                return result
            }
        }
        async let first = hop("hop-1", topics.0, topics.1)
        async let second = hop("hop-2", topics.1, topics.2)
        let (one, two) = try await (first, second)
        return (Int(two.messages), max(0, two.finished - one.started))
    }

    private static func produce(bootstrap: String, topic: String, count: Int, valueBytes: Int) async throws {
        _ = try await CBaselineRunner.run("c-produce") {
            var result = kb_result()
            kb_produce(bootstrap, topic, count, Int32(valueBytes), &result)
            return result
        }
    }
}

import BenchmarkSupport
import Foundation

/// What the passthrough benchmark does, from the environment:
/// - `DRIFTLESS_BENCH_BOOTSTRAP` or else `DRIFTLESS_TEST_BOOTSTRAP`: an independent broker (Tansu
///   behind the proxy from `scripts/dev-broker`). Unset: librdkafka's in-process mock cluster,
///   with a smaller count (the mock cluster stalls with 100k-message backlogs).
/// - `DRIFTLESS_BENCH_MESSAGES` (default 200000, mock: 20000), `DRIFTLESS_BENCH_VALUE_BYTES` (600),
///   `DRIFTLESS_BENCH_PARTITIONS` (6), `DRIFTLESS_BENCH_BATCH` (Swift consumer batch size, 2000),
///   `DRIFTLESS_BENCH_IN_FLIGHT` (batches enqueued and awaiting acks in the overlapped Swift variant; also 10k-record chunks in flight in Swift produce; 16),
///   `DRIFTLESS_BENCH_BUFFER` (Swift consumer buffer capacity, 10000 = the layer's default),
///   `DRIFTLESS_BENCH_PHASES` (comma-separated subset of `c-produce,swift-produce,c-passthrough,
///   swift-passthrough,swift-overlapped`, for profiling one phase; a passthrough needs its produce).
struct PassthroughSettings: Sendable {
    var bootstrap: String?
    var messages: Int
    var valueBytes: Int
    var partitions: Int32
    var batchSize: Int
    var batchesInFlight: Int
    var bufferCapacity: Int
    var timeoutSeconds: Int32 = 300
    /// Phases to run; `nil` = all.
    var phases: Set<String>? = nil

    static func fromEnvironment() -> PassthroughSettings {
        let environment = BenchEnvironment()
        let bootstrap = environment.bootstrap
        let number = environment.number
        return PassthroughSettings(
            bootstrap: bootstrap,
            messages: number("DRIFTLESS_BENCH_MESSAGES", bootstrap == nil ? 20_000 : 200_000),
            valueBytes: number("DRIFTLESS_BENCH_VALUE_BYTES", 600),
            partitions: Int32(clamping: number("DRIFTLESS_BENCH_PARTITIONS", 6)),
            batchSize: number("DRIFTLESS_BENCH_BATCH", 2_000),
            batchesInFlight: number("DRIFTLESS_BENCH_IN_FLIGHT", 16),
            bufferCapacity: number("DRIFTLESS_BENCH_BUFFER", 10_000),
            phases: environment.values["DRIFTLESS_BENCH_PHASES"].map { Set($0.split(separator: ",").map(String.init)) }
        )
    }
}

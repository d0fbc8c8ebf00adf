import BenchmarkSupport
import Foundation

/// From the environment:
/// - `DRIFTLESS_BENCH_BOOTSTRAP` or else `DRIFTLESS_TEST_BOOTSTRAP`: an independent broker (Tansu
///   behind the proxy). Unset: librdkafka's in-process mock cluster.
/// - `DRIFTLESS_BENCH_PIPELINE_ORDERS` (orders; about ten webhooks each; default 2000, mock 1000),
///   `DRIFTLESS_BENCH_HTTP_CONCURRENCY` (parallel webhook senders, 64), `DRIFTLESS_BENCH_PARTITIONS` (6).
struct PipelineSettings: Sendable {
    var bootstrap: String?
    var orders: Int
    var concurrency: Int
    var partitions: Int32
    /// `DRIFTLESS_BENCH_TRACE=1`: the stages' consumed records and batches every 10 ms on stderr.
    var trace = false
    /// `DRIFTLESS_BENCH_MOCK_FETCH_WAIT_MS` (10; 0 keeps the layer's 100 ms): the stages'
    /// `fetch.wait.max.ms` on the mock cluster only.
    var mockFetchWaitMilliseconds = 10
    /// `DRIFTLESS_BENCH_C_RUNS` (3): runs of each C baseline; the median run is the baseline.
    var cRuns = 3

    static func fromEnvironment() -> PipelineSettings {
        let environment = BenchEnvironment()
        let bootstrap = environment.bootstrap
        let number = environment.number
        return PipelineSettings(
            bootstrap: bootstrap,
            orders: number("DRIFTLESS_BENCH_PIPELINE_ORDERS", bootstrap == nil ? 1_000 : 2_000),
            concurrency: number("DRIFTLESS_BENCH_HTTP_CONCURRENCY", 64),
            partitions: Int32(clamping: number("DRIFTLESS_BENCH_PARTITIONS", 6)),
            trace: environment.values["DRIFTLESS_BENCH_TRACE"] == "1",
            mockFetchWaitMilliseconds: environment.values["DRIFTLESS_BENCH_MOCK_FETCH_WAIT_MS"].flatMap { Int($0) }.map
            { max(0, $0) } ?? 10,
            cRuns: max(1, number("DRIFTLESS_BENCH_C_RUNS", 3)))
    }
}

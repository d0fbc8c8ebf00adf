import BenchmarkSupport

/// `DRIFTLESS_BENCH_RECONCILE_ORDERS` (100000: the 48 h sweep), `DRIFTLESS_BENCH_RECONCILE_CONCURRENCY`
/// (orders whose ERP view is read at once, and HTTP requests in flight to the ERP; 16).
struct SweepSettings: Sendable {
    var orders: Int
    var concurrency: Int

    static func fromEnvironment() -> SweepSettings {
        let environment = BenchEnvironment()
        return SweepSettings(
            orders: environment.number("DRIFTLESS_BENCH_RECONCILE_ORDERS", 100_000),
            concurrency: environment.number("DRIFTLESS_BENCH_RECONCILE_CONCURRENCY", 16))
    }
}

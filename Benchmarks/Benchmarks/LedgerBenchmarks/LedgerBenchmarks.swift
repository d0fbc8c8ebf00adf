import Benchmark
import Foundation
import Ledger

/// Ledger: audit rows/s written in batches (one transaction per batch of
/// ``LedgerRatioReport/batchSize`` rows, as the ``AuditWriter`` does) and through the `AuditWriter`
/// itself, as a ratio to a baseline measured in the same run: one row per transaction. SQLite always
/// (a WAL file in the temporary directory); PostgreSQL when `DRIFTLESS_BENCH_POSTGRES_URL` or
/// `DRIFTLESS_TEST_POSTGRES_URL` is set (a throw-away schema). See Benchmarks/README.md.
let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "Ledger: batched audit writes vs one row per transaction (ratio report)",
        configuration: .init(
            metrics: LedgerRatioReport.metricNames.map(ledgerMetric) + [.wallClock],
            warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(300), maxIterations: 1)
    ) { benchmark in
        do {
            let reports = try await LedgerRatioReport.measureAll()
            for report in reports {
                for (name, value) in report.metricValues { benchmark.measurement(ledgerMetric(name), value) }
                report.printSummary()
            }
            if !reports.contains(where: { $0.backend == "postgres" }) {
                print(
                    "Ledger: PostgreSQL not measured (set DRIFTLESS_BENCH_POSTGRES_URL or DRIFTLESS_TEST_POSTGRES_URL; see scripts/test-postgres)"
                )
            }
        } catch {
            benchmark.error("ledger ratio report failed: \(error)")
        }
    }
}

/// A custom metric; everything here prefers larger values.
func ledgerMetric(_ name: String) -> BenchmarkMetric {
    .custom(name, polarity: .prefersLarger, useScalingFactor: false)
}

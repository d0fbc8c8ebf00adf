import Foundation
import Ledger
import Logging

/// Interleaved rounds of the baseline (one row per transaction) and the candidates (batches of
/// ``batchSize`` rows per transaction; the `AuditWriter` with its default configuration) against one
/// backend; rates are medians over rounds.
struct LedgerRatioReport {
    static let rounds = 5
    /// Rows per transaction in the batched candidate (the AuditWriter's default batch size).
    static let batchSize = AuditWriterConfiguration().batchSize
    static let baselineRowsPerRound = 300
    static let batchedRowsPerRound = 10_000

    var backend: String
    var singleRowPerSecond: Double
    var batchedPerSecond: Double
    var writerPerSecond: Double

    static var metricNames: [String] {
        ["sqlite", "postgres"].flatMap { backend in
            [
                "single_row_tx_rows_per_s", "batch\(batchSize)_rows_per_s", "audit_writer_rows_per_s",
                "batch_ratio_x100", "writer_ratio_x100",
            ].map { "\(backend)_\($0)" }
        }
    }

    static func measureAll() async throws -> [LedgerRatioReport] {
        var logger = Logger(label: "bench.ledger")
        logger.logLevel = .error
        var reports: [LedgerRatioReport] = []
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "driftless-ledger-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        reports.append(
            try await measure(backend: "sqlite", url: "sqlite://\(directory.path)/ledger.db", logger: logger))
        let environment = ProcessInfo.processInfo.environment
        if let base = environment["DRIFTLESS_BENCH_POSTGRES_URL"] ?? environment["DRIFTLESS_TEST_POSTGRES_URL"],
            !base.isEmpty
        {
            let schema = "bench_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(10))"
            let url = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
            let quiet = logger
            do {
                reports.append(try await measure(backend: "postgres", url: url, logger: quiet))
            } catch {
                try? await PostgresLedgerStore.dropSchema(url: url, logger: quiet)
                throw error
            }
            try? await PostgresLedgerStore.dropSchema(url: url, logger: quiet)
        }
        return reports
    }

    static func measure(backend: String, url: String, logger: Logger) async throws -> LedgerRatioReport {
        let store = try await Ledger.open(url: url, logger: logger)
        var single: [Double] = []
        var batched: [Double] = []
        var writer: [Double] = []
        do {
            for round in 0..<rounds {
                single.append(
                    try await rate(rows: baselineRowsPerRound) {
                        for index in 0..<baselineRowsPerRound {
                            try await store.append([record(round: round, index: index, kind: "single")])
                        }
                    })
                batched.append(
                    try await rate(rows: batchedRowsPerRound) {
                        for start in stride(from: 0, to: batchedRowsPerRound, by: batchSize) {
                            let batch = (start..<min(start + batchSize, batchedRowsPerRound)).map {
                                record(round: round, index: $0, kind: "batch")
                            }
                            try await store.append(batch)
                        }
                    })
                writer.append(
                    try await rate(rows: batchedRowsPerRound) {
                        let auditWriter = AuditWriter(store: store, logger: logger)
                        for index in 0..<batchedRowsPerRound {
                            try await auditWriter.record(record(round: round, index: index, kind: "writer"))
                        }
                        try await auditWriter.flush()
                        await auditWriter.shutdown()
                    })
            }
            // Sanity: every row really landed.
            let expected = rounds * (baselineRowsPerRound + 2 * batchedRowsPerRound)
            let stored = try await store.search(AuditQuery(orderPrefix: "bench:", limit: expected + 1)).count
            guard stored == expected else {
                throw LedgerError.database(url, reason: "expected \(expected) rows, found \(stored)")
            }
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        return LedgerRatioReport(
            backend: backend, singleRowPerSecond: median(single), batchedPerSecond: median(batched),
            writerPerSecond: median(writer))
    }

    /// A realistic row: every column a translate hop fills.
    private static func record(round: Int, index: Int, kind: String) -> AuditRecord {
        AuditRecord(
            hop: .translated, orderKey: "bench:\(kind)-\(index % 1000)", channel: "shopify",
            eventID: "\(kind)-\(round)-\(index)",
            stage: "translate", replica: "bench-1", topic: "driftless.validated", partition: Int32(index % 12),
            offset: Int64(index),
            fromState: "paid", toState: "fulfilled", reason: nil, detail: nil, traceID: "trace-\(round)-\(index)")
    }

    private static func rate(rows: Int, _ body: () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await body()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(rows) / max(seconds, 1e-9)
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    var metricValues: [(String, Int)] {
        [
            ("\(backend)_single_row_tx_rows_per_s", Int(singleRowPerSecond)),
            ("\(backend)_batch\(Self.batchSize)_rows_per_s", Int(batchedPerSecond)),
            ("\(backend)_audit_writer_rows_per_s", Int(writerPerSecond)),
            ("\(backend)_batch_ratio_x100", Int(100 * batchedPerSecond / max(singleRowPerSecond, 1))),
            ("\(backend)_writer_ratio_x100", Int(100 * writerPerSecond / max(singleRowPerSecond, 1))),
        ]
    }

    func printSummary() {
        print(
            String(
                format: """
                    Ledger %@ (median of %d interleaved rounds):
                      one row per transaction (baseline): %9.0f rows/s
                      batches of %d rows per transaction:  %9.0f rows/s  → ratio %.1f×
                      AuditWriter (batch %d, record+flush): %9.0f rows/s  → ratio %.1f×
                    """, backend, Self.rounds, singleRowPerSecond, Self.batchSize, batchedPerSecond,
                batchedPerSecond / max(singleRowPerSecond, 1), Self.batchSize, writerPerSecond,
                writerPerSecond / max(singleRowPerSecond, 1)))
    }
}

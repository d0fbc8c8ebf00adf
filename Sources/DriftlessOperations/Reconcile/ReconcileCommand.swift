import ArgumentParser
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Pipeline
import ServiceLifecycle

/// `driftless reconcile`: compares order states across the storefront and the ERP for the last 48 h
/// (the playbook's Step 4), auto-corrects or flags each mismatch per policy and prints a report;
/// `--schedule` keeps running it daily (one run at a time across replicas through the ledger lease).
package struct ReconcileCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Compare order states across the channels and the ERP; correct or flag the drift.",
        discussion: """
            Reads the storefront through the Shopify GraphQL Admin API (reconcile.shopify, or \
            DRIFTLESS_SHOPIFY_ADMIN_URL and DRIFTLESS_SHOPIFY_ACCESS_TOKEN[_FILE]), the marketplace through \
            getOrders (poller:, DRIFTLESS_POLLER_URL) and the ERP through its \
            REST API (erp:, DRIFTLESS_ERP_URL / DRIFTLESS_ERP_TOKEN). Corrections are injected on \
            <prefix>.ingest.raw (Kafka from --config / DRIFTLESS_KAFKA_BOOTSTRAP); flagged orders become \
            cases (driftless dlq list --stage reconcile). --dry-run changes nothing. A run starts where the \
            last completed window ended (missed runs leave no gap; at most reconcile.maxLookback, 14d, back); \
            a run failing reconcile.maxRunAttempts times (3) is given up with an alert. --history lists the \
            runs (read-only).
            """)

    /// A command with its defaults (ArgumentParser fills in what is given).
    package init() {}

    @Option(name: .long, help: "YAML configuration file.")
    var config: String?

    @Option(
        name: .long,
        help:
            "How far back to look at least, e.g. 48h, 1h30m, 2d, 1w; at most 60d (default: reconcile.windowHours, 48h)."
    )
    var window: String?

    @Flag(name: .long, help: "Compare and report only: no records, no cases, nothing written.")
    var dryRun = false

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Flag(name: .long, help: "Keep running on the built-in daily schedule (reconcile.dailyAt) until stopped.")
    var schedule = false

    @Flag(name: .long, help: "List the last runs (window, attempts, result) from the ledger; changes nothing.")
    var history = false

    @Option(name: .long, help: "With --history: at most this many runs.")
    var limit = 20

    @OptionGroup var ledger: LedgerURLOption

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write the run's metrics (Prometheus text) to this file after each run, e.g. for node_exporter's textfile collector.",
            valueName: "path"))
    var metricsFile: String?

    package func validate() throws {
        if let window { _ = try Self.parseWindow(window) }
        if schedule && dryRun { throw ValidationError("--schedule cannot be combined with --dry-run") }
        if history && (schedule || dryRun || window != nil) {
            throw ValidationError("--history only lists runs: it takes no --schedule, --dry-run or --window")
        }
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
    }

    /// The longest window: 60 days (as `reconcile.windowHours`).
    static let maximumWindow: TimeInterval = 60 * 86_400

    /// `48h`, `1h30m`, `2d`, `1w` (the one duration syntax), at most ``maximumWindow``.
    static func parseWindow(_ text: String) throws -> Duration {
        do {
            return .seconds(try LedgerTimeSpec.duration(text, maximum: maximumWindow))
        } catch let error as LedgerError {
            throw ValidationError("--window: \(error.description)")
        }
    }

    package func run() async throws {
        var pipeline: PipelineConfiguration
        do {
            pipeline = try PipelineConfiguration.load(file: config)
        } catch let error as PipelineConfigurationError {
            throw ValidationError(error.description)
        }
        if history {
            let text = try await ReconcileHistory.text(
                ledger: ledger, configuredURL: config == nil ? nil : pipeline.ledgerURL, limit: limit, json: json)
            Swift.print(text)
            return
        }
        if let ledgerURL = ledger.url { pipeline.ledgerURL = ledgerURL }
        if let window { pipeline.reconcile.settings.window = try Self.parseWindow(window) }
        pipeline.reconcile.settings.dryRun = dryRun
        pipeline.reconcile.settings.owner = pipeline.replica
        var logger = Logger(label: "driftless.reconcile")
        logger.logLevel = .warning
        let assembly = try Assembly.forCommand(pipeline, logger: logger)
        let parts = try await ReconcileParts.make(assembly: assembly, logger: logger)
        let tty = isatty(STDERR_FILENO) == 1
        let job = parts.job(progress: { progress in
            guard tty else { return }
            let line = "\r[reconcile] pages \(progress.pages)  compared \(progress.compared)  found \(progress.found)"
            FileHandle.standardError.write(Data(line.utf8))
        })
        let json = self.json
        let metricsFile = self.metricsFile
        let metrics = parts.metrics
        let print: @Sendable (ReconcileReport) -> Void = { report in
            if tty { FileHandle.standardError.write(Data("\n".utf8)) }
            Swift.print(json ? Self.json(report) : report.text)
            // Each report out at once, also when stdout is a file (a scheduled run's log).
            fflush(nil)
            guard let metricsFile else { return }
            do {
                try metrics.write(to: metricsFile)
            } catch {
                FileHandle.standardError.write(
                    Data("driftless reconcile: cannot write \(metricsFile): \(error)\n".utf8))
            }
        }
        // The alert service runs beside the job and drains on shutdown, so a mismatch alert gets out.
        let work: any Service
        if schedule {
            work = ReconcileService(job: job, schedule: pipeline.reconcile.schedule, logger: logger, onReport: print)
        } else {
            work = ReconcileOnce(job: job, onReport: print)
        }
        try await runServices(
            [
                .init(service: parts.alerts),
                .init(service: work, successTerminationBehavior: .gracefullyShutdownGroup),
            ], logger: logger, maximumGracefulShutdownDuration: nil)
        await parts.close()
        if let once = work as? ReconcileOnce, once.failed { throw ExitCode(2) }
    }

    static func json(_ report: ReconcileReport) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(report)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }
}

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
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Compare order states across the channels and the ERP; correct or flag the drift.",
        discussion: """
            Reads the storefront through the Shopify GraphQL Admin API (reconcile.shopify, or \
            DRIFTLESS_SHOPIFY_ADMIN_URL and DRIFTLESS_SHOPIFY_ACCESS_TOKEN[_FILE]), the marketplace through \
            getOrders (poller:, DRIFTLESS_POLLER_URL) and the ERP through its \
            REST API (erp:, DRIFTLESS_ERP_URL / DRIFTLESS_ERP_TOKEN). Corrections are injected on \
            <prefix>.ingest.raw (Kafka from --config / DRIFTLESS_KAFKA_BOOTSTRAP); flagged orders become \
            cases (driftless dlq list --stage reconcile). --dry-run changes nothing.
            """)

    @Option(name: .long, help: "YAML configuration file.")
    var config: String?

    @Option(name: .long, help: "How far back to look, e.g. 48h, 90m, 2d (default: reconcile.windowHours, 48h).")
    var window: String?

    @Flag(name: .long, help: "Compare and report only: no records, no cases, nothing written.")
    var dryRun = false

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Flag(name: .long, help: "Keep running on the built-in daily schedule (reconcile.dailyAt) until stopped.")
    var schedule = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write the run's metrics (Prometheus text) to this file after each run, e.g. for node_exporter's textfile collector.",
            valueName: "path"))
    var metricsFile: String?

    func validate() throws {
        if let window, Self.parseWindow(window) == nil {
            throw ValidationError("--window must be a positive whole number with m, h or d, e.g. 48h")
        }
        if schedule && dryRun { throw ValidationError("--schedule cannot be combined with --dry-run") }
    }

    static func parseWindow(_ text: String) -> Duration? {
        guard let unit = text.last, let value = Int64(text.dropLast()), value > 0 else { return nil }
        switch unit {
        case "m": return .seconds(value * 60)
        case "h": return .seconds(value * 3600)
        case "d": return .seconds(value * 86_400)
        default: return nil
        }
    }

    func run() async throws {
        var pipeline: PipelineConfiguration
        do {
            pipeline = try PipelineConfiguration.load(file: config)
        } catch let error as PipelineConfigurationError {
            throw ValidationError(error.description)
        }
        if let window, let duration = Self.parseWindow(window) { pipeline.reconcile.settings.window = duration }
        pipeline.reconcile.settings.dryRun = dryRun
        pipeline.reconcile.settings.owner = pipeline.replica
        var logger = Logger(label: "driftless.reconcile")
        logger.logLevel = .warning
        let parts = try await ReconcileParts.make(pipeline: pipeline, logger: logger)
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
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: parts.alerts),
                    .init(service: work, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
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

import ArgumentParser
import DriftlessOperations
import Foundation
import Logging
import Pipeline

/// `driftless demo`: the whole product in one command, with nothing installed but the toolchain.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a seeded scenario through every stage, repair the drift it causes, check the ERP.",
        discussion: """
            Starts an in-process Kafka (mock cluster), a SQLite ledger in a temporary directory, a \
            Shopify-style storefront, an Amazon-style marketplace and a NetSuite-style ERP (simulators on \
            loopback ports, with their real authentication) and every stage. Sends a few thousand orders \
            through with lost webhooks, duplicates, reordering, an ERP outage, an unknown status, manual \
            edits, a silent cancellation and a payment id mismatch; fixes the mapping and replays the \
            quarantined records; reconciles; and checks against the ERP simulator's own records that every \
            expected effect landed exactly once. Exit status 1 when that check fails.
            """)

    @Option(name: .long, help: "Orders (three quarters storefront, one quarter marketplace).")
    var orders = 2000

    @Option(name: .long, help: "Seed of the scenario (same seed, same orders and faults).")
    var seed: UInt64 = 7

    @Option(name: .long, help: "Kafka bootstrap servers (default: an in-process mock cluster).")
    var brokers: String?

    @Option(
        name: .long,
        help: "Ledger URL of an empty ledger (order ids repeat between runs; default: SQLite in a temporary directory)."
    )
    var ledger: String?

    @Flag(name: .long, help: "Keep the ledger and keep serving after the report (Ctrl-C stops).")
    var keep = false

    @Option(name: .long, help: "Log level of the pipeline's own log lines (stderr).")
    var logLevel: String = "critical"

    func validate() throws {
        guard orders >= 20 else { throw ValidationError("--orders must be at least 20") }
    }

    func run() async throws {
        var settings = DemoSettings()
        settings.orders = orders
        settings.seed = seed
        settings.brokers = brokers
        settings.ledgerURL = ledger
        settings.keep = keep
        var logger = Logger(label: "driftless.demo")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .critical
        let console = DemoConsole(interactive: DemoConsole.stdoutIsTerminal) { Self.emit($0) }
        // Ctrl-C (or SIGTERM) while the scenario runs: stop the stages and simulators and remove the
        // temporary ledger; a second one quits at once.
        let demo = CommandJob("demo") { [settings, logger] in
            try await withTaskCancellationHandler {
                try await DemoRun(settings: settings, console: console, logger: logger).run()
            } onCancel: {
                Self.emit("driftless demo: stopping (again to quit at once)")
            }
        }
        try await runServices(
            [demo.configuration], logger: logger, repeatedSignal: .exit(130), maximumGracefulShutdownDuration: nil)
        guard let outcome = demo.outcome, !outcome.interrupted else {
            Self.emit("driftless demo: interrupted; stages and simulators stopped, temporary files removed")
            throw ExitCode(130)
        }
        let (report, kept) = try outcome.result.get()
        Self.emit(report.text)
        if let kept {
            Self.emit("driftless demo: serving until Ctrl-C")
            try await runServices([.init(service: RuntimeService(runtime: kept.runtime))], logger: logger)
            await kept.world.stop()
        }
        let code = Self.exitCode(for: report)
        if code != .success { throw code }
    }

    /// Writes `text` and a newline to standard output at once (unbuffered: a pipe sees each line when it
    /// happens, and the report before `--keep` starts waiting).
    static func emit(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// 0 when the check against the simulators passed and every injected fault was found, else 1.
    static func exitCode(for report: DemoReport) -> ExitCode {
        report.passed ? .success : ExitCode(1)
    }
}

import ArgumentParser
import DriftlessOperations
import Foundation
import Logging
import Pipeline
import Simulators

/// `driftless chaos`: the real deployment shape under a seeded nemesis, checked against the
/// simulators' own records.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Run every stage as replicated processes under seeded faults; check every ERP effect.",
        discussion: """
            Starts a PostgreSQL of its own, a Tansu of its own (--tansu; else the --upstream broker) behind \
            a broker proxy of its own, the storefront, marketplace and ERP simulators, and every stage as separate \
            `driftless run --stage` processes: ingest ×2 (the first also polls the marketplace), validate ×2, \
            translate ×2, dispatch ×3, retry ×2, dead-letter ×1. Sends the storefront's lifecycles (signed \
            webhooks, duplicates, shuffles, late ones) to both ingest replicas and creates marketplace orders, \
            at --rate orders/s, while a seeded nemesis kills, pauses and rescales replicas, stops the proxy, \
            restarts PostgreSQL and takes the ERP down. Then waits for lag 0 and no held order, and checks \
            the ERP simulator's records and write log: every effect exactly once, nothing extra, no status \
            written backwards, every acknowledged order present; and every process under the RSS bound. \
            Exit status 1 on any violation, naming the orders. Topics, processes and files are removed at \
            the end (the logs are kept when the check fails).
            """)

    @Option(name: .long, help: "short (about 3 minutes, every fault class once) or long (--minutes).")
    var profile: String = "long"

    @Option(name: .long, help: "Minutes of traffic in the long profile.")
    var minutes: Double = 10

    @Option(name: .long, help: "Orders per second (storefront 3/4, marketplace 1/4). Default: 8 short, 4 long.")
    var rate: Double?

    @Option(name: .long, help: "Seed of the workload and of the nemesis' timeline.")
    var seed: UInt64 = 1

    @Option(
        name: .long,
        help:
            "Fault classes, comma-separated: \(ChaosFaultClass.allCases.map(\.rawValue).joined(separator: ",")), all or none."
    )
    var faults: String = "all"

    @Option(name: .long, help: "The Kafka broker behind the run's own proxy (the dev broker's Tansu).")
    var upstream: String = "127.0.0.1:19093"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A Tansu binary: a broker of the run's own behind its proxy, so `partition` cuts every connection.",
            discussion: "scripts/chaos passes the dev broker's. Default: $DRIFTLESS_TANSU_BIN; without: --upstream."))
    var tansu: String?

    @Option(name: .long, help: "Largest resident set a process may reach, in MB.")
    var rssLimitMb: Int = 768

    @Option(name: .long, help: "Write the report as JSON to this file.")
    var report: String?

    @Flag(name: .long, help: "Only show that the checker fires: spoil a right ERP state each way it can be wrong.")
    var selfTest = false

    @Option(name: .long, help: "Log level of the stage processes (their logs are in the run's directory).")
    var logLevel: String = "warning"

    func validate() throws {
        guard ["short", "long"].contains(profile) else { throw ValidationError("--profile is short or long") }
        guard minutes > 0, (rate ?? 1) > 0 else { throw ValidationError("--minutes and --rate must be positive") }
        _ = try ChaosFaultClass.parse(list: faults)
    }

    func run() async throws {
        if selfTest {
            let outcome = try await Self.selfTestOnly(seed: seed)
            Self.emit(outcome.text)
            if !outcome.passed { throw ExitCode(1) }
            return
        }
        var settings =
            profile == "short" ? ChaosSettings.short(seed: seed, rate: rate) : ChaosSettings()
        if profile == "long" {
            settings.seed = seed
            settings.rate = rate ?? settings.rate
            settings.trafficSeconds = minutes * 60
        }
        settings.faults = try ChaosFaultClass.parse(list: faults)
        settings.upstream = upstream
        settings.tansuBinary = tansu ?? ProcessInfo.processInfo.environment["DRIFTLESS_TANSU_BIN"]
        settings.rssLimitMB = rssLimitMb
        settings.logLevel = logLevel
        var logger = Logger(label: "driftless.chaos")
        logger.logLevel = .critical
        let run = ChaosRun(
            settings: settings, profile: profile, selfTest: true, say: { Self.emit($0) }, logger: logger)
        // Ctrl-C or SIGTERM: the run stops its faults and traffic and removes what it started.
        let job = CommandJob("chaos") {
            try await withTaskCancellationHandler {
                try await run.run()
            } onCancel: {
                Self.emit("driftless chaos: stopping, removing what the run started")
            }
        }
        try await runServices([job.configuration], logger: logger, maximumGracefulShutdownDuration: nil)
        guard let outcome = job.outcome else { throw CancellationError() }
        let result = try outcome.result.get()
        Self.emit(result.text)
        if let path = report {
            try result.json().write(to: URL(fileURLWithPath: path))
            Self.emit("report: \(path)")
        }
        if !result.passed { throw ExitCode(1) }
    }

    /// The checker's self-test on the storefront simulator's lifecycles and marketplace orders, without
    /// a cluster.
    static func selfTestOnly(seed: UInt64) async throws -> ChaosSelfTest.Outcome {
        let storefront = StorefrontStore(start: Date().addingTimeInterval(-3600), seed: seed)
        _ = try await ChaosWorkload.plan(count: 60, store: storefront, seed: seed)
        let marketplace = MarketplaceStore(seed: seed)
        for (index, status) in ["Unshipped", "Shipped", "Canceled", "Pending"].enumerated() {
            let id = await marketplace.createOrder(at: Date().addingTimeInterval(Double(index)))
            if status != "Pending" { try await marketplace.setStatus(status, of: id, at: Date()) }
        }
        var expectations: [OracleExpectation] = []
        for order in await storefront.allOrders() { expectations.append(try ERPOracle.expectation(shopify: order)) }
        for order in await marketplace.allOrders() { expectations.append(ERPOracle.expectation(amazon: order)) }
        return ChaosSelfTest.run(expectations: expectations)
    }

    static func emit(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}

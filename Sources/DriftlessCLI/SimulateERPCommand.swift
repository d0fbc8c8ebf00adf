import ArgumentParser
import Foundation
import Simulators

extension SimulateCommand {
    /// Serves a NetSuite-style REST record API (sales orders and related records) until interrupted.
    struct ERP: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "erp",
            abstract: "Serve a NetSuite-style ERP (REST record API) with optional faults.",
            discussion: """
                Clients authenticate with `Authorization: Bearer <token>`; the token comes from
                DRIFTLESS_ERP_TOKEN or --secret-file. Records live in memory until the simulator stops.
                """)

        @Option(help: "Port (0: any).")
        var port = 0
        @Option(help: "File holding the bearer token (default: $DRIFTLESS_ERP_TOKEN).")
        var secretFile: String?
        @Option(help: "Milliseconds added to every answer.")
        var latencyMs = 0
        @Option(help: "Fraction of requests answered 503.")
        var unavailable = 0.0
        @Option(help: "Fraction of requests answered 429 with Retry-After.")
        var throttled = 0.0
        @Option(help: "Retry-After seconds on a 429.")
        var retryAfter = 1
        @Option(help: "Requests handled at once; more get 429 (0: no limit).")
        var concurrencyLimit = 0
        @Option(help: "Seed of the fault draws.")
        var seed: UInt64 = 42

        func run() async throws {
            let token = try readSecret(file: secretFile, variable: "DRIFTLESS_ERP_TOKEN")
            let faults = ERPFaults(seed: seed)
            faults.update { settings in
                settings.latency = .milliseconds(max(0, latencyMs))
                settings.unavailableRatio = min(1, max(0, unavailable))
                settings.throttledRatio = min(1, max(0, throttled))
                settings.retryAfterSeconds = max(0, retryAfter)
                settings.concurrencyLimit = max(0, concurrencyLimit)
            }
            let simulator = try await ERPSimulator.start(faults: faults, token: token, port: port)
            print("erp REST record API on \(simulator.recordURL) (Ctrl-C to stop)")
            try await waitForInterrupt()
            let duplicates = await simulator.store.duplicateEffects
            let writes = await simulator.store.appliedWrites
            print(
                "erp: \(writes) writes applied, \(duplicates) duplicate effects, answers \(simulator.statusCounts.sorted { $0.key < $1.key })"
            )
            await simulator.stop()
        }
    }
}

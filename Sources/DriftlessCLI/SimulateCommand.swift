import ArgumentParser
import DriftlessOperations
import Foundation
import Logging
import Pipeline
import Simulators

/// `driftless simulate storefront|marketplace`: channel simulators for local runs and demos.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a Shopify-style storefront, an SP-API-style marketplace or a NetSuite-style ERP simulator.",
        subcommands: [Storefront.self, Marketplace.self, ERP.self])

    /// Sends realistic, signed order webhooks to a target, with optional faults.
    struct Storefront: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Create orders and send their signed webhooks (secret from DRIFTLESS_SHOPIFY_SECRET or --secret-file).")

        @Option(help: "Webhook target URL.")
        var target = "http://127.0.0.1:8080/webhooks/shopify"
        @Option(help: "Orders to create (about ten webhooks each).")
        var orders = 100
        @Option(help: "File holding the app secret (default: $DRIFTLESS_SHOPIFY_SECRET).")
        var secretFile: String?
        @Flag(help: "Deliver out of order.")
        var shuffle = false
        @Option(help: "Fraction of deliveries sent twice (same webhook id).")
        var duplicates = 0.0
        @Option(help: "Fraction of deliveries held back until the end.")
        var late = 0.0
        @Option(help: "Fraction of deliveries never sent.")
        var drop = 0.0
        @Option(help: "Parallel senders.")
        var concurrency = 8
        @Option(help: "Seed of the scenario and the fault plan.")
        var seed: UInt64 = 1
        @Option(help: "Also serve the orders API on this port (0: any) until interrupted.")
        var serve: Int?
        @Option(help: "GraphQL Admin API cost bucket in points (0: no throttling); restored at 50 points/s.")
        var graphqlBucket: Double = 1000

        func run() async throws {
            let secret = try readSecret(file: secretFile)
            let store = StorefrontStore(seed: seed)
            let deliveries = try await StorefrontScenario.lifecycles(store: store, orders: orders, seed: seed)
            let deliverer = WebhookDeliverer(targetURL: target, secret: secret, shopDomain: store.shopDomain)
            let plan = WebhookFaultPlan(
                shuffle: shuffle, duplicateFraction: duplicates, lateFraction: late, dropFraction: drop, seed: seed)
            let started = ContinuousClock.now
            let outcome = await deliverer.send(deliveries, plan: plan, concurrency: concurrency)
            let elapsed = ContinuousClock.now - started
            let stats = deliverer.stats
            let (delivered, failed, attempts) = await (stats.delivered, stats.failed, stats.attempts)
            print(
                "storefront: \(deliveries.count) webhooks for \(orders) orders; sent \(outcome.schedule.count) "
                    + "(\(outcome.duplicated.count) duplicated, \(outcome.late.count) late, \(outcome.dropped.count) dropped) "
                    + "in \(elapsed): \(delivered) acknowledged, \(failed) gave up, \(attempts) attempts")
            if let serve {
                let simulator = try await StorefrontSimulator.start(
                    store: store, port: serve,
                    graphQL: StorefrontGraphQLSettings(maximumAvailable: graphqlBucket > 0 ? graphqlBucket : .infinity))
                print(
                    "storefront orders API on \(simulator.server.baseURL)/admin/api/2024-10/orders.json (Ctrl-C to stop)"
                )
                try await serveUntilInterrupted("storefront-simulator") { await simulator.stop() }
            }
            if failed > 0 { throw ExitCode(1) }
        }
    }

    /// Serves `getOrders` over generated orders until interrupted.
    struct Marketplace: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve an SP-API-style getOrders endpoint.")

        @Option(help: "Port (0: any).")
        var port = 0
        @Option(help: "Orders to create, updated over the last hour.")
        var orders = 100
        @Option(help: "Requests per second of the usage plan (SP-API: 0.0167).")
        var rate = 0.0167
        @Option(help: "Burst of the usage plan (SP-API: 20).")
        var burst = 20.0
        @Option(help: "Seed of generated orders.")
        var seed: UInt64 = 1
        @Option(
            help: """
                Require LWA tokens: the client id the token endpoint (/auth/o2/token) accepts; the client
                secret and refresh token come from DRIFTLESS_LWA_CLIENT_SECRET and DRIFTLESS_LWA_REFRESH_TOKEN.
                """)
        var lwaClientId: String?
        @Option(help: "Seconds an issued LWA access token works (SP-API: 3600).")
        var tokenLifetime = 3600.0

        func run() async throws {
            let lwa = try lwaClientId.map { clientID in
                LWASimulatorCredentials(
                    clientID: clientID,
                    clientSecret: try readSecret(file: nil, variable: "DRIFTLESS_LWA_CLIENT_SECRET"),
                    refreshToken: try readSecret(file: nil, variable: "DRIFTLESS_LWA_REFRESH_TOKEN"),
                    tokenLifetime: max(1, tokenLifetime))
            }
            let store = MarketplaceStore(seed: seed)
            let now = Date()
            let statuses = ["Pending", "Unshipped", "Shipped", "Canceled", "PartiallyShipped"]
            for index in 0..<max(0, orders) {
                _ = await store.createOrder(
                    status: statuses[index % statuses.count], at: now.addingTimeInterval(-3600 + Double(index)))
            }
            let simulator = try await MarketplaceSimulator.start(
                store: store, port: port, rate: rate, burst: burst, lwa: lwa)
            // Where it listens is written at once (not through print's buffer), also when stdout is a
            // file or a pipe: with --port 0 it is the only way to learn the port.
            var banner = lwa != nil ? "LWA token endpoint on \(simulator.tokenURL)\n" : ""
            banner +=
                "marketplace getOrders on \(simulator.server.baseURL)/orders/v0/orders with \(orders) orders (Ctrl-C to stop)\n"
            FileHandle.standardOutput.write(Data(banner.utf8))
            try await serveUntilInterrupted("marketplace-simulator") { await simulator.stop() }
        }
    }
}

/// A secret from `file` or the environment variable `variable` (never from an argument: those show
/// in `ps`); empty or whitespace-only is a configuration error naming where it came from.
func readSecret(file: String?, variable: String = "DRIFTLESS_SHOPIFY_SECRET") throws -> String {
    if let file {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ValidationError("cannot read secret file \(file)")
        }
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else { throw ValidationError("secret file \(file) is empty") }
        return secret
    }
    guard let secret = ProcessInfo.processInfo.environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines),
        !secret.isEmpty
    else {
        throw ValidationError("set \(variable) or pass --secret-file")
    }
    return secret
}

/// Serves until SIGINT or SIGTERM (under the CLI's one service-group helper, ``runServices``), then
/// runs `stop`.
func serveUntilInterrupted(_ name: String, stop: @escaping @Sendable () async -> Void) async throws {
    try await runServices([.init(service: UntilShutdown(name, stop: stop))], logger: Logger(label: "driftless.\(name)"))
}

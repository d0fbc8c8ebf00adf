import DriftlessOperations
import Foundation
import Pipeline

/// What `driftless demo` runs: the scenario's size and seed, where Kafka and the ledger are, and how
/// fast the retry tiers and the breaker are (short, so the demo finishes in about a minute).
struct DemoSettings: Sendable {
    /// Orders across the storefront (three quarters) and the marketplace (one quarter).
    var orders = 2000
    /// Seed of every random choice of the scenario (lifecycles, faults, delivery order).
    var seed: UInt64 = 7
    /// Kafka bootstrap servers; nil: an in-process mock cluster.
    var brokers: String?
    /// Ledger URL; nil: SQLite in a temporary directory.
    var ledgerURL: String?
    /// Leave the ledger and keep serving after the report.
    var keep = false
    /// Retry tiers of the demo's dispatch (`dispatch.retryTiers`).
    var retryTiers = ["2s", "5s", "15s"]
    /// How long the ERP answers every request 503 in the middle of the traffic.
    var outage: Duration = .seconds(4)
    /// Longest wait for the pipeline to settle after each phase.
    var settleTimeout: Duration = .seconds(180)
    /// Webhooks in flight at once.
    var webhookConcurrency = 8

    /// How many orders get each injected fault: one in 200, at least 2.
    var faultsPerKind: Int { max(2, orders / 200) }
    /// Storefront orders (the rest are marketplace orders).
    var storefrontOrders: Int { max(1, orders - marketplaceOrders) }
    var marketplaceOrders: Int { orders / 4 }
}

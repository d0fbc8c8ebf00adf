import DriftlessOperations
import Foundation
import Pipeline

/// What `driftless chaos` runs: the workload's rate and length, the seed, the fault classes and their
/// lengths, the replicas per stage and the bounds the checker applies.
struct ChaosSettings: Sendable {
    /// Seed of the workload and of the nemesis' timeline (same seed, same orders and faults).
    var seed: UInt64 = 1
    /// Orders per second: three quarters storefront (webhooks), one quarter marketplace (polled). The
    /// long profile's 4 is what this 2-core VM sustains for 30 minutes: the run's Tansu (memory storage,
    /// no retention applied) keeps every record, ≈ 46 MB a minute at 8 orders/s, its CPU per request
    /// growing with what it holds (README, "Chaos").
    var rate: Double = 4
    /// How long the workload sends.
    var trafficSeconds: Double = 600
    /// The fault classes the nemesis uses.
    var faults: Set<ChaosFaultClass> = Set(ChaosFaultClass.allCases)
    /// Every class exactly once (the short profile) rather than cycling until the traffic ends.
    var eachFaultOnce = false
    /// The Kafka broker the run's own proxy forwards to when it has no Tansu of its own (`tansuBinary`).
    /// That broker advertises its own proxy, so only bootstrap connections pass the run's proxy and the
    /// `partition` fault cuts little.
    var upstream = "127.0.0.1:19093"
    /// A Tansu binary: the run starts its own broker behind its proxy (a real partition when stopped).
    var tansuBinary: String?
    /// Replicas per stage (separate `driftless run --stage` processes).
    var replicas: [StageName: Int] = [
        .ingest: 2, .validate: 2, .translate: 2, .dispatch: 3, .retry: 2, .deadLetter: 1,
    ]
    /// Reconciliation lease candidates (`driftless reconcile --schedule` processes).
    var reconcileCandidates = 2
    /// Their schedule's slot length and their lease's time to live.
    var reconcileInterval: Duration = .seconds(15)
    var reconcileLease: Duration = .seconds(5)
    /// Longest wait for lag 0 and no held order after the last fault and the last order.
    var settleTimeout: Duration = .seconds(300)
    /// Largest resident set a process may reach.
    var rssLimitMB = 768
    /// Log level of the stage processes (their logs stay in the run's directory).
    var logLevel = "warning"
    /// Retry tiers of dispatch: short, so the run settles soon, but together longer than the ERP
    /// outage and its throttling (an event in flight when the ERP goes down must not use them up and
    /// be dead-lettered: the checker would rightly count its effect as lost).
    var retryTiers = ["2s", "5s", "30s", "90s"]
    /// The ERP's client request timeout; stalled answers and late commits last longer.
    var erpRequestTimeout: Duration = .seconds(3)
    /// Consumer session timeout (a paused replica sleeps longer than this).
    var sessionTimeout: Duration = .seconds(6)

    /// Fault lengths.
    var erpOutage: Duration = .seconds(60)
    var erpThrottling: Duration = .seconds(20)
    var partition: Duration = .seconds(20)
    var pause: Duration = .seconds(12)
    var scaledDown: Duration = .seconds(20)
    var postgresDown: Duration = .seconds(5)
    /// How long the ledger's tables stay locked (every pooled connection blocked).
    var poolExhausted: Duration = .seconds(15)
    /// How long the killed lease holder stays down: past its lease and two slots, so the other
    /// candidate must take over.
    var leaseHolderDown: Duration { reconcileLease + reconcileInterval * 2 + .seconds(2) }

    /// Storefront orders made for the whole run (their webhooks are paced over `trafficSeconds`).
    var storefrontOrders: Int { max(1, Int((rate * 0.75 * trafficSeconds).rounded())) }
    /// Marketplace orders per second.
    var marketplaceRate: Double { rate * 0.25 }

    /// The short profile: about three minutes, every fault class once, shorter faults.
    static func short(seed: UInt64, rate: Double?) -> ChaosSettings {
        var settings = ChaosSettings()
        settings.seed = seed
        settings.rate = rate ?? 8
        settings.trafficSeconds = 100
        settings.eachFaultOnce = true
        settings.erpOutage = .seconds(15)
        settings.erpThrottling = .seconds(8)
        settings.partition = .seconds(12)
        settings.pause = .seconds(10)
        settings.scaledDown = .seconds(12)
        settings.postgresDown = .seconds(4)
        settings.retryTiers = ["2s", "5s", "15s", "30s"]
        settings.poolExhausted = .seconds(6)
        settings.reconcileInterval = .seconds(8)
        settings.reconcileLease = .seconds(4)
        settings.settleTimeout = .seconds(240)
        return settings
    }
}

extension Duration {
    /// Seconds as a `Double`.
    var chaosSeconds: Double { DurationSeconds.of(self) }
}

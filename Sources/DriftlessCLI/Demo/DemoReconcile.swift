import AsyncHTTPClient
import DriftlessOperations
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Pipeline

/// Reconciliation as `driftless reconcile` runs it, against the demo's simulators: the storefront
/// through the GraphQL Admin API (access token, cost-based throttling), the marketplace through
/// getOrders with an LWA access token (and getOrderItems for the orders whose content it compares), the ERP
/// through OAuth 2.0; corrections go to `<p>.ingest.raw`.
struct DemoReconcile: Sendable {
    let world: DemoWorld
    let ledger: any ReconcileLedger
    let runtime: PipelineRuntime
    let topics: PipelineTopics
    let matrix: MappingMatrix
    let producer: KafkaProducer
    let erp: ERPSync
    let lwa: LWATokenProvider
    let logger: Logger

    struct NoReconcileLedger: Error, CustomStringConvertible {
        var description: String { "the ledger cannot hold reconciliation findings" }
    }

    init(
        world: DemoWorld, runtime: PipelineRuntime, topics: PipelineTopics, matrix: MappingMatrix,
        producer: KafkaProducer, logger: Logger
    ) throws {
        guard let ledger = runtime.ledger as? any ReconcileLedger else { throw NoReconcileLedger() }
        self.world = world
        self.ledger = ledger
        self.runtime = runtime
        self.topics = topics
        self.matrix = matrix
        self.producer = producer
        self.logger = logger
        // The runtime's one ERP access (its token, limiter and breaker), as `run`'s own reconciliation uses.
        erp =
            try runtime.assembly.erpAccess()?.sync ?? ERPSync(client: ERPClient(configuration: world.erpConfiguration))
        lwa = LWATokenProvider(configuration: world.lwaConfiguration)
    }

    /// The storefront (GraphQL Admin API) and marketplace (getOrders with LWA) readers.
    private func channels(stats: ReconcileAPIStats) throws -> [any ChannelOrderReader] {
        [
            try ShopifyOrdersReader(
                configuration: ShopifyAdminConfiguration(
                    baseURL: world.storefront.server.baseURL, accessToken: Secret(world.shopifyToken)),
                stats: stats),
            MarketplaceOrdersReader(
                baseURL: world.marketplace.server.baseURL, marketplaceID: "ATVPDKIKX0DER", pageSize: 100,
                maxWaitSeconds: 30, stats: stats, tokens: lwa, pacer: RequestPacer(rate: 10, burst: 20),
                orderItems: runtime.configuration.poller),
        ]
    }

    /// One run (a dry run only compares).
    func run(dryRun: Bool) async -> ReconcileReport {
        let stats = ReconcileAPIStats()
        let channels: [any ChannelOrderReader]
        do {
            channels = try self.channels(stats: stats)
        } catch {
            var report = ReconcileReport(
                result: "failed", runID: "", dryRun: dryRun, resumed: false, windowStart: Date(), windowEnd: Date())
            report.error = "\(error)"
            return report
        }
        let producer = self.producer
        let job = ReconcileJob(
            settings: ReconcileSettings(dryRun: dryRun, owner: "demo"), channels: channels,
            erp: ERPViewReader(sync: erp, stats: stats), stats: stats, matrix: matrix, ledger: ledger, topics: topics,
            send: { records in _ = try await producer.send(records) }, metrics: dryRun ? nil : runtime.metrics,
            alerts: dryRun ? nil : runtime.alerts.engine, logger: logger)
        return await job.run()
    }

    /// The re-check `dlq replay` uses for reconciliation's cases: the channel's current order and the
    /// ERP's view, read again.
    func caseCheck() throws -> ReconcileCaseCheck {
        let stats = ReconcileAPIStats()
        return ReconcileCaseCheck(
            channels: try channels(stats: stats), erp: ERPViewReader(sync: erp, stats: stats), matrix: matrix)
    }

    /// The findings of run `runID`.
    func findings(runID: String) async throws -> [ReconcileFinding] {
        try await ledger.findings(runID: runID, since: nil, limit: 1_000_000)
    }
}

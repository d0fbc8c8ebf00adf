import AsyncHTTPClient
import Foundation
import Ledger
import Logging
import OrderModel
import Pipeline
import Simulators

/// Seeds a storefront with `orders` orders updated within 48 h (one a second) and the ERP with every
/// other one (as dispatch would have written it), then runs the baseline and the reconciliation job
/// (not a dry run: findings, checkpoints and audit rows go to an SQLite ledger; injected records are
/// counted, not produced) one after the other against the same simulators in this process.
struct ReconcileScenario: Sendable {
    let settings: SweepSettings

    func run() async throws -> ReconcileReport {
        var logger = Logger(label: "bench.reconcile")
        logger.logLevel = .error
        let seedStart = ContinuousClock.now
        let store = StorefrontStore()
        var ids: [Int64] = []
        ids.reserveCapacity(settings.orders)
        for index in 0..<settings.orders { ids.append(await store.createOrder(paid: index % 2 == 0).id) }
        let now = await store.now().addingTimeInterval(60)
        let windowStart = now.addingTimeInterval(-48 * 3600)
        // The ERP's changes are dated inside the window, as the pipeline's own writes would be.
        let erpStore = ERPStore(now: { now.addingTimeInterval(-30) })
        let storefront = try await StorefrontSimulator.start(
            store: store, graphQL: StorefrontGraphQLSettings(accessToken: "shpat_bench", maximumAvailable: .infinity),
            logger: logger)
        let erp = try await ERPSimulator.start(store: erpStore, token: "erp-bench", logger: logger)
        let erpConfiguration = ERPConfiguration(
            baseURL: erp.server.baseURL, token: Secret("erp-bench"), maxConcurrentRequests: settings.concurrency)
        let sync = ERPSync(client: try ERPClient(configuration: erpConfiguration))
        let seeded = try await seed(ids.filter { $0 % 2 == 0 }, store: store, sync: sync)
        var report = ReconcileReport(orders: settings.orders, inERP: seeded)
        report.seedSeconds = Self.seconds(ContinuousClock.now - seedStart)
        report.residentBeforeKiB = ResidentMemory.current()

        let plain = PlainPageThrough(
            client: .shared, storefrontURL: storefront.server.baseURL, storefrontToken: "shpat_bench",
            erpURL: erp.server.baseURL, erpToken: "erp-bench", concurrency: settings.concurrency,
            since: RFC3339.format(windowStart))
        let baselineStart = ContinuousClock.now
        let (baseline, baselineGrowth) = try await ResidentMemory.measure { try await plain.run() }
        report.baseline = .init(
            orders: baseline.orders, seconds: Self.seconds(ContinuousClock.now - baselineStart),
            requests: baseline.requests, peakGrowthKiB: baselineGrowth)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("driftless-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let opened = try await Ledger.open(url: "sqlite://" + directory.appendingPathComponent("ledger.db").path)
        guard let ledger = opened as? any ReconcileLedger else { throw BenchError.noReconcileLedger }
        let stats = ReconcileAPIStats()
        let job = ReconcileJob(
            settings: Pipeline.ReconcileSettings(
                window: .seconds(48 * 3600), owner: "bench", concurrency: settings.concurrency),
            channels: [
                try ShopifyOrdersReader(
                    configuration: ShopifyAdminConfiguration(
                        baseURL: storefront.server.baseURL, accessToken: Secret("shpat_bench"), pageSize: 250),
                    stats: stats)
            ],
            erp: ERPViewReader(sync: sync, stats: stats), stats: stats, matrix: try MappingMatrix.default,
            ledger: ledger, topics: PipelineTopics(), send: { _ in }, logger: logger, clock: { now })
        let sweepStart = ContinuousClock.now
        let (result, sweepGrowth) = await ResidentMemory.measure { await job.run() }
        guard result.result != "failed" else { throw BenchError.sweepFailed(result.error ?? "?") }
        report.sweep = .init(
            orders: result.compared, seconds: Self.seconds(ContinuousClock.now - sweepStart),
            requests: result.apiCalls.values.reduce(0, +), peakGrowthKiB: sweepGrowth)
        report.found = result.found
        report.erpListed = result.erpListed
        await ledger.close()
        await storefront.stop()
        await erp.stop()
        return report
    }

    /// Writes what dispatch would have written for each order (sales order, deposit), `concurrency` at once.
    private func seed(_ ids: [Int64], store: StorefrontStore, sync: ERPSync) async throws -> Int {
        let matrix = try MappingMatrix.default
        let translator = ChannelTranslator(matrix: matrix)
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(ids.count, start + settings.concurrency)]
            start += chunk.count
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in chunk {
                    guard let document = await store.order(id) else { continue }
                    let payload = try document.jsonBytes()
                    group.addTask {
                        let observation = try translator.translate(channel: .shopify, payload: payload, eventID: nil)
                        let plan = ERPEffectPlanner.plan(
                            orderKey: observation.key, version: 0,
                            target: matrix.erpTarget(for: observation.dimensions.canonicalState),
                            dimensions: observation.dimensions, facts: observation.facts, erp: nil)
                        var salesOrderID: String?
                        for effect in plan.effects {
                            let (outcome, id) = await sync.apply(effect, salesOrderID: salesOrderID)
                            guard case .done = outcome else { throw BenchError.seeding("\(effect.id): \(outcome)") }
                            salesOrderID = id
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        return ids.count
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

enum BenchError: Error {
    case noReconcileLedger
    case sweepFailed(String)
    case seeding(String)
}

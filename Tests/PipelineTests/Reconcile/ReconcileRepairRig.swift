import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// A storefront simulator (webhooks and the GraphQL Admin API), a restartable ERP simulator and a whole
/// pipeline (every stage, mock cluster, SQLite ledger) between them; reconciliation runs read both
/// simulators and send to the pipeline. ERP checks go through the independent oracle on the
/// storefront's final orders.
final class ReconcileRepairRig: @unchecked Sendable {
    let storefront: StorefrontSimulator
    private(set) var erp: ERPSimulator
    let erpConfiguration: ERPConfiguration
    let fixture: PipelineFixture
    let deliverer: WebhookDeliverer
    let producer: KafkaProducer
    let ledger: any ReconcileLedger
    /// The reconciliation clock: each run one hour after the last.
    private var runs = 0

    private init(
        storefront: StorefrontSimulator, erp: ERPSimulator, erpConfiguration: ERPConfiguration,
        fixture: PipelineFixture, producer: KafkaProducer, ledger: any ReconcileLedger
    ) {
        self.storefront = storefront
        self.erp = erp
        self.erpConfiguration = erpConfiguration
        self.fixture = fixture
        self.deliverer = WebhookDeliverer(targetURL: fixture.webhookURL, secret: PipelineFixture.secret)
        self.producer = producer
        self.ledger = ledger
    }

    static func start() async throws -> ReconcileRepairRig {
        let storefront = try await StorefrontSimulator.start(
            graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity),
            logger: ReconcileJobTests.quiet("storefront"))
        let erp = try await ERPSimulator.start(token: TestERP.token, logger: TestERP.quiet)
        let erpConfiguration = ERPConfiguration(
            baseURL: erp.server.baseURL, token: Secret(TestERP.token), requestTimeout: .seconds(5))
        var policy = DispatchRig.fastPolicy
        policy.maxAttempts = 4
        let broker = try TestBroker.mock()
        let fixture = try await PipelineFixture.start(broker: broker) {
            $0.erp = erpConfiguration
            $0.dispatch = policy
        }
        let ledger = try XCTUnwrap(fixture.ledger as? any ReconcileLedger)
        return ReconcileRepairRig(
            storefront: storefront, erp: erp, erpConfiguration: erpConfiguration, fixture: fixture,
            producer: try KafkaProducer(config: broker.config()), ledger: ledger)
    }

    /// Stops everything and removes the ledger.
    func stop() async throws {
        try await fixture.stop()
        await storefront.stop()
        await erp.stop()
        try? FileManager.default.removeItem(at: fixture.directory)
    }

    var store: StorefrontStore { storefront.store }

    /// An order taken through `actions` (a capture transaction before `.pay`); its webhooks are sent in
    /// order unless `silent`.
    func order(_ actions: [StorefrontAction], silent: Bool = false) async throws -> Int64 {
        let (id, created) = await store.createOrder(paid: false)
        var webhooks = created
        for action in actions {
            if action == .pay {
                try await store.edit(id) { order in
                    order.transactions = [
                        .init(
                            id: id * 7, kind: "capture", status: "success", gateway: "shopify_payments",
                            authorization: "ch_\(id)", amount: order.totalPrice)
                    ]
                }
            }
            webhooks += try await store.apply(action, to: id)
        }
        if !silent { try await send(webhooks) }
        return id
    }

    /// Sends `webhooks` one after the other; each must be acknowledged.
    func send(_ webhooks: [WebhookDelivery]) async throws {
        for webhook in webhooks {
            let status = await deliverer.deliver(webhook)
            XCTAssertTrue(
                (200..<300).contains(status ?? 0),
                "webhook \(webhook.topic) answered \(status.map { "\($0)" } ?? "nothing")")
        }
    }

    /// The oracle's expectations from the storefront's final orders.
    func expectations() async throws -> [OracleExpectation] {
        var result: [OracleExpectation] = []
        for order in await store.allOrders() { result.append(try ERPOracle.expectation(shopify: order)) }
        return result
    }

    /// The oracle's verdict now.
    func check() async throws -> OracleReport {
        await OracleChecker.check(try await expectations(), store: erp.store)
    }

    /// Waits until the ERP is what the oracle expects, or nothing moved for 10 s; the last report.
    func settle() async throws -> (report: OracleReport, settled: Bool) {
        let result = try await ConvergenceTests.settle(try await expectations(), erp: erp, quiet: .seconds(10))
        return (result.0, result.1)
    }

    /// Restarts the ERP simulator on its port with nothing in it (records deleted).
    func restartERPEmpty() async throws {
        let port = erp.server.port
        await erp.stop()
        erp = try await ERPSimulator.start(token: TestERP.token, port: port, logger: TestERP.quiet)
    }

    /// A reconciliation job whose clock is one hour after the previous job's (`sameTime`: the previous
    /// job's clock, for runs at once — a later clock would see the other's lease lapsed).
    func job(owner: String = "test", sameTime: Bool = false) throws -> ReconcileJob {
        if !sameTime { runs += 1 }
        let stats = ReconcileAPIStats()
        let reader = try ShopifyOrdersReader(
            configuration: ShopifyAdminConfiguration(
                baseURL: storefront.server.baseURL, accessToken: Secret("shpat_test"), pageSize: 10),
            stats: stats)
        let erpReader = ERPViewReader(
            sync: ERPSync(client: try ERPClient(configuration: erpConfiguration)), stats: stats)
        let producer = self.producer
        let base = Date(timeIntervalSince1970: 1_795_000_000 + 86_400)
        let now = base.addingTimeInterval(Double(runs) * 3600)
        return ReconcileJob(
            settings: ReconcileSettings(window: .seconds(30 * 86_400), owner: owner), channels: [reader],
            erp: erpReader, stats: stats, matrix: try MappingMatrix.default, ledger: ledger,
            topics: fixture.topics, send: { _ = try await producer.send($0) },
            logger: ReconcileJobTests.quiet("reconcile"), clock: { now })
    }

    /// The findings of run `runID` by order key.
    func findings(_ runID: String) async throws -> [String: ReconcileFinding] {
        let list = try await ledger.findings(runID: runID, since: nil, limit: 1000)
        return Dictionary(list.map { ($0.orderKey, $0) }, uniquingKeysWith: { a, _ in a })
    }
}

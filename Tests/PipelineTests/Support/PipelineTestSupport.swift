import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Pipeline
import PipelineHTTP
import Simulators
import XCTest

/// A pipeline runtime on a test broker with an SQLite ledger in a temporary directory.
struct PipelineFixture {
    static let secret = "shpss_test_current_secret"
    static let previousSecret = "shpss_test_previous_secret"

    let broker: TestBroker
    let runtime: PipelineRuntime
    let directory: URL

    var webhookURL: String { "http://127.0.0.1:\(runtime.httpPort)/webhooks/shopify" }
    var baseURL: String { "http://127.0.0.1:\(runtime.httpPort)" }
    var ledger: any LedgerStore { runtime.ledger }
    var topics: PipelineTopics { runtime.topics }

    /// Starts `stages` on `broker` with a unique topic prefix and a fresh ledger.
    static func start(
        broker: TestBroker, stages: Set<StageName> = Set(StageName.allCases), partitions: Int32 = 3,
        prefix: String? = nil, ledgerDirectory: URL? = nil, replica: String = "test",
        configure: (inout PipelineConfiguration) -> Void = { _ in }
    ) async throws -> PipelineFixture {
        let directory = try ledgerDirectory ?? LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-pipeline")
        var configuration = PipelineConfiguration()
        configuration.bootstrapServers = broker.bootstrapServers
        var properties = broker.consumerConfig().properties
        properties["bootstrap.servers"] = nil
        configuration.consumerProperties = properties
        configuration.topicPrefix = prefix ?? broker.uniqueName("dl")
        configuration.partitions = partitions
        configuration.ledgerURL = "sqlite://" + directory.appendingPathComponent("ledger.db").path
        configuration.ingestPort = 0
        configuration.shopifySecret = Secret(secret)
        configuration.shopifyPreviousSecret = Secret(previousSecret)
        configuration.replica = replica
        configuration.maxBatchSize = 500
        configure(&configuration)
        var logger = Logger(label: "pipeline-test")
        logger.logLevel =
            ProcessInfo.processInfo.environment["DRIFTLESS_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        let runtime = try await PipelineRuntime.start(
            configuration: configuration, stages: stages, mockCluster: broker.mockCluster, logger: logger)
        return PipelineFixture(broker: broker, runtime: runtime, directory: directory)
    }

    /// Gracefully stops the runtime.
    func stop() async throws {
        try await runtime.shutdown()
    }

    /// All audit rows with `hops` (all hops when empty).
    func audit(_ hops: Set<AuditHop> = [], in store: (any LedgerStore)? = nil) async throws -> [AuditRecord] {
        try await (store ?? ledger).search(AuditQuery(hops: hops, limit: 1_000_000))
    }
}

/// Polls `condition` every 100 ms until it holds or `timeout` passes; returns whether it held (assert
/// it). DriftlessTesting's `waitUntil`; for volume work use `waitMakingProgress`.
func eventually(
    timeout: Duration = .seconds(60), _ condition: @Sendable () async throws -> Bool
) async rethrows -> Bool {
    try await waitUntil(timeout: timeout, poll: .milliseconds(100), condition)
}

/// The canonical state each order reaches when its deliveries are applied in order (the
/// expectation out-of-order, duplicated delivery must match).
func inOrderExpectation(_ deliveries: [WebhookDelivery]) throws -> [String: CanonicalState] {
    let translator = ChannelTranslator(matrix: try MappingMatrix.default)
    let machine = OrderStateMachine()
    var states: [String: OrderState] = [:]
    for delivery in deliveries {
        let order = try ShopifyOrder.decode(from: delivery.body)
        let observation = try translator.translate(order, eventID: delivery.webhookID, kind: delivery.topic)
        let key = observation.key.description
        if let next = machine.decide(current: states[key], observation: observation).newState { states[key] = next }
    }
    return states.mapValues(\.canonicalState)
}

/// The record ingest writes for a Shopify `delivery` (envelope headers, key = order key), here on
/// `topic`, with the order it carries; `body` replaces the delivery's body when given.
func ingestRecord(_ delivery: WebhookDelivery, topic: String, body: [UInt8]? = nil) throws -> (
    record: ProducerRecord, order: ShopifyOrder
) {
    let order = try ShopifyOrder.decode(from: delivery.body)
    let envelope = Envelope(
        eventID: delivery.webhookID, channel: .shopify, orderID: order.id, kind: delivery.topic,
        sourceTimestamp: order.updatedAt)
    let record = ProducerRecord(
        topic: topic, key: envelope.orderKey.bytes, value: body ?? delivery.body, headers: envelope.headers)
    return (record, order)
}

/// A storefront scenario: `orders` orders with realistic lifecycles, about ten webhooks each.
func makeLifecycles(store: StorefrontStore, orders: Int, seed: UInt64 = 3) async throws -> [WebhookDelivery] {
    try await StorefrontScenario.lifecycles(store: store, orders: orders, seed: seed)
}

import DriftlessTesting
import Foundation
import Kafka
import OrderModel
import Simulators
import Synchronization
import XCTest

@testable import Pipeline

/// Issue 24 for marketplace orders: the poller reads each order's items with `getOrderItems`
/// (every `NextToken` page, its own rate limit, once per order version), validate and dispatch turn
/// them into the sales order's lines. Expectations come from the marketplace's own item documents.
final class AmazonOrderItemsTests: XCTestCase {
    func testTwoSKUsOnTwoItemPagesReachTheSalesOrderWithThoseLinesAndAmounts() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_795_000_000))
        let store = MarketplaceStore(seed: 3)
        let orderID = await store.createOrder(status: "Unshipped", at: clock.now.addingTimeInterval(-600))
        try await store.setOrderItems(
            [
                AmazonOrderItemDocument(
                    sku: "CT-NAT", orderItemID: "11111", quantity: 3, itemPrice: "87.00", itemTax: "6.96",
                    promotionDiscount: "5.00", shippingPrice: "4.99", shippingTax: "0.40"),
                AmazonOrderItemDocument(
                    sku: "IB750-SAG", orderItemID: "22222", quantity: 1, itemPrice: "34.00", itemTax: "2.72"),
            ], of: orderID)
        // One item a page (two pages); a plan of one request at once, so the second page meets a 429.
        let marketplace = try await MarketplaceSimulator.start(
            store: store, rate: 1000, burst: 1000, orderItemsRate: 4, orderItemsBurst: 1, orderItemsPageSize: 1,
            now: { clock.now })
        let broker = try TestBroker.mock()
        let topics = PipelineTopics(prefix: broker.uniqueName("dl"))
        try await broker.createTopic(named: topics.ingestRaw, partitions: 1)
        let producer = try KafkaProducer(config: broker.config())
        let rig = try await WholeOrderRig.start()
        defer {
            Task {
                await rig.stop()
                await marketplace.stop()
                await producer.close()
            }
        }
        var configuration = PollerConfiguration(baseURL: marketplace.server.baseURL)
        configuration.orderItems = true
        configuration.rateLimitPerSecond = 1000
        configuration.rateLimitBurst = 1000
        configuration.orderItemsRateLimitPerSecond = 1000  // the simulator's 429 is what is exercised
        configuration.orderItemsRateLimitBurst = 1000
        configuration.initialBackoffSeconds = 0.05
        configuration.initialLookbackSeconds = 3600
        let checkpoints = MemoryCheckpoints()
        // Kafka refuses the first send: the window is read again, the order's items are not.
        let poller = MarketplacePoller(
            configuration: configuration, topics: topics, sink: FirstSendsFail(inner: producer, failing: 1),
            audit: DiscardingAuditSink(), checkpoints: checkpoints, now: { clock.now })
        do {
            _ = try await poller.pollWindow()
            XCTFail("the refused send should abort the window")
        } catch {}
        let window = try await XCTUnwrapAsync(try await poller.pollWindow())
        XCTAssertEqual(window.records, 1)

        let counts = marketplace.orderItemsRequestCounts
        XCTAssertGreaterThanOrEqual(counts.throttled, 1, "the second page met the operation's own rate limit")
        let sent = await poller.orderItemsRequests
        XCTAssertEqual(sent, counts.requests)
        XCTAssertEqual(counts.requests - counts.throttled, 2, "two pages, read once for two reads of the window")

        let raw = try await readAll(broker, topic: topics.ingestRaw, count: 1)
        let message = try XCTUnwrap(raw.first)
        let plan = try await rig.deliver(message: message)
        XCTAssertTrue(plan.effects.contains { $0.kind == .salesOrderStatus }, "\(plan.effects.map(\.kind))")

        let eid = ERPEffect.externalID("so", "amazon", orderID)
        let salesOrder = try await XCTUnwrapAsync(await rig.erp.simulator.store.find(.salesOrder, id: "eid:\(eid)"))
        let items = try await XCTUnwrapAsync(await store.orderItems(orderID))
        let lines = (WholeOrderBodies.object(salesOrder.fields["item"])?["items"] as? [[String: Any]]) ?? []
        XCTAssertEqual(lines.count, items.count)
        for item in items {
            let line = try XCTUnwrap(
                lines.first { $0["custcol_driftless_line"] as? String == item.OrderItemId }, item.OrderItemId)
            XCTAssertEqual((line["quantity"] as? NSNumber)?.intValue, item.QuantityOrdered, item.SellerSKU)
            XCTAssertEqual(
                WholeOrderBodies.cents(line["amount"] as? String),
                WholeOrderBodies.cents(item.ItemPrice?.Amount) - WholeOrderBodies.cents(item.PromotionDiscount?.Amount),
                item.SellerSKU)
            XCTAssertEqual(
                WholeOrderBodies.cents(line["tax1Amt"] as? String), WholeOrderBodies.cents(item.ItemTax?.Amount),
                item.SellerSKU)
            XCTAssertEqual((line["item"] as? [String: Any])?["id"] as? String, rig.mapping.items[item.SellerSKU])
        }
        let shipping = items.reduce(0) { $0 + WholeOrderBodies.cents($1.ShippingPrice?.Amount ?? "0") }
        XCTAssertEqual(WholeOrderBodies.cents(salesOrder.fields["shippingCost"]), shipping)
        let order = try await XCTUnwrapAsync(await store.order(orderID))
        XCTAssertEqual(
            WholeOrderBodies.cents(salesOrder.fields["custbody_driftless_total"]),
            WholeOrderBodies.cents(order.OrderTotal.Amount))
        // No Restricted Data Token: no buyer, no address; the configured default customer.
        XCTAssertEqual(
            WholeOrderBodies.object(salesOrder.fields["entity"])?["id"] as? String, rig.mapping.defaultCustomer)
        XCTAssertNil(salesOrder.fields["shippingAddress"])
    }

    /// With `restrictedDataToken` on, `getOrders` is called with a Restricted Data Token and returns
    /// the buyer and the full address: the sales order gets them (the buyer matched by email).
    func testWithARestrictedDataTokenTheBuyerAndTheAddressReachTheSalesOrder() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_795_000_000))
        let store = MarketplaceStore(seed: 4)
        let orderID = await store.createOrder(status: "Unshipped", at: clock.now.addingTimeInterval(-600))
        let marketplace = try await MarketplaceSimulator.start(
            store: store, rate: 1000, burst: 1000, orderItemsRate: 1000, orderItemsBurst: 1000, now: { clock.now })
        let broker = try TestBroker.mock()
        let topics = PipelineTopics(prefix: broker.uniqueName("dl"))
        try await broker.createTopic(named: topics.ingestRaw, partitions: 1)
        let producer = try KafkaProducer(config: broker.config())
        let rig = try await WholeOrderRig.start()
        defer {
            Task {
                await rig.stop()
                await marketplace.stop()
                await producer.close()
            }
        }
        var configuration = PollerConfiguration(baseURL: marketplace.server.baseURL)
        configuration.orderItems = true
        configuration.restrictedDataToken = true
        configuration.rateLimitPerSecond = 1000
        configuration.rateLimitBurst = 1000
        configuration.orderItemsRateLimitPerSecond = 1000
        configuration.orderItemsRateLimitBurst = 1000
        configuration.initialLookbackSeconds = 3600
        let poller = MarketplacePoller(
            configuration: configuration, topics: topics, sink: producer, audit: DiscardingAuditSink(),
            checkpoints: MemoryCheckpoints(), now: { clock.now })
        let window = try await XCTUnwrapAsync(try await poller.pollWindow())
        XCTAssertEqual(window.records, 1)
        XCTAssertEqual(marketplace.restrictedDataTokensIssued, 1)

        let raw = try await readAll(broker, topic: topics.ingestRaw, count: 1)
        let message = try XCTUnwrap(raw.first)
        let body = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(message.value ?? [])) as? [String: Any])
        let buyer = try XCTUnwrap(body["BuyerInfo"] as? [String: Any], "getOrders with an RDT carries BuyerInfo")
        let address = try XCTUnwrap(body["ShippingAddress"] as? [String: Any])
        let email = try XCTUnwrap(buyer["BuyerEmail"] as? String)
        let line1 = try XCTUnwrap(address["AddressLine1"] as? String)
        try await rig.deliver(message: message)
        let eid = ERPEffect.externalID("so", "amazon", orderID)
        let salesOrder = try await XCTUnwrapAsync(await rig.erp.simulator.store.find(.salesOrder, id: "eid:\(eid)"))
        let shipTo = try XCTUnwrap(WholeOrderBodies.object(salesOrder.fields["shippingAddress"]))
        XCTAssertEqual(shipTo["addr1"] as? String, line1)
        XCTAssertEqual(shipTo["zip"] as? String, address["PostalCode"] as? String)
        XCTAssertEqual(shipTo["addressee"] as? String, address["Name"] as? String)
        XCTAssertEqual(
            WholeOrderBodies.object(salesOrder.fields["entity"])?["externalId"] as? String,
            ERPEffect.externalID("amazon", "guest", email.lowercased()))
    }

    func testAnUnknownAmazonSKUIsQuarantinedLikeAShopifyOne() async throws {
        let rig = try await WholeOrderRig.start()
        defer { Task { await rig.stop() } }
        let order: [String: Any] = [
            "AmazonOrderId": "902-0000001-0000001", "LastUpdateDate": "2026-12-01T10:00:00Z",
            "OrderStatus": "Unshipped", "OrderTotal": ["CurrencyCode": "USD", "Amount": "10.00"],
            AmazonOrderContent.itemsKey: [
                [
                    "OrderItemId": "1", "SellerSKU": "NOT-IN-MAP", "QuantityOrdered": 1,
                    "ItemPrice": ["CurrencyCode": "USD", "Amount": "10.00"],
                ]
            ],
        ]
        let envelope = Envelope(
            eventID: "902-0000001-0000001@2026-12-01T10:00:00Z", channel: .amazon, orderID: "902-0000001-0000001",
            kind: "amazon/order")
        let message = KafkaMessage(
            topic: "t.ingest.raw", partition: 0, offset: 1, key: Array("amazon:902-0000001-0000001".utf8),
            value: Array(try JSONSerialization.data(withJSONObject: order)), headers: envelope.headers)
        do {
            try await rig.deliver(message: message)
            XCTFail("an unmapped SKU was accepted")
        } catch let rejection as StageRejection {
            XCTAssertEqual(rejection.code, "unmapped-sku")
            XCTAssertTrue(rejection.description.contains("NOT-IN-MAP"), rejection.description)
        }
    }
}

/// A sink whose first `failing` sends fail (Kafka refusing them), then forwards.
final class FirstSendsFail: RecordSink {
    private let inner: any RecordSink
    private let remaining: Mutex<Int>

    init(inner: any RecordSink, failing: Int) {
        self.inner = inner
        remaining = Mutex(failing)
    }

    struct Refused: Error {}

    private func take() throws {
        try remaining.withLock { value in
            if value > 0 {
                value -= 1
                throw Refused()
            }
        }
    }

    func send(_ record: ProducerRecord) async throws -> DeliveryReport {
        try take()
        return try await inner.send(record)
    }

    func send(_ records: [ProducerRecord]) async throws -> [DeliveryReport] {
        for _ in records { try take() }
        return try await inner.send(records)
    }
}

/// Checkpoints in memory (one test's poller instances share them).
final class MemoryCheckpoints: PollerCheckpointStore {
    private let marks = Mutex<[String: Date]>([:])

    func load(_ name: String) async throws -> Date? { marks.withLock { $0[name] } }

    func save(_ name: String, checkpoint: Date) async throws { marks.withLock { $0[name] = checkpoint } }
}

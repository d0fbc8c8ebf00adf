import Foundation
import OrderModel
import XCTest

/// Issue 24: the merged order carries its content — read from Shopify order bodies, `orders/edited`
/// and refunds — and merges deterministically whatever order the events arrive in.
final class OrderContentTests: XCTestCase {
    /// Customer, lines, quantities, amounts, addresses, shipments and refunds as the body states
    /// them (the expectations are read from the body's JSON here, independently of the decoder).
    func testContentOfAShopifyBodyMatchesTheBody() throws {
        let bytes = try fixture("shopify-order-fulfilled-refunded.json")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let content = try ShopifyOrderContent.decode(from: bytes)

        XCTAssertEqual(content.name, json["name"] as? String)
        XCTAssertEqual(content.currency, json["currency"] as? String)
        let customer = try XCTUnwrap(json["customer"] as? [String: Any])
        XCTAssertEqual(content.customer?.id, (customer["id"] as? NSNumber)?.stringValue)
        XCTAssertEqual(content.customer?.email, customer["email"] as? String)
        let ship = try XCTUnwrap(json["shipping_address"] as? [String: Any])
        XCTAssertEqual(content.shippingAddress?.address1, ship["address1"] as? String)
        XCTAssertEqual(content.shippingAddress?.zip, ship["zip"] as? String)
        XCTAssertEqual(content.shippingAddress?.countryCode, ship["country_code"] as? String)

        let items = try XCTUnwrap(json["line_items"] as? [[String: Any]])
        XCTAssertEqual(content.lines.count, items.count)
        for item in items {
            let id = try XCTUnwrap((item["id"] as? NSNumber)?.stringValue)
            let line = try XCTUnwrap(content.lines.first { $0.id == id })
            XCTAssertEqual(line.sku, item["sku"] as? String)
            XCTAssertEqual(line.quantity, (item["quantity"] as? NSNumber)?.intValue)
            XCTAssertEqual(line.unitPrice, Money(try XCTUnwrap(item["price"] as? String)))
            let allocations = (item["discount_allocations"] as? [[String: Any]] ?? [])
                .compactMap { ($0["amount"] as? String).flatMap(Money.init) }
            XCTAssertEqual(line.discount, allocations.reduce(Money.zero, +))
            let taxes = (item["tax_lines"] as? [[String: Any]] ?? []).compactMap {
                ($0["price"] as? String).flatMap(Money.init)
            }
            XCTAssertEqual(line.tax, taxes.reduce(Money.zero, +))
        }
        XCTAssertEqual(content.totals.total, (json["total_price"] as? String).flatMap(Money.init))

        // Shipments: only those that count (a cancelled fulfilment ships nothing), with their lines.
        let fulfillments = try XCTUnwrap(json["fulfillments"] as? [[String: Any]])
        let live = fulfillments.filter { ($0["status"] as? String) != "cancelled" }
        XCTAssertEqual(content.shipments.map(\.id), live.compactMap { ($0["id"] as? NSNumber)?.stringValue })
        let firstLines = (live.first?["line_items"] as? [[String: Any]] ?? []).map {
            OrderLineQuantity(
                lineID: ($0["id"] as? NSNumber)?.stringValue ?? "",
                quantity: ($0["quantity"] as? NSNumber)?.intValue ?? 0)
        }
        XCTAssertEqual(content.shipments.first?.lines, firstLines)

        let refund = try XCTUnwrap((json["refunds"] as? [[String: Any]])?.first)
        let refundLine = try XCTUnwrap((refund["refund_line_items"] as? [[String: Any]])?.first)
        let decoded = try XCTUnwrap(content.refunds.first)
        XCTAssertEqual(decoded.lines.first?.lineID, (refundLine["line_item_id"] as? NSNumber)?.stringValue)
        XCTAssertEqual(decoded.lines.first?.quantity, (refundLine["quantity"] as? NSNumber)?.intValue)
        XCTAssertEqual(decoded.lines.first?.restocked, true)
        XCTAssertEqual(decoded.amount, Money("16.20"))
        XCTAssertTrue(content.isComplete)
    }

    /// The translator attaches the content to the observation; the fact survives the merge.
    func testTranslatorCarriesContentIntoFacts() throws {
        let translator = try defaultTranslator()
        let observation = try translator.translate(
            channel: .shopify, payload: try fixture("shopify-order-fulfilled-refunded.json"), eventID: "w1")
        let content = try XCTUnwrap(observation.facts.content)
        XCTAssertEqual(content.skus, ["MS2-M", "TR-9-SLATE"])
        XCTAssertEqual(observation.facts.merged(with: .none).content, content)
    }

    /// `orders/edited` is read (not an order body): the edit's lines and `committed_at`.
    func testOrdersEditedBodyBecomesAnEditObservation() throws {
        let body = Array(
            """
            {"order_edit":{"id":9001,"app_id":null,"created_at":"2026-12-01T10:00:00Z","committed_at":"2026-12-01T10:00:05Z",
            "notify_customer":false,"order_id":5678123401,"staff_note":"replacement","user_id":1,
            "line_items":{"additions":[{"id":14009,"delta":1}],"removals":[{"id":14002,"delta":1}]},
            "discounts":{"additions":[],"removals":[]},"shipping_lines":{"additions":[],"removals":[]}}}
            """.utf8)
        let observation = try defaultTranslator().translate(
            channel: .shopify, payload: body, eventID: "w-edit", kind: "orders/edited")
        XCTAssertEqual(observation.key, OrderKey(channel: .shopify, orderID: "5678123401"))
        XCTAssertEqual(observation.sourceTimestamp, ts("2026-12-01T10:00:05Z"))
        XCTAssertEqual(observation.dimensions, .initial)
        let edit = try XCTUnwrap(observation.facts.content?.edits.first)
        XCTAssertEqual(edit.additions, [OrderLineQuantity(lineID: "14009", quantity: 1)])
        XCTAssertEqual(edit.removals, [OrderLineQuantity(lineID: "14002", quantity: 1)])
    }

    /// Every arrival order of two bodies and two edits gives the same content: the newest body
    /// wins, edits it already shows are dropped, later ones apply in `committed_at` order.
    func testMergeIsTheSameForEveryArrivalOrder() {
        let older = body(stamp: "2026-12-01T09:00:00Z", lines: [line("1", "A", 2), line("2", "B", 1)])
        let newer = body(stamp: "2026-12-01T11:00:00Z", lines: [line("1", "A", 3), line("2", "B", 1)])
        let shownEdit = OrderEdit(
            id: "e1", committedAt: ContentStamp(ts("2026-12-01T10:00:00Z")),
            additions: [OrderLineQuantity(lineID: "1", quantity: 1)], removals: [])
        let laterEdit = OrderEdit(
            id: "e2", committedAt: ContentStamp(ts("2026-12-01T12:00:00Z")), additions: [],
            removals: [OrderLineQuantity(lineID: "2", quantity: 1)])
        let parts = [older, newer, OrderContent(edit: shownEdit), OrderContent(edit: laterEdit)]
        var results: Set<OrderContent> = []
        for permutation in permutations(parts) {
            var merged = permutation[0]
            for next in permutation.dropFirst() { merged = merged.merged(with: next) }
            // Duplicates change nothing.
            merged = merged.merged(with: permutation[1])
            results.insert(merged)
        }
        XCTAssertEqual(results.count, 1)
        let merged = try? XCTUnwrap(results.first)
        XCTAssertEqual(merged?.stamp, newer.stamp)
        XCTAssertEqual(merged?.edits.map(\.id), ["e2"])
        XCTAssertEqual(merged?.effectiveLines.map(\.quantity), [3])
        XCTAssertEqual(merged?.effectiveLines.map(\.id), ["1"])
    }

    /// An edit adding a line no body has described leaves the content incomplete until the body.
    func testAnEditAddingAnUnknownLineWaitsForTheBody() {
        let original = body(stamp: "2026-12-01T09:00:00Z", lines: [line("1", "A", 1)])
        let edit = OrderEdit(
            id: "e9", committedAt: ContentStamp(ts("2026-12-01T10:00:00Z")),
            additions: [OrderLineQuantity(lineID: "7", quantity: 1)], removals: [])
        let edited = original.merged(with: OrderContent(edit: edit))
        XCTAssertFalse(edited.isComplete)
        let after = body(stamp: "2026-12-01T10:00:01Z", lines: [line("1", "A", 1), line("7", "R", 1)])
        let complete = edited.merged(with: after)
        XCTAssertTrue(complete.isComplete)
        XCTAssertEqual(complete.effectiveLines.map(\.sku), ["A", "R"])
        XCTAssertNotEqual(complete.linesDigest, original.linesDigest)
    }

    func testMoneyParsesAndPrintsToTheCent() {
        XCTAssertEqual(Money("12.34")?.cents, 1234)
        XCTAssertEqual(Money("7")?.cents, 700)
        XCTAssertEqual(Money("-0.05")?.cents, -5)
        XCTAssertEqual(Money("1.005")?.cents, 101)
        XCTAssertNil(Money("abc"))
        XCTAssertNil(Money("1.2.3"))
        XCTAssertEqual(Money(cents: -1205).description, "-12.05")
    }

    // MARK: Helpers

    private func line(_ id: String, _ sku: String, _ quantity: Int) -> OrderLine {
        OrderLine(id: id, sku: sku, quantity: quantity, unitPrice: Money(cents: 1000))
    }

    private func body(stamp: String, lines: [OrderLine]) -> OrderContent {
        OrderContent(stamp: ContentStamp(ts(stamp)), name: "#1", lines: lines)
    }

    private func permutations<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        var out: [[T]] = []
        for index in items.indices {
            var rest = items
            let head = rest.remove(at: index)
            for tail in permutations(rest) { out.append([head] + tail) }
        }
        return out
    }
}

import Foundation
import OrderModel
import Simulators
import XCTest

/// Shopify REST order bodies for issue 24's tests, and the checks of ERP records against them —
/// written from Shopify's Order resource, sharing nothing with the decoder or the planner.
enum WholeOrderBodies {
    /// (line id, SKU, quantity, unit price, line discount)
    typealias Line = (String, String, Int, String, String)

    struct LineQuantity: Hashable, CustomStringConvertible {
        var id: String
        var quantity: Int
        var description: String { "\(id)×\(quantity)" }
    }

    static func order(
        id: Int64, updatedAt: String, customerID: Int64?, email: String, lines: [Line], financial: String,
        captures: [(String, String)] = [], fulfillmentStatus: String? = nil,
        fulfillments: [(String, String, [(String, Int)])] = []
    ) -> [String: Any] {
        let address: [String: Any] = [
            "first_name": "Ada", "last_name": "Lindqvist", "address1": "\(id % 900) Main St", "city": "Portland",
            "province_code": "OR", "zip": "97205", "country_code": "US",
        ]
        var body: [String: Any] = [
            "id": id, "name": "#\(id % 10000)", "email": email, "currency": "USD", "created_at": "2026-12-01T09:00:00Z",
            "updated_at": updatedAt, "financial_status": financial,
            "fulfillment_status": fulfillmentStatus ?? NSNull(),
            "line_items": lines.map { line in
                [
                    "id": Int64(line.0) ?? 0, "sku": line.1, "title": line.1, "quantity": line.2,
                    "current_quantity": line.2, "price": line.3,
                    "discount_allocations": line.4 == "0.00" ? [] : [["amount": line.4]],
                    "tax_lines": [["title": "OR", "rate": 0.0, "price": "0.00"]],
                ] as [String: Any]
            },
            "shipping_lines": [["code": "Standard", "title": "Standard", "price": "8.00"]],
            "shipping_address": address, "billing_address": address,
            "transactions": captures.enumerated().map { index, capture in
                [
                    "id": id * 10 + Int64(index), "kind": "capture", "status": "success", "gateway": "shopify_payments",
                    "authorization": capture.0, "amount": capture.1,
                ] as [String: Any]
            },
            "fulfillments": fulfillments.map { fulfilment in
                [
                    "id": fulfilment.0, "status": "success", "tracking_company": "UPS",
                    "tracking_numbers": [fulfilment.1],
                    "line_items": fulfilment.2.map { ["id": Int64($0.0) ?? 0, "quantity": $0.1] },
                ] as [String: Any]
            },
        ]
        if let customerID {
            body["customer"] = ["id": customerID, "email": email, "first_name": "Ada", "last_name": "Lindqvist"]
        }
        return body
    }

    static func edit(id: Int64, orderID: Int64, committedAt: String, added: [(String, Int)]) -> [String: Any] {
        [
            "order_edit": [
                "id": id, "order_id": orderID, "created_at": committedAt, "committed_at": committedAt,
                "line_items": [
                    "additions": added.map { ["id": Int64($0.0) ?? 0, "delta": $0.1] },
                    "removals": [] as [Any],
                ],
            ] as [String: Any]
        ]
    }

    /// The sales order says what `body` says: customer, name, lines (item, quantity, rate, amount
    /// after discount, to the cent), shipping address.
    static func assertSalesOrder(
        _ record: ERPRecord, matches body: [String: Any], mapping: ContentMapping,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let entity = object(record.fields["entity"])
        if let customer = body["customer"] as? [String: Any] {
            XCTAssertEqual(
                entity?["externalId"] as? String, "shopify-customer-\(customer["id"] ?? "")", file: file, line: line)
        } else {
            let email = ((body["email"] as? String) ?? "").lowercased()
            XCTAssertEqual(
                entity?["externalId"] as? String, ERPEffect.externalID("shopify", "guest", email), file: file,
                line: line)
        }
        XCTAssertEqual(record.fields["otherRefNum"], body["name"] as? String, file: file, line: line)
        let items = (object(record.fields["item"])?["items"] as? [[String: Any]]) ?? []
        let expected = (body["line_items"] as? [[String: Any]] ?? []).filter {
            ($0["current_quantity"] as? Int ?? 0) > 0
        }
        XCTAssertEqual(items.count, expected.count, file: file, line: line)
        for want in expected {
            let id = "\(want["id"] ?? "")"
            guard let got = items.first(where: { ($0["custcol_driftless_line"] as? String) == id }) else {
                XCTFail("line \(id) missing from the sales order", file: file, line: line)
                continue
            }
            let quantity = want["current_quantity"] as? Int ?? 0
            let price = cents(want["price"] as? String)
            let discount = ((want["discount_allocations"] as? [[String: Any]]) ?? []).reduce(0) {
                $0 + cents($1["amount"] as? String)
            }
            XCTAssertEqual((got["quantity"] as? NSNumber)?.intValue, quantity, file: file, line: line)
            XCTAssertEqual(cents(got["rate"] as? String), price, file: file, line: line)
            XCTAssertEqual(cents(got["amount"] as? String), price * quantity - discount, file: file, line: line)
            let sku = want["sku"] as? String ?? ""
            XCTAssertEqual(
                (got["item"] as? [String: Any])?["id"] as? String, mapping.items[sku], file: file, line: line)
        }
        let address = object(record.fields["shippingAddress"])
        let shipTo = body["shipping_address"] as? [String: Any]
        XCTAssertEqual(address?["addr1"] as? String, shipTo?["address1"] as? String, file: file, line: line)
        XCTAssertEqual(address?["zip"] as? String, shipTo?["zip"] as? String, file: file, line: line)
        XCTAssertEqual(address?["country"] as? String, shipTo?["country_code"] as? String, file: file, line: line)
    }

    static func lineQuantities(_ json: String?) -> [LineQuantity] {
        ((object(json)?["items"] as? [[String: Any]]) ?? []).map {
            LineQuantity(
                id: ($0["custcol_driftless_line"] as? String) ?? "",
                quantity: ($0["quantity"] as? NSNumber)?.intValue ?? -1)
        }
    }

    static func itemIDs(_ json: String?) -> [String] {
        ((object(json)?["items"] as? [[String: Any]]) ?? []).compactMap {
            ($0["item"] as? [String: Any])?["id"] as? String
        }
    }

    static func object(_ json: String?) -> [String: Any]? {
        guard let data = json?.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// Cents of decimal text, computed here (not with the model's `Money`).
    static func cents(_ text: String?) -> Int {
        guard let text else { return Int.min }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let whole = Int(parts.first ?? "") ?? 0
        let fraction =
            parts.count > 1 ? String(parts[1].prefix(2)).padding(toLength: 2, withPad: "0", startingAt: 0) : "00"
        return whole * 100 + (Int(fraction) ?? 0)
    }
}

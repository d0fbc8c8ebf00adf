import OrderModel
import XCTest

/// The sales order's external id read back into the order's key (reconciliation's ERP-side sweep).
final class SalesOrderExternalIDTests: XCTestCase {
    func testRoundTripsEveryOrderIDAndRefusesOthers() {
        let keys = [
            OrderKey(channel: .shopify, orderID: "5600000000000"),
            OrderKey(channel: .amazon, orderID: "113-1234567-0000001"),
            OrderKey(channel: .amazon, orderID: "weird id/ü_-x"),
        ]
        for key in keys {
            let external = SalesOrderExternalID.of(key)
            XCTAssertEqual(
                external, ERPEffect.externalID("so", key.channel.rawValue, key.orderID), "what dispatch writes")
            XCTAssertEqual(SalesOrderExternalID.orderKey(external), key, external)
        }
        XCTAssertEqual(SalesOrderExternalID.of(keys[1]), "so-amazon-113_2d1234567_2d0000001")
        for foreign in [
            "legacy-7", "so-shopify", "so-erp-1", "so-ebay-1", "so-shopify-", "so-shopify-1_2", "so-shopify-1_zz",
            "so-shopify-1-2", "so-shopify-1_41",  // `A` escaped: dispatch never writes that
        ] {
            XCTAssertNil(SalesOrderExternalID.orderKey(foreign), foreign)
        }
    }
}

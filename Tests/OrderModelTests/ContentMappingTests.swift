import OrderModel
import XCTest

/// Issue 24: content mapping sits next to the status tables in the mapping file.
final class ContentMappingTests: XCTestCase {
    func testBundledMappingMapsSKUsAndShipping() throws {
        let content = try MappingMatrix.default.content
        XCTAssertTrue(content.checksSKUs)
        XCTAssertEqual(content.items["TR-9-SLATE"], "1109")
        XCTAssertEqual(content.shippingItem(for: "Express"), "2002")
        XCTAssertEqual(content.shippingItem(for: "Drone"), "2000")
    }

    func testUnmappedSKUsAreReported() {
        let mapping = ContentMapping(items: ["A": "1"])
        let order = OrderContent(
            stamp: nil,
            lines: [
                OrderLine(id: "1", sku: "A", quantity: 1, unitPrice: .zero),
                OrderLine(id: "2", sku: "Z", quantity: 1, unitPrice: .zero),
                OrderLine(id: "3", sku: "Z", quantity: 2, unitPrice: .zero),
            ])
        XCTAssertEqual(mapping.unmappedSKUs(in: order), ["Z"])
        XCTAssertEqual(ContentMapping.none.unmappedSKUs(in: order), [])
    }

    func testCustomersByExternalIDGuestsByEmailOrDefault() {
        let byEmail = ContentMapping(guests: .email, defaultCustomer: "9")
        XCTAssertEqual(
            byEmail.customerExternalID(OrderCustomer(id: "42", email: "a@b.c"), channel: .shopify),
            "shopify-customer-42")
        XCTAssertEqual(
            byEmail.customerExternalID(OrderCustomer(email: "A@B.c"), channel: .shopify),
            ERPEffect.externalID("shopify", "guest", "a@b.c"))
        let byDefault = ContentMapping(guests: .default, defaultCustomer: "9")
        XCTAssertNil(byDefault.customerExternalID(OrderCustomer(email: "a@b.c"), channel: .shopify))
    }

    func testContentSectionProblemsAreIssuesWithLines() throws {
        let base = try XCTUnwrap(MappingMatrix.defaultYAML)
        let broken = base.replacingOccurrences(of: "  rounding: 2\n", with: "  rounding: 7\n  colour: blue\n")
        do {
            _ = try MappingMatrix.load(yaml: broken, fileName: "m.yaml")
            XCTFail("a broken content section loaded")
        } catch {
            let text = error.issues.map(\.description).joined(separator: "\n")
            XCTAssertTrue(text.contains("colour"), text)
            XCTAssertTrue(text.contains("rounding"), text)
            XCTAssertTrue(error.issues.allSatisfy { $0.line != nil }, text)
        }
    }
}

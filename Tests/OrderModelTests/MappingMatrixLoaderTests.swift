import OrderModel
import XCTest

/// Loader errors carry file, line and value. Each case edits one line of the bundled default file.
final class MappingMatrixLoaderTests: XCTestCase {
    func defaultText() throws -> String { try XCTUnwrap(MappingMatrix.defaultYAML) }

    /// The 1-based line number of the first line containing `needle`.
    func line(of needle: String, in text: String) throws -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return try XCTUnwrap(lines.firstIndex { $0.contains(needle) }, needle) + 1
    }

    func load(_ text: String) -> [MappingIssue] {
        do {
            _ = try MappingMatrix.load(yaml: text, fileName: "edited.yaml")
            return []
        } catch {
            return error.issues
        }
    }

    func testDefaultFileHasNoIssues() throws {
        XCTAssertEqual(load(try defaultText()), [])
    }

    func testUnknownDimensionValueNamesLineAndValue() throws {
        let text = try defaultText().replacingOccurrences(
            of: "paid:               { payment: captured,", with: "paid:               { payment: capturd,")
        let issues = load(text)
        XCTAssertEqual(issues.count, 1, "\(issues)")
        let issue = try XCTUnwrap(issues.first)
        XCTAssertEqual(issue.problem, .unknownDimensionValue(dimension: "payment"))
        XCTAssertEqual(issue.value, "capturd")
        XCTAssertEqual(issue.file, "edited.yaml")
        XCTAssertEqual(issue.line, try line(of: "payment: capturd", in: text))
        XCTAssertTrue(issue.description.hasPrefix("edited.yaml:\(issue.line ?? 0):"), issue.description)
    }

    func testMissingVersion() throws {
        let text = try defaultText().replacingOccurrences(of: "\nversion: 1\n", with: "\n")
        let issues = load(text)
        XCTAssertEqual(issues.map(\.problem), [.missingVersion])
    }

    func testInvalidVersion() throws {
        let text = try defaultText().replacingOccurrences(of: "\nversion: 1\n", with: "\nversion: one\n")
        let issues = load(text)
        XCTAssertEqual(issues.map(\.problem), [.invalidVersion])
        XCTAssertEqual(issues.first?.line, try line(of: "version: one", in: text))
    }

    func testDuplicateKeyPointsAtBothLines() throws {
        let text = try defaultText().replacingOccurrences(
            of: "    refunded:           { payment: refunded, canonical: REFUNDED }\n",
            with:
                "    refunded:           { payment: refunded, canonical: REFUNDED }\n    refunded:           { payment: partiallyRefunded }\n"
        )
        let issues = load(text)
        XCTAssertEqual(issues.count, 1, "\(issues)")
        let first = try line(of: "refunded:           { payment: refunded", in: text)
        XCTAssertEqual(issues.first?.problem, .duplicateKey(firstLine: first))
        XCTAssertEqual(issues.first?.line, first + 1)
        XCTAssertEqual(issues.first?.value, "refunded")
    }

    func testUnmappedRequiredValue() throws {
        let text = try defaultText().replacingOccurrences(
            of: "    InvoiceUnconfirmed: { payment: captured, fulfillment: fulfilled, canonical: SHIPPED }\n", with: "")
        let issues = load(text)
        XCTAssertEqual(issues.map(\.problem), [.unmappedValue(channel: .amazon, field: "order_status")])
        XCTAssertEqual(issues.first?.value, "InvoiceUnconfirmed")
        XCTAssertEqual(issues.first?.line, try line(of: "  order_status:", in: text), "points at the field's table")
    }

    func testUnknownCanonicalStates() throws {
        let text = try defaultText()
            .replacingOccurrences(
                of: "  SHIPPED:            { erp_status: F", with: "  SHIPPPED:           { erp_status: F"
            )
            .replacingOccurrences(
                of: "Shipped:            { payment: captured, fulfillment: fulfilled, canonical: SHIPPED }",
                with: "Shipped:            { payment: captured, fulfillment: fulfilled, canonical: DELIVERED }")
        let issues = load(text)
        XCTAssertEqual(Set(issues.map(\.problem)), [.unknownCanonicalState, .missingCanonicalState])
        let unknown = issues.filter { $0.problem == .unknownCanonicalState }
        XCTAssertEqual(Set(unknown.compactMap(\.value)), ["SHIPPPED", "DELIVERED"])
        XCTAssertEqual(issues.first { $0.value == "DELIVERED" }?.line, try line(of: "DELIVERED", in: text))
        XCTAssertEqual(issues.first { $0.problem == .missingCanonicalState }?.value, "SHIPPED")
    }

    func testCanonicalMismatchIsCaught() throws {
        let text = try defaultText().replacingOccurrences(
            of: "Unshipped:          { payment: authorized, canonical: PAYMENT_AUTHORIZED }",
            with: "Unshipped:          { payment: authorized, canonical: PAYMENT_CAPTURED }")
        let issues = load(text)
        XCTAssertEqual(
            issues.map(\.problem), [.canonicalMismatch(declared: .paymentCaptured, derived: .paymentAuthorized)])
        XCTAssertEqual(issues.first?.value, "Unshipped")
    }

    func testUnknownFieldSectionDimensionAndERPValues() throws {
        let text =
            try defaultText()
            .replacingOccurrences(of: "  financial_status:\n", with: "  financial_stat:\n")
            .replacingOccurrences(of: "  H: { payment: captured,", with: "  H: { paymnt: captured,")
            .replacingOccurrences(
                of: "PENDING_PAYMENT:    { erp_status: A,", with: "PENDING_PAYMENT:    { erp_status: Q,"
            )
            .replacingOccurrences(
                of: "CLOSED:             { erp_status: H, erp_action: orderClosed }",
                with: "CLOSED:             { erp_status: H, erp_action: orderShredded }")
            + "\nwoocommerce: {}\n"
        let problems = load(text).map(\.problem)
        XCTAssertTrue(problems.contains(.unknownField(channel: "shopify")), "\(problems)")
        XCTAssertTrue(problems.contains(.unmappedValue(channel: .shopify, field: "financial_status")))
        XCTAssertTrue(problems.contains(.unknownDimension))
        XCTAssertTrue(problems.contains(.unknownERPStatus))
        XCTAssertTrue(problems.contains(.unknownERPAction))
        XCTAssertTrue(problems.contains(.unknownSection))
    }

    func testYAMLSyntaxErrorHasALine() throws {
        let text = "version: 1\nshopify:\n  financial_status:\n    paid: { payment: captured\n"
        let issues = load(text)
        XCTAssertEqual(issues.count, 1)
        guard case .syntax = issues.first?.problem else { return XCTFail("\(issues)") }
        XCTAssertNotNil(issues.first?.line)
    }

    func testNonMappingDocument() {
        guard case .notAMapping = load("- just\n- a list\n").first?.problem else { return XCTFail() }
        guard case .notAMapping = load("").first?.problem else { return XCTFail() }
    }

    func testExtraChannelValuesExtendTheMatrix() throws {
        let text = try defaultText().replacingOccurrences(
            of: "    Canceled:           { lifecycle: cancelled, canonical: CANCELLED }\n",
            with:
                "    Canceled:           { lifecycle: cancelled, canonical: CANCELLED }\n    Delivered:          { payment: captured, fulfillment: fulfilled }\n"
        )
        let matrix = try MappingMatrix.load(yaml: text, fileName: "extended.yaml")
        let obs = try ChannelTranslator(matrix: matrix).translate(
            channel: .amazon,
            payload: Array(
                #"{"AmazonOrderId": "1", "LastUpdateDate": "2026-11-21T04:33:10Z", "OrderStatus": "Delivered"}"#.utf8),
            eventID: nil)
        XCTAssertEqual(obs.canonicalState, .shipped)
    }

    func testDocumentationAndDiff() throws {
        let old = try MappingMatrix.default
        let doc = MappingDocumentation.markdown(old)
        XCTAssertTrue(doc.contains("| `paid`, `partially_paid`") == false)
        XCTAssertTrue(
            doc.contains("`PAYMENT_CAPTURED` | B Pending Fulfillment | Invoice / Customer Deposit Created"), doc)
        XCTAssertTrue(doc.contains("| `financial_status=paid` |"), doc)
        XCTAssertFalse(doc.contains("fulfillment_status=null"), "defaults-only values are not listed")
        XCTAssertTrue(doc.contains("| `closed_at set` | — | `CLOSED` | H Closed"), doc)
        XCTAssertTrue(doc.contains("`Shipped`, `InvoiceUnconfirmed` | `SHIPPED` | F Pending Billing"), doc)
        for state in CanonicalState.allCases { XCTAssertTrue(doc.contains("`\(state.rawValue)`")) }

        let text = try defaultText()
            .replacingOccurrences(of: "\nversion: 1\n", with: "\nversion: 2\n")
            .replacingOccurrences(
                of: "partially_paid:     { payment: partiallyPaid, canonical: PAYMENT_AUTHORIZED }",
                with: "partially_paid:     { payment: captured, canonical: PAYMENT_CAPTURED }"
            )
            .replacingOccurrences(
                of: "  SHIPPED:            { erp_status: F,", with: "  SHIPPED:            { erp_status: G,")
        let new = try MappingMatrix.load(yaml: text, fileName: "new.yaml")
        let diff = MappingDiff(old: old, new: new)
        XCTAssertEqual(diff.changes.map(\.key), ["partially_paid", "SHIPPED"])
        XCTAssertEqual(
            diff.changes.first?.description,
            "~ shopify.financial_status partially_paid: payment=partiallyPaid → payment=captured")
        XCTAssertTrue(diff.text.hasPrefix("version 1 → 2\n"))

        let report = PayloadReplay.compare(
            old: old, new: new,
            payloads: [
                .init(name: "a.json", bytes: shopifyJSON(financial: "partially_paid")),
                .init(name: "b.json", bytes: shopifyJSON(financial: "paid")),
                .init(name: "c.json", bytes: shopifyJSON(financial: "paid", fulfillment: "fulfilled")),
                .init(name: "d.json", bytes: Array("{}".utf8)),
            ])
        XCTAssertEqual(report.checked, 4)
        XCTAssertEqual(report.differences.map(\.name), ["a.json", "c.json"])
        XCTAssertEqual(report.unreadable, ["d.json"])
        XCTAssertTrue(report.differences[0].old.hasPrefix("PAYMENT_AUTHORIZED"))
        XCTAssertTrue(report.differences[0].new.hasPrefix("PAYMENT_CAPTURED"))
    }
}

extension MappingMatrixLoaderTests {
    func testCanonicalStateEntryKeys() throws {
        let text = try defaultText()
            .replacingOccurrences(
                of: "  CLOSED:             { erp_status: H, erp_action: orderClosed }",
                with: "  CLOSED:             { erp_status: H }"
            )
            .replacingOccurrences(
                of: "  REFUNDED:           { erp_status: H, erp_action: creditMemoCreated }",
                with: "  REFUNDED:           { erp_status: H, erp_action: creditMemoCreated, colour: red }")
        let issues = load(text)
        XCTAssertEqual(
            issues.map(\.problem), [.unknownKey(expected: "erp_status, erp_action, description"), .missingKey])
        XCTAssertEqual(issues.map(\.value), ["colour", "erp_action"])
        XCTAssertEqual(issues.last?.line, try line(of: "  CLOSED:             { erp_status: H }", in: text))
    }
}

import Foundation
import OrderModel
import XCTest

/// Reads a fixture from the test bundle.
func fixture(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> [UInt8] {
    let url = try XCTUnwrap(
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
        "fixture \(name) missing", file: file, line: line)
    return Array(try Data(contentsOf: url))
}

/// The bundled matrix and a translator over it.
func defaultTranslator() throws -> ChannelTranslator {
    ChannelTranslator(matrix: try MappingMatrix.default)
}

/// Builds a timestamp from an RFC 3339 string (test literals only).
func ts(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Date {
    guard let date = RFC3339.parse(text) else {
        XCTFail("bad test timestamp \(text)", file: file, line: line)
        return Date(timeIntervalSince1970: 0)
    }
    return date
}

/// Asserts that `body` throws exactly `expected`.
func assertThrows<E: Error & Equatable, T>(
    _ expected: E, file: StaticString = #filePath, line: UInt = #line, _ body: () throws(E) -> T
) {
    do {
        let value = try body()
        XCTFail("expected \(expected), got \(value)", file: file, line: line)
    } catch {
        XCTAssertEqual(error, expected, file: file, line: line)
    }
}

/// A minimal Shopify order JSON with the given status fields.
func shopifyJSON(
    id: Int = 1001, updatedAt: String = "2026-11-20T10:00:00Z", financial: String = "paid",
    fulfillment: String? = nil, cancelledAt: String? = nil, cancelReason: String? = nil,
    returnStatus: String? = nil, restockType: String? = nil
) -> [UInt8] {
    var fields = [
        "\"id\": \(id)", "\"updated_at\": \"\(updatedAt)\"", "\"financial_status\": \"\(financial)\"",
        "\"fulfillment_status\": " + (fulfillment.map { "\"\($0)\"" } ?? "null"),
    ]
    if let cancelledAt { fields.append("\"cancelled_at\": \"\(cancelledAt)\"") }
    if let cancelReason { fields.append("\"cancel_reason\": \"\(cancelReason)\"") }
    if let returnStatus { fields.append("\"return_status\": \"\(returnStatus)\"") }
    if let restockType {
        fields.append("\"refunds\": [{\"id\": 77, \"refund_line_items\": [{\"restock_type\": \"\(restockType)\"}]}]")
    }
    return Array("{\(fields.joined(separator: ", "))}".utf8)
}

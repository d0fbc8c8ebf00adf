import Foundation
import Simulators
import XCTest

@testable import OrderModel

/// Differential check of `ShopifyOrder.decode`'s fast path against the `JSONDecoder` path.
enum ShopifyDecodeDifferential {
    /// The `JSONDecoder` path (`ShopifyOrder.init(from:)`), value or error.
    static func reference(_ bytes: [UInt8]) -> Result<ShopifyOrder, PayloadError> {
        Result { () throws(PayloadError) in
            try PayloadDecoding.decode(ShopifyOrder.self, from: bytes, maxBytes: PayloadLimits.defaultMaxBytes)
        }
    }

    /// The single-pass reader alone (nil = it hands the body to `JSONDecoder`).
    static func fast(_ bytes: [UInt8]) -> ShopifyOrder? {
        bytes.withUnsafeBufferPointer(ShopifyOrderReader.read)
    }

    /// Asserts that the fast path, when it answers, gives exactly `JSONDecoder`'s order (strings compared
    /// byte for byte, not only by canonical equivalence), and that both public entry points (`[UInt8]`
    /// and `Data`) give exactly `JSONDecoder`'s value or error. Returns whether the fast path answered.
    @discardableResult
    static func check(
        _ bytes: [UInt8], _ label: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
    ) -> Bool {
        let expected = reference(bytes)
        let fastOrder = fast(bytes)
        if let fastOrder {
            switch expected {
            case .success(let order):
                XCTAssertEqual(fastOrder, order, label(), file: file, line: line)
                let fastText = String(reflecting: fastOrder)
                let expectedText = String(reflecting: order)
                XCTAssertTrue(
                    fastText.utf8.elementsEqual(expectedText.utf8),
                    "strings differ in their bytes: \(fastText) vs \(expectedText): \(label())", file: file, line: line)
            case .failure(let error):
                XCTFail(
                    "fast path gave \(fastOrder) but JSONDecoder threw \(error): \(label())", file: file, line: line)
            }
        }
        let viaBytes = Result { () throws(PayloadError) in try ShopifyOrder.decode(from: bytes) }
        let viaData = Result { () throws(PayloadError) in try ShopifyOrder.decode(from: Data(bytes)) }
        XCTAssertEqual(viaBytes, expected, "[UInt8] entry point: \(label())", file: file, line: line)
        XCTAssertEqual(viaData, expected, "Data entry point: \(label())", file: file, line: line)
        return fastOrder != nil
    }

    /// The distinct webhook bodies of `orders` simulated order lifecycles, in delivery order.
    static func simulatorBodies(orders: Int, seed: UInt64 = 3) async throws -> [[UInt8]] {
        let store = StorefrontStore(seed: seed)
        let deliveries = try await StorefrontScenario.lifecycles(store: store, orders: orders, seed: seed)
        var seen = Set<[UInt8]>()
        return deliveries.map(\.body).filter { seen.insert($0).inserted }
    }
}

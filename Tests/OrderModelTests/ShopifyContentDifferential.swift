import Foundation
import XCTest

@testable import OrderModel

/// Differential check of `ShopifyOrderContent.decode`'s fast path against the `JSONDecoder` path.
enum ShopifyContentDifferential {
    /// The `JSONDecoder` path (`ShopifyOrderContent.Body.init(from:)`), value or error.
    static func reference(_ bytes: [UInt8]) -> Result<OrderContent, PayloadError> {
        Result { () throws(PayloadError) in
            try ShopifyOrderContent.decodeWithJSONDecoder(from: bytes, maxBytes: PayloadLimits.defaultMaxBytes)
        }
    }

    /// The single-pass reader alone (nil = it hands the body to `JSONDecoder`).
    static func fast(_ bytes: [UInt8]) -> OrderContent? {
        bytes.withUnsafeBufferPointer(ShopifyOrderContentReader.read)
    }

    /// Asserts that the fast path, when it answers, gives exactly `JSONDecoder`'s content (strings
    /// compared byte for byte, not only by canonical equivalence), and that `decode` gives exactly
    /// `JSONDecoder`'s value or error. Returns whether the fast path answered.
    @discardableResult
    static func check(
        _ bytes: [UInt8], _ label: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
    ) -> Bool {
        let expected = reference(bytes)
        let fastContent = fast(bytes)
        if let fastContent {
            switch expected {
            case .success(let content):
                XCTAssertEqual(fastContent, content, label(), file: file, line: line)
                let fastText = String(reflecting: fastContent)
                let expectedText = String(reflecting: content)
                XCTAssertTrue(
                    fastText.utf8.elementsEqual(expectedText.utf8),
                    "strings differ in their bytes: \(fastText) vs \(expectedText): \(label())", file: file, line: line)
            case .failure(let error):
                XCTFail(
                    "fast path gave \(fastContent) but JSONDecoder threw \(error): \(label())", file: file, line: line)
            }
        }
        let viaDecode = Result { () throws(PayloadError) in try ShopifyOrderContent.decode(from: bytes) }
        XCTAssertEqual(viaDecode, expected, "decode: \(label())", file: file, line: line)
        return fastContent != nil
    }
}

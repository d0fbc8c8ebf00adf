import XCTest

final class KafkaSmokeTests: XCTestCase {
    func testPlaceholderBuilds() throws {
        XCTAssertEqual(1 + 1, 2)
    }
}

import XCTest

final class LedgerSmokeTests: XCTestCase {
    func testPlaceholderBuilds() throws {
        XCTAssertEqual(1 + 1, 2)
    }
}

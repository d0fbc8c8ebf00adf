import XCTest

final class DriftlessCLISmokeTests: XCTestCase {
    func testPlaceholderBuilds() throws {
        XCTAssertEqual(1 + 1, 2)
    }
}

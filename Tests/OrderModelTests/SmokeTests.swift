import XCTest

final class OrderModelSmokeTests: XCTestCase {
    func testPlaceholderBuilds() throws {
        XCTAssertEqual(1 + 1, 2)
    }
}

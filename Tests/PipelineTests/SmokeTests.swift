import XCTest

final class PipelineSmokeTests: XCTestCase {
    func testPlaceholderBuilds() throws {
        XCTAssertEqual(1 + 1, 2)
    }
}

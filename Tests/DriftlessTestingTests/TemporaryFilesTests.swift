import DriftlessTesting
import Foundation
import XCTest

final class TemporaryFilesTests: XCTestCase {
    func testWritesNestedFilesAndRemovesEverything() throws {
        let files = try TemporaryFiles(prefix: "driftless-testing")
        XCTAssertTrue(files.directory.lastPathComponent.hasPrefix("driftless-testing-"))
        let path = try files.write("a: 1\n", "config/driftless.yaml")
        XCTAssertEqual(path, files.url("config/driftless.yaml").path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "a: 1\n")
        let other = try TemporaryFiles(prefix: "driftless-testing")
        XCTAssertNotEqual(other.directory, files.directory, "each test gets its own directory")
        files.remove()
        other.remove()
        XCTAssertFalse(FileManager.default.fileExists(atPath: files.directory.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: other.directory.path))
    }
}

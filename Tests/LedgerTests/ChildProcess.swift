import Foundation
import Ledger
import Logging
import XCTest

/// Runs this test binary again as a child process that executes only
/// ``LedgerStressChildTests/testStressWriterChild`` with its parameters in the environment.
enum ChildProcess {
    struct Result: Sendable {
        let status: Int32
        let output: String
    }

    static let urlVariable = "DRIFTLESS_LEDGER_CHILD_URL"
    static let countVariable = "DRIFTLESS_LEDGER_CHILD_COUNT"
    static let tagVariable = "DRIFTLESS_LEDGER_CHILD_TAG"

    /// The child ran its one test and it passed (not skipped, not failed).
    static func assertRan(_ result: Result, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 0, "child failed:\n\(result.output)", file: file, line: line)
        XCTAssertTrue(
            result.output.contains("Executed 1 test, with 0 failures"), "child did not run:\n\(result.output)",
            file: file, line: line)
        XCTAssertFalse(result.output.contains("skipped"), "child skipped:\n\(result.output)", file: file, line: line)
    }

    static func runStressWriter(url: String, count: Int, tag: String, timeout: Duration = .seconds(120)) async throws
        -> Result
    {
        let process = Process()
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0])
        #if os(macOS)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/xcrun")
            process.arguments = [
                "xctest", "-XCTest", "LedgerTests.LedgerStressChildTests/testStressWriterChild", testBinary.path,
            ]
        #else
            process.executableURL = testBinary
            process.arguments = ["LedgerTests.LedgerStressChildTests/testStressWriterChild"]
        #endif
        var environment = ProcessInfo.processInfo.environment
        environment[urlVariable] = url
        environment[countVariable] = String(count)
        environment[tagVariable] = tag
        process.environment = environment
        // Output goes to a file, so no thread blocks reading a pipe.
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ledger-child-\(tag)-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: logURL.path, contents: nil),
            let log = try? FileHandle(forWritingTo: logURL)
        else {
            throw LedgerError.invalidArgument("cannot create \(logURL.path)")
        }
        defer { try? FileManager.default.removeItem(at: logURL) }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        try? log.close()
        let data = (try? Data(contentsOf: logURL)) ?? Data()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}

/// Entry point of the child processes of the two-process tests. Run by itself (no parameters in
/// the environment) it runs the same load once, in-process, on a temporary SQLite file.
final class LedgerStressChildTests: XCTestCase {
    func testStressWriterChild() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment[ChildProcess.urlVariable] else {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "ledger-stress-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let url = "sqlite://\(directory.path)/ledger.db"
            let written = try await LedgerStress.write(
                url: url, count: 120, tag: "solo", batchSize: 16, logger: Logger(label: "solo"))
            XCTAssertEqual(written, 120)
            let store = try await Ledger.open(url: url)
            let rows = try await store.search(
                AuditQuery(orderPrefix: LedgerStress.orderPrefix(tag: "solo"), limit: 1000))
            XCTAssertEqual(Set(rows.map(\.eventID)).count, 120)
            let shared = try await store.loadState(order: LedgerStress.sharedOrderKey, system: "erp")
            XCTAssertEqual(shared?.version, 120)
            await store.close()
            return
        }
        let count = Int(environment[ChildProcess.countVariable] ?? "") ?? 0
        let tag = environment[ChildProcess.tagVariable] ?? "child"
        let written = try await LedgerStress.write(
            url: url, count: count, tag: tag, batchSize: 50, logger: Logger(label: "child"))
        XCTAssertEqual(written, count)
    }
}

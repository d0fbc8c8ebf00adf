import Foundation
import XCTest

/// The built `driftless` executable run as an operator would: arguments, an environment without the
/// caller's `DRIFTLESS_*` variables, a working directory; stdout and stderr go to files (no thread
/// blocks reading a pipe).
final class DriftlessProcess: @unchecked Sendable {
    struct Result: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// `driftless` next to the test bundle (`swift build --build-tests` builds both).
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("driftless")
    }

    private let process = Process()
    private let outURL: URL
    private let errURL: URL

    /// Starts `driftless arguments` in `directory` with `environment` added to a clean one.
    init(_ arguments: [String], environment: [String: String] = [:], directory: URL) throws {
        let executable = Self.executable
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw XCTSkip("no driftless executable at \(executable.path) (run swift build --build-tests)")
        }
        process.executableURL = executable
        process.arguments = arguments
        var base = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DRIFTLESS_") }
        base.merge(environment) { _, new in new }
        process.environment = base
        process.currentDirectoryURL = directory
        let tag = UUID().uuidString
        outURL = FileManager.default.temporaryDirectory.appendingPathComponent("driftless-\(tag).out")
        errURL = FileManager.default.temporaryDirectory.appendingPathComponent("driftless-\(tag).err")
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
            FileManager.default.createFile(atPath: errURL.path, contents: nil)
        else { throw CocoaError(.fileWriteUnknown) }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }

    var stdout: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }

    /// Waits until stdout has a line containing `text` (returns it) or the process ended (nil).
    func line(containing text: String, timeout: Duration = .seconds(60)) async throws -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = stdout.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if !process.isRunning { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// Waits for the process to end (SIGTERM after `timeout`), then its status and output.
    func finish(timeout: Duration = .seconds(60)) async throws -> Result {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Sends SIGINT (what Ctrl-C sends).
    func interrupt() {
        if process.isRunning { process.interrupt() }
    }

    /// Sends SIGTERM and waits for the process to end.
    func stop() async throws -> Result {
        if process.isRunning { process.terminate() }
        return try await finish()
    }

    /// Runs `driftless arguments` to its end.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], directory: URL, timeout: Duration = .seconds(60)
    ) async throws -> Result {
        try await DriftlessProcess(arguments, environment: environment, directory: directory).finish(timeout: timeout)
    }
}

import Foundation

/// The `driftless` executable that `swift build --build-tests` builds beside the test bundle, run
/// to its end as an operator would.
public enum DriftlessBinary {
    /// `driftless` next to the running test bundle.
    public static var url: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("driftless")
    }

    /// Runs `driftless arguments` (in `directory` when given, with `environment` over the test's
    /// own) to its end; its exit status and its standard output followed by its standard error. The
    /// output goes to files, so neither stream can fill a pipe and stall the child; the wait runs on
    /// a Dispatch thread, never on the cooperative pool.
    public static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
    ) async throws -> (status: Int32, output: String) {
        let files = try TemporaryFiles(prefix: "driftless-run")
        defer { files.remove() }
        let out = files.url("stdout")
        let err = files.url("stderr")
        guard FileManager.default.createFile(atPath: out.path, contents: nil),
            FileManager.default.createFile(atPath: err.path, contents: nil)
        else { throw CocoaError(.fileWriteUnknown) }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    try process.run()
                    process.waitUntilExit()
                    continuation.resume(returning: process.terminationStatus)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        return (status, stdout + stderr)
    }
}

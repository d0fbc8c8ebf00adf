import Foundation

/// `promtool check metrics` (Debian's `prometheus` package, installed by scripts/install-deps),
/// when it is on this machine; the run happens on a dispatch thread, not the cooperative pool.
enum PromTool {
    static var path: String? {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            .split(separator: ":").map { "\($0)/promtool" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Exit status and output of `promtool check metrics` on `text`; nil without promtool.
    static func checkMetrics(_ text: String) async throws -> (status: Int32, output: String)? {
        guard let path else { return nil }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: path)
                    process.arguments = ["check", "metrics"]
                    let input = Pipe()
                    let output = Pipe()
                    process.standardInput = input
                    process.standardOutput = output
                    process.standardError = output
                    try process.run()
                    input.fileHandleForWriting.write(Data(text.utf8))
                    try input.fileHandleForWriting.close()
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

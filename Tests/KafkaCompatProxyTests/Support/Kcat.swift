import Foundation

/// Runs `kcat` (librdkafka 2.0.2's command-line client) as a subprocess with a time limit.
enum Kcat {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut: Bool
    }

    static var path: String? {
        ["/usr/bin/kcat", "/usr/local/bin/kcat", "/usr/bin/kafkacat"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Runs kcat with `arguments`, feeding `input` on stdin; kills it after `timeout`.
    static func run(_ arguments: [String], input: Data? = nil, timeout: Duration = .seconds(30)) async throws -> Result
    {
        guard let path else { throw MissingTool.kcat }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kcat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("out")
        let errURL = directory.appendingPathComponent("err")
        let inURL = directory.appendingPathComponent("in")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: inURL.path, contents: input ?? Data())

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var timedOut = false
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                timedOut = true
                process.terminate()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
            timedOut: timedOut
        )
    }

    enum MissingTool: Error, CustomStringConvertible {
        case kcat
        var description: String { "kcat is not installed (apt-get install kcat)" }
    }
}

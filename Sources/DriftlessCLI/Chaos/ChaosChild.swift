import DriftlessOperations
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One child process of the chaos cluster (a stage replica or the broker proxy): started, signalled,
/// stopped and started again, its output appended to one log file, its resident set sampled.
final class ChaosChild: Sendable {
    /// `dispatch-2`, `proxy`.
    let name: String
    /// The stage (`dispatch`) or `proxy`.
    let role: String
    let executable: URL
    let arguments: [String]
    let environment: [String: String]
    let logPath: String
    /// Where its standard output goes instead of `logPath` (appended), when set.
    let outputPath: String?

    private struct State {
        var process: Process?
        var starts = 0
        var logOffset: UInt64 = 0
        var port: Int?
        var peakRSSKB = 0
        /// Whether it should be running (false once stopped or killed on purpose).
        var wanted = false
        /// Exits nobody asked for: `exit status N` / `signal N`.
        var crashes: [String] = []
    }
    private let state = Mutex(State())

    init(
        name: String, role: String, executable: URL, arguments: [String], environment: [String: String],
        logPath: String,
        outputPath: String? = nil
    ) {
        self.outputPath = outputPath
        self.name = name
        self.role = role
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.logPath = logPath
    }

    /// Starts the process (again); its output goes to the end of `logPath`.
    func start() throws {
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        defer { try? handle.close() }
        let offset = try handle.seekToEnd()
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        var output: FileHandle?
        if let outputPath {
            if !FileManager.default.fileExists(atPath: outputPath) {
                _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
            }
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
            try out.seekToEnd()
            process.standardOutput = out
            output = out
        }
        defer { try? output?.close() }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        state.withLock {
            $0.process = process
            $0.starts += 1
            $0.logOffset = offset
            $0.port = nil
            $0.wanted = true
        }
    }

    /// Sends `signal` on purpose (the nemesis' SIGKILL): the exit it causes is no crash.
    @discardableResult
    func halt(_ signal: Int32) -> Bool {
        state.withLock { $0.wanted = false }
        return send(signal)
    }

    /// When it should run but has exited: records why (a crash) and returns it; nil otherwise.
    func takeCrash() -> String? {
        state.withLock { state in
            guard state.wanted, let process = state.process, !process.isRunning else { return nil }
            state.wanted = false
            let how = process.terminationReason == .uncaughtSignal ? "signal" : "exit status"
            let crash = "\(how) \(process.terminationStatus)"
            state.crashes.append(crash)
            return crash
        }
    }

    /// The crashes so far.
    var crashes: [String] { state.withLock { $0.crashes } }

    /// The running process' id, nil when it is not running.
    var pid: Int32? {
        state.withLock { state in
            guard let process = state.process, process.isRunning else { return nil }
            return process.processIdentifier
        }
    }

    var isRunning: Bool { pid != nil }

    /// How many times it was started.
    var starts: Int { state.withLock { $0.starts } }

    /// Sends `signal`; false when the process is not running.
    @discardableResult
    func send(_ signal: Int32) -> Bool {
        guard let pid else { return false }
        return kill(pid, signal) == 0
    }

    /// Waits until the process has exited; false if it still runs after `timeout`.
    func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return true
    }

    /// SIGTERM (after SIGCONT, in case it is stopped), then SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(10)) async {
        state.withLock { $0.wanted = false }
        guard isRunning else { return }
        send(SIGCONT)
        send(SIGTERM)
        if await waitForExit(timeout: grace) { return }
        send(SIGKILL)
        _ = await waitForExit(timeout: .seconds(5))
    }

    /// The HTTP port its start line names (`… http://127.0.0.1:PORT (…`), once it printed it.
    func httpPort() -> Int? {
        let (cached, offset) = state.withLock { ($0.port, $0.logOffset) }
        if let cached { return cached }
        guard let handle = FileHandle(forReadingAtPath: logPath) else { return nil }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.readToEnd() else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("driftless: ") {
            guard let range = line.range(of: "http://127.0.0.1:") else { continue }
            let port = Int(line[range.upperBound...].prefix { $0.isNumber })
            if let port { state.withLock { $0.port = port } }
            return port
        }
        return nil
    }

    /// Samples the resident set (Linux `/proc/<pid>/status`, VmRSS) and keeps the peak; in kB.
    @discardableResult
    func sampleRSS() -> Int? {
        guard let pid, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else {
            return nil
        }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        state.withLock { $0.peakRSSKB = max($0.peakRSSKB, kilobytes) }
        return kilobytes
    }

    /// The largest resident set sampled, in kB.
    var peakRSSKB: Int { state.withLock { $0.peakRSSKB } }
}

import Foundation

/// Holds an exclusive SQLite lock on a file from another process (python3's sqlite3 module),
/// the way a second Driftless process or an operator's shell would, until ``release()`` closes its
/// stdin (or `seconds` pass).
public final class SQLiteLockHolder {
    private let process = Process()
    private let output = Pipe()
    private let input = Pipe()

    public init(path: String, seconds: Int = 20) throws {
        let script = """
            import signal, sqlite3, sys
            signal.alarm(int(sys.argv[2]))
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute('BEGIN EXCLUSIVE')
            print('locked', flush=True)
            sys.stdin.read()
            """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path, String(seconds)]
        process.standardOutput = output
        process.standardInput = input
        do {
            try process.run()
        } catch {
            throw NSError(
                domain: "SQLiteLockHolder", code: 2,
                userInfo: [
                    NSLocalizedDescriptionKey: "python3 is needed to hold a SQLite lock from another process: \(error)"
                ])
        }
        // Wait (bounded) for the child to report the lock.
        let line = output.fileHandleForReading.availableData
        guard String(decoding: line, as: UTF8.self).contains("locked") else {
            process.terminate()
            throw NSError(
                domain: "SQLiteLockHolder", code: 1, userInfo: [NSLocalizedDescriptionKey: "lock holder did not start"])
        }
    }

    /// Closes the child's stdin: it exits and the lock goes with it.
    public func release() {
        guard process.isRunning else { return }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit { release() }
}

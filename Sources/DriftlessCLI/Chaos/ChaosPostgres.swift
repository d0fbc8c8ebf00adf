import DriftlessOperations
import Foundation
import KafkaCompatProxy

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The chaos run's own PostgreSQL: a throw-away cluster (`initdb`) in the run's directory on a free
/// loopback port, so the nemesis can stop and start it without disturbing the shared test database
/// (`scripts/test-postgres`, port 5432) other engineers use. Uses the server binaries
/// `scripts/test-postgres` installs (`/usr/lib/postgresql/<version>/bin`); as root the cluster runs as
/// the `postgres` user (PostgreSQL refuses to run as root).
struct ChaosPostgres: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let binDirectory: String
    /// `<run>/pg`, owned by the server's user; the data directory is `<run>/pg/data`.
    let directory: String
    let port: Int

    var dataDirectory: String { directory + "/data" }
    /// The ledger URL (trust authentication on 127.0.0.1; the password is ignored).
    var url: String { "postgres://driftless:driftless@127.0.0.1:\(port)/postgres" }

    /// Makes and starts the cluster under `runDirectory`.
    static func start(in runDirectory: URL) async throws -> ChaosPostgres {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = versions.compactMap(Int.init).max() else {
            throw Failure(
                description: "no PostgreSQL server binaries in /usr/lib/postgresql (run scripts/test-postgres)")
        }
        let postgres = ChaosPostgres(
            binDirectory: "/usr/lib/postgresql/\(version)/bin",
            directory: runDirectory.appendingPathComponent("pg").path,
            port: try LoopbackPorts.freePort())
        try FileManager.default.createDirectory(atPath: postgres.directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            try await run("/bin/chown", ["postgres:postgres", postgres.directory])
        }
        try await postgres.asServerUser(
            "\(postgres.binDirectory)/initdb -D \(postgres.dataDirectory) -U driftless -A trust -E UTF8 --no-sync")
        try await postgres.start()
        return postgres
    }

    /// Starts the server and waits until it accepts connections. `pg_ctl start` is not awaited: the
    /// server it leaves running inherits the descriptor Foundation's `Process` watches for the child's
    /// end, so that child would never look finished.
    func start() async throws {
        let options = "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off"
        let command = "\(binDirectory)/pg_ctl -D \(dataDirectory) -l \(directory)/server.log -o '\(options)' start"
        let process = Process()
        if getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/bin/su")
            process.arguments = ["postgres", "-s", "/bin/sh", "-c", command]
        } else {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        // The port accepts before the server does ("the database system is starting up"): ready is a
        // query answered.
        while true {
            if LoopbackPorts.accepts(port: port), (try? await query("SELECT 1")) != nil { break }
            guard ContinuousClock.now < deadline else {
                throw Failure(description: "PostgreSQL did not start in 60 s (see \(directory)/server.log)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Runs `sql` with `psql` on the run's database; returns its unaligned output.
    @discardableResult
    func query(_ sql: String) async throws -> String {
        try await Self.run(
            "\(binDirectory)/psql",
            ["-X", "-q", "-At", "-h", "127.0.0.1", "-p", String(port), "-U", "driftless", "-d", "postgres", "-c", sql])
    }

    /// Stops the server (fast shutdown: sessions are disconnected, nothing committed is lost).
    func stop() async throws {
        try await asServerUser("\(binDirectory)/pg_ctl -D \(dataDirectory) -m fast -w -t 60 stop")
    }

    /// Locks every table of the ledger (ACCESS EXCLUSIVE, in one transaction) for `length`: every
    /// ledger query of every process blocks, so each connection of their pools is held by a blocked
    /// query and further ledger calls queue for a connection — the pools run dry. Then the locks go.
    func lockTables(for length: Duration) async throws {
        let seconds = String(format: "%.1f", length.chaosSeconds)
        let block = """
            DO $$ DECLARE t text; BEGIN
              FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
                EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', t);
              END LOOP;
              PERFORM pg_sleep(\(seconds));
            END $$;
            """
        try await Self.run(
            "\(binDirectory)/psql",
            [
                "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", "driftless", "-d",
                "postgres", "-c", "SET lock_timeout = '20s'", "-c", block,
            ])
    }

    /// The current holder of the reconciliation lease `name` (an unexpired lease), nil when none.
    func leaseHolder(name: String = "reconcile") async -> String? {
        let sql = "SELECT owner FROM reconcile_leases WHERE name = '\(name)' AND expires_at > now()"
        let text = try? await query(sql)
        let owner = text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return owner.isEmpty ? nil : owner
    }

    /// Stops it if it runs (clean-up); errors are ignored.
    func stopIfRunning() async {
        try? await asServerUser("\(binDirectory)/pg_ctl -D \(dataDirectory) -m immediate -w -t 30 stop")
    }

    /// Stops a cluster `start(in:)` may have left running under `runDirectory` (start-up interrupted).
    static func stopIfRunning(in runDirectory: URL) async {
        let data = runDirectory.appendingPathComponent("pg/data").path
        guard FileManager.default.fileExists(atPath: data + "/postmaster.pid") else { return }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = versions.compactMap(Int.init).max() else { return }
        let postgres = ChaosPostgres(
            binDirectory: "/usr/lib/postgresql/\(version)/bin",
            directory: runDirectory.appendingPathComponent("pg").path,
            port: 0)
        await postgres.stopIfRunning()
    }

    private func asServerUser(_ command: String) async throws {
        if getuid() == 0 {
            try await Self.run("/bin/su", ["postgres", "-s", "/bin/sh", "-c", command])
        } else {
            try await Self.run("/bin/sh", ["-c", command])
        }
    }

    /// Runs a command to its end (polling, never blocking a thread of the pool); returns its output;
    /// throws on a non-zero exit.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // Output to a file, not a pipe: the server pg_ctl starts inherits the descriptors and keeps a
        // pipe open for as long as it runs.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-pg-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(120)
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            process.terminate()
            throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) did not finish in 120 s")
        }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "\(executable) \(arguments.last ?? "") exited \(process.terminationStatus): \(text)")
        }
        return text
    }
}

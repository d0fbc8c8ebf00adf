import Foundation

/// A parsed ledger URL: which backend and where.
///
/// Accepted forms:
/// - `sqlite:///abs/path.db`, `sqlite://./relative.db` (resolved against a base directory),
///   `sqlite::memory:` or `sqlite://:memory:`; query `busy_timeout_ms=` (default 5000).
/// - `postgres://user:pass@host:port/db` or `postgresql://…`; query `sslmode=disable|prefer|require`
///   (default disable), `connect_timeout=` seconds (default 5), `operation_timeout=` seconds
///   (default 30), `pool_max=` (default 10), `schema=` (created if missing; default `public`).
public enum LedgerURL: Sendable, Equatable {
    case sqlite(SQLiteOptions)
    case postgres(PostgresOptions)

    /// Where and how to open a SQLite ledger.
    public struct SQLiteOptions: Sendable, Equatable {
        /// Absolute file path, or `nil` for an in-memory database.
        public var path: String?
        /// How long to wait for a lock held by another connection.
        public var busyTimeout: Duration

        public init(path: String?, busyTimeout: Duration = .seconds(5)) {
            self.path = path
            self.busyTimeout = busyTimeout
        }
    }

    /// Where and how to connect to a PostgreSQL ledger.
    public struct PostgresOptions: Sendable, Equatable {
        public enum SSLMode: String, Sendable, Equatable { case disable, prefer, require }
        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        public var database: String
        public var sslMode: SSLMode
        public var connectTimeout: Duration
        public var operationTimeout: Duration
        public var maxConnections: Int
        /// Schema (search_path) holding the tables.
        public var schema: String

        public init(
            host: String, port: Int = 5432, username: String, password: String?, database: String,
            sslMode: SSLMode = .disable, connectTimeout: Duration = .seconds(5),
            operationTimeout: Duration = .seconds(30),
            maxConnections: Int = 10, schema: String = "public"
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.sslMode = sslMode
            self.connectTimeout = connectTimeout
            self.operationTimeout = operationTimeout
            self.maxConnections = maxConnections
            self.schema = schema
        }
        /// `postgres://user@host:port/db?schema=…` (no password), for messages.
        public var redacted: String {
            "postgres://\(username)@\(host):\(port)/\(database)" + (schema == "public" ? "" : "?schema=\(schema)")
        }
    }

    /// The default ledger URL when neither `--ledger` nor `DRIFTLESS_LEDGER_URL` is given.
    public static let defaultURLString = "sqlite://./.data/driftless.db"

    /// Parses `string`; relative SQLite paths are resolved against `baseDirectory`
    /// (default: the current directory).
    public static func parse(_ string: String, baseDirectory: String? = nil) throws -> LedgerURL {
        let trimmed = string.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower.hasPrefix("sqlite:") {
            return .sqlite(try parseSQLite(trimmed, baseDirectory: baseDirectory))
        }
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            return .postgres(try parsePostgres(trimmed))
        }
        throw LedgerError.invalidURL(
            redact(trimmed),
            reason: "unknown scheme; expected sqlite:///path.db, sqlite::memory: or postgres://user:pass@host:port/db")
    }

    /// The URL without its password, for logs and messages.
    public var redacted: String {
        switch self {
        case let .sqlite(options): return options.path.map { "sqlite://\($0)" } ?? "sqlite::memory:"
        case let .postgres(options): return options.redacted
        }
    }

    // MARK: SQLite

    private static func parseSQLite(_ string: String, baseDirectory: String?) throws -> SQLiteOptions {
        var body = String(string.dropFirst("sqlite:".count))
        var query: [String: String] = [:]
        if let questionMark = body.firstIndex(of: "?") {
            query = try parseQuery(String(body[body.index(after: questionMark)...]), url: string)
            body = String(body[..<questionMark])
        }
        try rejectUnknown(query, allowed: ["busy_timeout_ms"], url: string)
        let busyMilliseconds = try intParameter(
            query, "busy_timeout_ms", default: 5000, range: 0...600_000, url: string)
        let busyTimeout = Duration.milliseconds(busyMilliseconds)
        if body == ":memory:" || body == "//:memory:" {
            return SQLiteOptions(path: nil, busyTimeout: busyTimeout)
        }
        guard body.hasPrefix("//") else {
            throw LedgerError.invalidURL(
                string, reason: "expected sqlite:///absolute/path.db, sqlite://./relative.db or sqlite::memory:")
        }
        let rawPath = String(body.dropFirst(2))
        guard !rawPath.isEmpty else { throw LedgerError.invalidURL(string, reason: "missing database file path") }
        guard let path = rawPath.removingPercentEncoding, !path.contains("\0") else {
            throw LedgerError.invalidURL(string, reason: "path is not valid percent-encoded text")
        }
        guard !path.hasSuffix("/") else {
            throw LedgerError.invalidURL(string, reason: "path names a directory, not a file")
        }
        let absolute: String
        if path.hasPrefix("/") {
            absolute = path
        } else {
            let base = baseDirectory ?? FileManager.default.currentDirectoryPath
            absolute =
                URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: base, isDirectory: true))
                .standardizedFileURL.path
        }
        return SQLiteOptions(path: absolute, busyTimeout: busyTimeout)
    }

    // MARK: PostgreSQL

    private static func parsePostgres(_ string: String) throws -> PostgresOptions {
        let shown = redact(string)
        guard let components = URLComponents(string: string) else {
            throw LedgerError.invalidURL(shown, reason: "not a valid URL")
        }
        guard let host = components.host, !host.isEmpty else {
            throw LedgerError.invalidURL(shown, reason: "missing host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw LedgerError.invalidURL(shown, reason: "missing user name (postgres://user:pass@host:port/db)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw LedgerError.invalidURL(shown, reason: "missing or invalid database name")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw LedgerError.invalidURL(shown, reason: "port out of range") }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        try rejectUnknown(
            query, allowed: ["sslmode", "connect_timeout", "operation_timeout", "pool_max", "schema"], url: shown)
        let sslText = query["sslmode"] ?? "disable"
        guard let sslMode = PostgresOptions.SSLMode(rawValue: sslText) else {
            throw LedgerError.invalidURL(shown, reason: "sslmode must be disable, prefer or require, not '\(sslText)'")
        }
        let connect = try intParameter(query, "connect_timeout", default: 5, range: 1...300, url: shown)
        let operation = try intParameter(query, "operation_timeout", default: 30, range: 1...3600, url: shown)
        let poolMax = try intParameter(query, "pool_max", default: 10, range: 1...200, url: shown)
        let schema = query["schema"] ?? "public"
        guard isPlainIdentifier(schema) else {
            throw LedgerError.invalidURL(shown, reason: "schema must match [a-z_][a-z0-9_]{0,62}")
        }
        return PostgresOptions(
            host: host, port: port,
            username: components.user?.removingPercentEncoding ?? user,
            password: components.password?.removingPercentEncoding,
            database: database.removingPercentEncoding ?? database, sslMode: sslMode,
            connectTimeout: .seconds(connect), operationTimeout: .seconds(operation),
            maxConnections: poolMax, schema: schema)
    }

    // MARK: Helpers

    static func isPlainIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 63 else { return false }
        let lower = "abcdefghijklmnopqrstuvwxyz_"
        guard lower.unicodeScalars.contains(first) else { return false }
        return text.unicodeScalars.allSatisfy {
            lower.unicodeScalars.contains($0) || ("0"..."9").contains(Character($0))
        }
    }

    private static func parseQuery(_ text: String, url: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            result[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return result
    }

    private static func rejectUnknown(_ query: [String: String], allowed: Set<String>, url: String) throws {
        if let unknown = query.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw LedgerError.invalidURL(
                url, reason: "unknown parameter '\(unknown)' (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    private static func intParameter(
        _ query: [String: String], _ name: String, default value: Int, range: ClosedRange<Int>, url: String
    ) throws -> Int {
        guard let text = query[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw LedgerError.invalidURL(
                url, reason: "\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), not '\(text)'")
        }
        return number
    }

    /// Replaces the password of a URL-looking string with `***`.
    static func redact(_ string: String) -> String {
        guard let schemeEnd = string.range(of: "://"), let at = string[schemeEnd.upperBound...].lastIndex(of: "@")
        else {
            return string
        }
        let credentials = string[schemeEnd.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return string }
        return String(string[..<colon]) + ":***" + String(string[at...])
    }
}

import ArgumentParser
import Foundation
import Ledger
import Logging

/// `--ledger URL`, shared by every command that opens the ledger.
struct LedgerURLOption: ParsableArguments {
    @Option(
        name: .customLong("ledger"),
        help: ArgumentHelp(
            "Ledger URL: sqlite:///abs/path.db, sqlite://./rel.db, sqlite::memory:, postgres://user:pass@host:port/db. "
                + "Default: $\(Ledger.urlEnvironmentVariable), else \(LedgerURL.defaultURLString).",
            valueName: "url"))
    var url: String?

    /// The URL to open (flag, environment, default).
    var resolved: String { Ledger.resolveURL(explicit: url) }

    /// Opens the ledger. A bad URL is a usage error; connection and lock failures print their
    /// ``LedgerError`` message and exit non-zero.
    func open(logger: Logger) async throws -> any LedgerStore {
        do {
            return try await Ledger.open(url: resolved, logger: logger)
        } catch let error as LedgerError {
            if case .invalidURL = error { throw ValidationError(error.description) }
            throw error
        }
    }
}

/// The logger ledger commands use: warnings and errors only, so command output stays clean.
func ledgerLogger() -> Logger {
    var logger = Logger(label: "driftless.ledger")
    logger.logLevel = .warning
    return logger
}

/// `driftless ledger …`: maintenance of the audit trail and order state store.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Maintain the ledger (audit trail and order state).",
        subcommands: [Migrate.self, Purge.self]
    )

    /// `driftless ledger migrate`: applies pending schema migrations and prints the versions.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations.")
        @OptionGroup var ledger: LedgerURLOption

        func run() async throws {
            let store = try await ledger.open(logger: ledgerLogger())
            let versions: [Int]
            do { versions = try await store.schemaVersions() } catch {
                await store.close()
                throw error
            }
            print("\(store.location): schema versions \(versions.map(String.init).joined(separator: ", "))")
            await store.close()
        }
    }

    /// `driftless ledger purge --older-than 30d`: retention.
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete audit records older than a duration (order states and checkpoints are kept).")
        @OptionGroup var ledger: LedgerURLOption
        @Option(help: "Age to keep, e.g. 30d, 12h, 2w.") var olderThan: String = "30d"
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            let seconds: TimeInterval
            do { seconds = try LedgerTimeSpec.duration(olderThan) } catch let error as LedgerError {
                throw ValidationError(error.description)
            }
            let store = try await ledger.open(logger: ledgerLogger())
            let result: LedgerPurgeResult
            do {
                result = try await store.purge(olderThan: Date().addingTimeInterval(-seconds))
            } catch {
                await store.close()
                throw error
            }
            await store.close()
            if json {
                let counts = result.deleted.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }
                print("{" + counts.joined(separator: ", ") + "}")
            } else {
                let counts = result.deleted.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                print("purged older than \(olderThan): " + counts.joined(separator: " "))
            }
        }
    }
}

import ArgumentParser
import Foundation
import Ledger
import Logging
import Pipeline

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

    /// Opens the ledger, creating it and applying migrations (`ledger migrate`). A bad URL is a usage
    /// error; connection and lock failures print their ``LedgerError`` message and exit non-zero.
    func open(logger: Logger) async throws -> any LedgerStore {
        do {
            return try await Ledger.open(url: resolved, logger: logger)
        } catch let error as LedgerError {
            if case .invalidURL = error { throw ValidationError(error.description) }
            throw error
        }
    }

    /// Opens an existing ledger read-only (`trace`, `dlq list`, `dlq show`, `reconcile --history`):
    /// nothing is created; a ledger that does not exist is an error. Says on stderr which ledger it reads.
    func openReadOnly(logger: Logger, announce: Bool = true) async throws -> any LedgerStore {
        let store: any LedgerStore
        do {
            store = try await Ledger.openReadOnly(url: resolved, logger: logger)
        } catch let error as LedgerError {
            if case .invalidURL = error { throw ValidationError(error.description) }
            throw error
        }
        if announce { FileHandle.standardError.write(Data("reading ledger \(store.location)\n".utf8)) }
        return store
    }

    /// Opens an existing ledger to change it (`dlq replay`, `dlq discard`, `ledger purge`): a ledger
    /// that does not exist is an error rather than a new empty one.
    func openExisting(logger: Logger) async throws -> any LedgerStore {
        let probe = try await openReadOnly(logger: logger, announce: false)
        await probe.close()
        let store = try await open(logger: logger)
        FileHandle.standardError.write(Data("using ledger \(store.location)\n".utf8))
        return store
    }
}

/// A command that failed for a reason other than its usage (exit status 1, no usage text).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The logger ledger commands use: warnings and errors only, so command output stays clean.
func ledgerLogger() -> Logger {
    var logger = Logger(label: "driftless.ledger")
    logger.logLevel = .warning
    return logger
}

/// `driftless ledger …`: maintenance of the audit trail and order state store.
package struct LedgerCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Maintain the ledger (audit trail and order state).",
        subcommands: [Migrate.self, Purge.self]
    )

    /// A command with its defaults (ArgumentParser fills in what is given).
    package init() {}

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

    /// `driftless ledger purge [--config F] [--older-than 30d]`: retention of every growing table.
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete what is past retention: audit rows, closed cases, findings, reconciliation run records.",
            discussion: """
                Without --older-than each table keeps what ledger.retention (--config) and \
                DRIFTLESS_LEDGER_RETENTION_* say (defaults: audit rows 30d; closed cases, findings and \
                reconciliation runs 90d). Open and replayed cases, order states and the poller's and \
                reconciliation's own checkpoints are never purged.
                """)
        @OptionGroup var ledger: LedgerURLOption
        @Option(help: "One age for every table instead of the retention settings, e.g. 30d, 12h, 2w (at most 3650d).")
        var olderThan: String?
        @Option(help: "YAML configuration file (its ledger.retention and ledger.url).") var config: String?
        @Flag(help: "Print the result as JSON.") var json = false

        func validate() throws {
            guard let olderThan else { return }
            do { _ = try LedgerTimeSpec.duration(olderThan) } catch let error as LedgerError {
                throw ValidationError("--older-than: \(error.description)")
            }
        }

        /// The cutoffs at `now`: one for all with --older-than, else the configured retention.
        func cutoffs(now: Date = Date()) throws -> (LedgerPurgeCutoffs, ledgerURL: String?) {
            if let olderThan {
                let seconds = try LedgerTimeSpec.duration(olderThan)
                return (LedgerPurgeCutoffs(all: now.addingTimeInterval(-seconds)), nil)
            }
            let configuration: PipelineConfiguration
            do {
                configuration = try PipelineConfiguration.load(file: config)
            } catch let error as PipelineConfigurationError {
                throw ValidationError(error.description)
            }
            return (configuration.retention.cutoffs(now: now), config == nil ? nil : configuration.ledgerURL)
        }

        func run() async throws {
            let (cutoffs, configuredURL) = try cutoffs()
            var ledger = self.ledger
            if ledger.url == nil, let configuredURL { ledger.url = configuredURL }
            let store = try await ledger.openExisting(logger: ledgerLogger())
            let result: LedgerPurgeResult
            do {
                result = try await store.purge(cutoffs)
            } catch {
                await store.close()
                throw error
            }
            await store.close()
            let counts = result.deleted.sorted { $0.key < $1.key }
            if json {
                print("{" + counts.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}")
            } else {
                let what = olderThan.map { "older than \($0)" } ?? "past retention"
                print("purged \(what): " + counts.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            }
        }
    }
}

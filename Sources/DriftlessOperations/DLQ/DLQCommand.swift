import ArgumentParser
import Foundation
import Ledger
import Logging

/// `driftless dlq …`: the dead-letter cases the dead-letter stage keeps in the ledger.
package struct DLQCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "List, show, replay and discard dead-letter cases.",
        discussion: """
            Every record on <p>.quarantine and <p>.dead-letter becomes a case (open → replayed → resolved, \
            or discarded). Examples:
              driftless dlq list --state open --since 1h
              driftless dlq show 12
              driftless dlq list --reason-code unmapped-status --json
              driftless dlq replay --reason-code unmapped-status --dry-run
              driftless dlq replay 12 13 --rate 5/s --note "mapping v2 deployed"
              driftless dlq discard 14 --note "test order"
            Filters (--channel, --order, --reason-code, --stage, --state, --since, --limit) mean the same \
            on list and replay; --note is the justification kept in a case's history.
            """,
        subcommands: [DLQList.self, DLQShow.self, DLQReplay.self, DLQDiscard.self]
    )

    /// A command with its defaults (ArgumentParser fills in what is given).
    package init() {}
}

extension LedgerURLOption {
    /// Opens an existing ledger as a case store: read-only for `list` and `show`, else to change it.
    func openCases(readOnly: Bool) async throws -> any LedgerStore & CaseStore {
        let store =
            readOnly ? try await openReadOnly(logger: ledgerLogger()) : try await openExisting(logger: ledgerLogger())
        guard let cases = store as? any LedgerStore & CaseStore else {
            await store.close()
            throw ValidationError("the ledger at \(store.location) keeps no dead-letter cases")
        }
        return cases
    }
}

/// Who an operator command acts as: `--who`, else `$USER`, else `unknown`.
func operatorName(_ who: String?) -> String {
    if let who, !who.trimmingCharacters(in: .whitespaces).isEmpty { return who }
    return ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
}

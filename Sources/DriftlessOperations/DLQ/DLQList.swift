import ArgumentParser
import Foundation
import Ledger

/// `driftless dlq list [filters] [--json]`.
struct DLQList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List dead-letter cases.")

    @OptionGroup var filters: CaseFilterOptions
    @Flag(help: "Print JSON for tools instead of a table.") var json = false
    @OptionGroup var ledger: LedgerURLOption

    /// The text to print.
    func execute(now: Date = Date()) async throws -> String {
        let query = try filters.query(now: now)
        let store = try await ledger.openCases(readOnly: true)
        do {
            let found = try await store.cases(query)
            await store.close()
            return json ? try CaseRenderer.json(found) : CaseRenderer.table(found)
        } catch {
            await store.close()
            throw error
        }
    }

    func run() async throws {
        print(try await execute())
    }
}

import ArgumentParser
import Foundation
import Ledger

/// `driftless dlq show ID`: one case in full, then the order's trace.
struct DLQShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a case: provenance, attempts, payload and the order's trace.")

    @Argument(help: "Case id.") var id: Int64
    @Flag(help: "Print the case as JSON (without the trace).") var json = false
    @OptionGroup var ledger: LedgerURLOption

    /// The text to print.
    func execute() async throws -> String {
        let store = try await ledger.openCases(readOnly: true)
        do {
            guard let found = try await store.loadCase(id: id) else {
                await store.close()
                throw ValidationError("no case \(id)")
            }
            if json {
                await store.close()
                return try CaseRenderer.json([found])
            }
            let trace = try await TraceReport.order(found.orderKey, in: store)
            await store.close()
            return CaseRenderer.detail(found) + "\n\nTrace:\n" + TraceRenderer.table(trace)
        } catch {
            await store.close()
            throw error
        }
    }

    func run() async throws {
        print(try await execute())
    }
}

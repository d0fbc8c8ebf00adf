import ArgumentParser
import Foundation
import Ledger
import Pipeline

/// `driftless dlq discard ID --note TEXT`: gives a case up for good (the note saying why is required);
/// the case's history and a `discarded` audit row name who and why.
struct DLQDiscard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discard", abstract: "Discard a case (it will not be replayed); --note saying why is required.")

    @Argument(help: "Case id.") var id: Int64
    @Option(help: "Why the case is discarded (required).") var note: String?
    /// The old `--reason`: refused with what to write instead.
    @Option(name: .customLong("reason"), help: .hidden) var ambiguousReason: String?
    @Option(help: "Who discards it (default: $USER).") var who: String?
    @OptionGroup var ledger: LedgerURLOption

    func validate() throws {
        if ambiguousReason != nil { throw ValidationError(CaseFilterOptions.reasonRefused) }
        guard let note, !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("--note must say why the case is discarded")
        }
    }

    /// The note, once ``validate()`` passed.
    private var reason: String { note ?? "" }

    /// The text to print.
    func execute(now: Date = Date()) async throws -> String {
        try validate()
        let store = try await ledger.openCases(readOnly: false)
        let outcome: CaseTransitionOutcome
        do {
            outcome = try await CaseDiscarder(cases: store, ledger: store, actor: operatorName(who), reason: reason)
                .discard(id: id, at: now)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        switch outcome {
        case .changed: return "case \(id) discarded by \(operatorName(who)): \(reason)"
        case .refused(let current): return "case \(id) is \(current.state.rawValue): nothing to discard"
        case .notFound: throw ValidationError("no case \(id)")
        }
    }

    func run() async throws {
        print(try await execute())
    }
}

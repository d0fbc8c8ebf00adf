import ArgumentParser
import Foundation
import Ledger

/// The filters every `dlq` verb that selects cases shares (`list`, `replay`): one type, so a filter
/// means the same everywhere.
struct CaseFilterOptions: ParsableArguments {
    @Option(help: "Only this channel (shopify, amazon, erp).") var channel: String?
    @Option(help: "Only this order key, e.g. shopify:1001.") var order: String?
    @Option(help: "Only this reason code, e.g. unmapped-status, erp-refused.") var reasonCode: String?
    @Option(help: "Only cases from this stage (validate, translate, dispatch).") var stage: String?
    @Option(
        help:
            "Only these states (repeat or comma-separate): \(CaseState.allCases.map(\.rawValue).joined(separator: ", "))."
    )
    var state: [String] = []
    @Option(help: "Only cases last seen at or after this time: a duration ago (1h, 2d) or RFC 3339.") var since: String?
    @Option(help: "At most this many cases.") var limit: Int = 1_000
    /// The old, ambiguous `--reason`: refused with what to write instead.
    @Option(name: .customLong("reason"), help: .hidden) var ambiguousReason: String?

    /// Whether any filter was given.
    var isEmpty: Bool {
        channel == nil && order == nil && reasonCode == nil && stage == nil && state.isEmpty && since == nil
    }

    /// Bad states, times or limits are usage errors at parse time.
    func validate() throws {
        if ambiguousReason != nil { throw ValidationError(Self.reasonRefused) }
        _ = try query()
    }

    /// Why `--reason` is refused: it meant a filter on `list` and a justification on `replay`.
    static let reasonRefused =
        "--reason is no longer accepted: use --reason-code CODE to select cases by reason code "
        + "(e.g. --reason-code unmapped-status), --note TEXT to say why you replay or discard them"

    /// The query; bad values are usage errors naming the option.
    func query(ids: [Int64] = [], defaultStates: Set<CaseState> = [], now: Date = Date()) throws -> CaseQuery {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000") }
        var states = Set<CaseState>()
        for text in state.flatMap({ $0.split(separator: ",").map(String.init) }) {
            let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
            guard let parsed = CaseState(rawValue: trimmed) else {
                throw ValidationError(
                    "unknown --state '\(text)'; known: \(CaseState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            states.insert(parsed)
        }
        let sinceDate: Date?
        do {
            sinceDate = try since.map { try LedgerTimeSpec.instant($0, now: now) }
        } catch let error as LedgerError {
            throw ValidationError("--since: \(error.description)")
        }
        return CaseQuery(
            ids: ids, channel: channel, orderKey: order, reasonCode: reasonCode, stage: stage,
            states: states.isEmpty ? defaultStates : states, since: sinceDate, limit: limit)
    }
}

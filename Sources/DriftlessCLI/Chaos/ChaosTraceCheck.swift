import DriftlessOperations
import Foundation
import Ledger
import Simulators

/// Trace completeness for a sample of orders: the ledger's timeline of an order the ERP holds must
/// show it passing every stage — validated, translated and dispatched (those stages acknowledge an
/// event only after its audit row is written). `received` is not required: ingest offers its rows
/// without waiting (a webhook answer must not wait on the ledger), so a killed ingest replica may
/// lose a few, by design.
enum ChaosTraceCheck {
    static let requiredHops: [AuditHop] = [.validated, .translated, .dispatched]

    /// The hops `timeline` lacks.
    static func missing(_ timeline: [AuditRecord]) -> [AuditHop] {
        let hops = Set(timeline.map(\.hop))
        return requiredHops.filter { !hops.contains($0) }
    }

    /// Up to `count` order keys of `expectations` that need an ERP effect, picked by `seed` (the same seed, the same sample).
    static func sample(_ expectations: [OracleExpectation], count: Int, seed: UInt64) -> [String] {
        var random = SeededRandom(seed: seed &+ 0x7A11)
        var keys = expectations.filter { !$0.effects.isEmpty }.map(\.orderKey).sorted()
        keys.shuffle(using: &random)
        return Array(keys.prefix(count)).sorted()
    }

    /// One line per sampled order whose trace misses a hop.
    static func check(orders: [String], in ledger: any LedgerStore) async -> [String] {
        var violations: [String] = []
        for order in orders {
            do {
                let lacking = missing(try await ledger.timeline(order: order))
                if !lacking.isEmpty {
                    violations.append(
                        "\(order): trace incomplete (no \(lacking.map(\.rawValue).joined(separator: ", ")) hop)")
                }
            } catch {
                violations.append("\(order): trace unreadable: \(error)")
            }
        }
        return violations
    }
}

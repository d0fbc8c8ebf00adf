import Foundation

/// The reconciliation lease as its holder got it: held until `expiresAt` unless renewed, with the
/// state of the last run under that name (unfinished: resume it).
public struct ReconcileLease: Sendable, Hashable {
    /// The lease's name (one per job, e.g. `reconcile`).
    public var name: String
    /// Who holds it (a replica id).
    public var owner: String
    /// When it lapses unless renewed.
    public var expiresAt: Date
    /// The last run recorded under this lease, by whoever held it.
    public var run: ReconcileRunState?
    /// The lease's generation: raised by every acquisition (migration 10), the fencing token.
    public var generation: Int64

    /// Creates a lease value.
    public init(name: String, owner: String, expiresAt: Date, run: ReconcileRunState?, generation: Int64 = 0) {
        self.name = name
        self.owner = owner
        self.expiresAt = expiresAt
        self.run = run
        self.generation = generation
    }

    /// The token the holder's writes carry.
    public var fence: ReconcileFence { ReconcileFence(name: name, owner: owner, generation: generation) }
}

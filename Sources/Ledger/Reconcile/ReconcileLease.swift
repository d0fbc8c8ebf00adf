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

    /// Creates a lease value.
    public init(name: String, owner: String, expiresAt: Date, run: ReconcileRunState?) {
        self.name = name
        self.owner = owner
        self.expiresAt = expiresAt
        self.run = run
    }
}

/// The fencing token of one reconciliation lease acquisition: the lease's name, its holder and the
/// lease generation it got. Every acquisition raises the generation, so a holder whose lease lapsed
/// and was taken (or taken again) carries a stale token, and every write made with it is refused.
public struct ReconcileFence: Sendable, Hashable, CustomStringConvertible {
    /// The lease's name.
    public var name: String
    /// The holder that acquired it.
    public var owner: String
    /// The generation the acquisition got (strictly increasing per lease name).
    public var generation: Int64

    /// A token.
    public init(name: String, owner: String, generation: Int64) {
        self.name = name
        self.owner = owner
        self.generation = generation
    }

    public var description: String { "\(name)#\(generation) (\(owner))" }
}

/// A write made with a fencing token that is no longer current: the lease was acquired again since.
public struct ReconcileLeaseFenced: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stale token.
    public var fence: ReconcileFence

    /// The error for `fence`.
    public init(fence: ReconcileFence) { self.fence = fence }

    public var description: String {
        "the reconciliation lease '\(fence.name)' generation \(fence.generation) held by \(fence.owner) is no longer current"
    }
}

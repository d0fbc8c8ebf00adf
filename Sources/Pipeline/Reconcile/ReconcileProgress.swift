/// How far a running reconciliation got (after each page).
public struct ReconcileProgress: Sendable, Hashable {
    /// Pages read from the channel.
    public var pages: Int
    /// Orders compared.
    public var compared: Int
    /// Mismatches found.
    public var found: Int
}

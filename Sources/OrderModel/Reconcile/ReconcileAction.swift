/// What reconciliation does about a mismatch it finds.
public enum ReconcileAction: String, Codable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Inject the channel's current truth on `<p>.ingest.raw`, so the pipeline corrects the ERP.
    case autoCorrect = "auto-correct"
    /// Open a case for manual review.
    case flag

    public var description: String { rawValue }
}

/// What ``CaseStore/transitionCase(id:to:actor:reason:at:allowedFrom:)`` did.
public enum CaseTransitionOutcome: Sendable, Hashable {
    /// The case moved; this is it afterwards.
    case changed(DeadLetterCase)
    /// The case's state is not one the transition is allowed from; this is it, unchanged.
    case refused(DeadLetterCase)
    /// No case has that id.
    case notFound
}

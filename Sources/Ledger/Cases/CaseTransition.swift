import Foundation

/// One change of a case's state: who moved it, when and why.
public struct CaseTransition: Sendable, Hashable, Codable {
    /// The state before (nil when the case was created).
    public var from: CaseState?
    /// The state after.
    public var to: CaseState
    /// Who: an operator (`$USER` or `--who`) or a stage (`dead-letter`).
    public var actor: String
    /// When.
    public var at: Date
    /// Why (free text; may be empty for a replay without `--reason`).
    public var reason: String?

    /// Creates a transition.
    public init(from: CaseState?, to: CaseState, actor: String, at: Date, reason: String?) {
        self.from = from
        self.to = to
        self.actor = actor
        self.at = at
        self.reason = reason
    }
}

import Foundation

/// An access token from a token endpoint and when it expires; `description` never shows the token.
public struct AccessToken: Sendable, CustomStringConvertible {
    /// The token itself (goes into a header, never into a log line).
    public let value: Secret
    /// When the endpoint said it stops working.
    public let expiresAt: Date
    /// When it was received (nil: unknown, the whole margin applies).
    public let issuedAt: Date?

    public init(value: Secret, expiresAt: Date, issuedAt: Date? = nil) {
        self.value = value
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
    }

    /// Whether it is still good at `now` with `margin` to spare — at most half its lifetime, so a
    /// token living less than the margin is still used for the first half of its life instead of
    /// being replaced on every call.
    public func isFresh(at now: Date, margin: TimeInterval) -> Bool {
        var spare = margin.isFinite ? max(0, margin) : 0
        if let issuedAt {
            let lifetime = expiresAt.timeIntervalSince(issuedAt)
            if lifetime.isFinite, lifetime > 0 { spare = min(spare, lifetime / 2) }
        }
        return now.addingTimeInterval(spare) < expiresAt
    }

    public var description: String { "access token (expires \(expiresAt))" }

    /// The lifetime assumed when the answer gives none usable.
    static let defaultLifetime: TimeInterval = 3600
    /// The longest lifetime believed (a larger one is capped).
    static let maximumLifetime: TimeInterval = 86_400

    /// Reads an OAuth 2.0 token answer (`{"access_token": …, "expires_in": …}`) received at `now`.
    static func parse(_ data: Data, receivedAt now: Date) -> AccessToken? {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let token = object["access_token"] as? String, !token.isEmpty
        else { return nil }
        let given =
            (object["expires_in"] as? NSNumber)?.doubleValue
            ?? (object["expires_in"] as? String).flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        // A lifetime that is not a finite positive number is read as none given (RFC 6749 §5.1 makes
        // `expires_in` optional): the default hour, at most a day, so no answer can make every call fetch anew.
        let seconds = given.flatMap { $0.isFinite && $0 > 0 ? $0 : nil } ?? defaultLifetime
        return AccessToken(
            value: Secret(token), expiresAt: now.addingTimeInterval(min(seconds, maximumLifetime)), issuedAt: now)
    }
}

import Foundation

/// An access token from a token endpoint and when it expires; `description` never shows the token.
public struct AccessToken: Sendable, CustomStringConvertible {
    /// The token itself (goes into a header, never into a log line).
    public let value: Secret
    /// When the endpoint said it stops working.
    public let expiresAt: Date

    public init(value: Secret, expiresAt: Date) {
        self.value = value
        self.expiresAt = expiresAt
    }

    /// Whether it is still good at `now` with `margin` to spare.
    public func isFresh(at now: Date, margin: TimeInterval) -> Bool {
        now.addingTimeInterval(margin) < expiresAt
    }

    public var description: String { "access token (expires \(expiresAt))" }

    /// Reads an OAuth 2.0 token answer (`{"access_token": …, "expires_in": …}`) received at `now`.
    static func parse(_ data: Data, receivedAt now: Date) -> AccessToken? {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let token = object["access_token"] as? String, !token.isEmpty
        else { return nil }
        let seconds =
            (object["expires_in"] as? NSNumber)?.doubleValue
            ?? (object["expires_in"] as? String).flatMap(Double.init) ?? 3600
        return AccessToken(value: Secret(token), expiresAt: now.addingTimeInterval(max(0, seconds)))
    }
}

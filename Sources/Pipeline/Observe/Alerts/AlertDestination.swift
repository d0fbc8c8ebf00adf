import Foundation

/// Where alerts go: a Slack incoming webhook or a Microsoft Teams workflow webhook. The URL is a
/// secret (it carries the credential): it is never logged or printed.
public struct AlertDestination: Sendable, Hashable, CustomStringConvertible {
    /// The receiving service, which decides the message format.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case slack, teams
    }

    public var kind: Kind
    public var url: Secret

    public init(kind: Kind, url: Secret) {
        self.kind = kind
        self.url = url
    }

    /// The kind only: the URL is a secret.
    public var description: String { kind.rawValue }

    /// The JSON body announcing `notice` to this kind of receiver.
    public func body(for notice: AlertNotice) -> [UInt8] {
        let object: [String: Any]
        switch kind {
        case .slack:
            // Incoming webhooks take `{"text": …}`.
            object = ["text": notice.text]
        case .teams:
            // A Teams workflow ("when a Teams webhook request is received") takes a message whose
            // attachments hold an Adaptive Card.
            let card: [String: Any] = [
                "type": "AdaptiveCard", "version": "1.2",
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "body": [
                    ["type": "TextBlock", "text": notice.text, "wrap": true, "weight": "Bolder"],
                    [
                        "type": "TextBlock", "isSubtle": true, "wrap": true,
                        "text": "incident \(notice.incident) · \(notice.transition.rawValue) at "
                            + ISO8601DateFormatter().string(from: notice.at),
                    ],
                ],
            ]
            object = [
                "type": "message",
                "attachments": [
                    ["contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": NSNull(), "content": card]
                ],
            ]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Array(data)
    }

    /// Checks the URL is an absolute http(s) URL with a host; the error names the setting only.
    public static func validated(kind: Kind, url: Secret, setting: String) throws -> AlertDestination {
        guard let parsed = URL(string: url.value.trimmingCharacters(in: .whitespacesAndNewlines)),
            let scheme = parsed.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = parsed.host, !host.isEmpty
        else {
            throw PipelineConfigurationError.invalidValue(
                field: setting, value: "not an absolute http(s) URL (the value is a secret and not shown)")
        }
        return AlertDestination(kind: kind, url: Secret(url.value.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}

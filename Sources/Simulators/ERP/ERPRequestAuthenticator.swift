import Foundation
import Hummingbird
import Synchronization

/// Decides whether a request to the ERP simulator's record API is authenticated: the static
/// bearer token, a bearer token the ``ERPTokenIssuer`` issued and that has not expired, or a TBA
/// header the ``TBAVerifier`` accepts.
final class ERPRequestAuthenticator: Sendable {
    let issuer: ERPTokenIssuer
    private let staticToken: String?
    private let tba: TBAVerifier?
    private let baseURL = Mutex("")

    init(credentials: ERPSimulatorCredentials, now: @escaping @Sendable () -> Date) {
        staticToken = credentials.staticToken
        issuer = ERPTokenIssuer(credentials: credentials, now: now)
        tba = credentials.tba.map { TBAVerifier(credentials: $0, tolerance: credentials.timestampTolerance, now: now) }
    }

    /// Sets the URL clients reach the simulator at (`http://127.0.0.1:<port>`), once bound.
    func bind(baseURL url: String) {
        baseURL.withLock { $0 = url }
        issuer.setEndpoint(url + ERPTokenIssuer.path)
    }

    func authorize(_ request: Request) -> Bool {
        guard let header = request.headers[.authorization] else { return false }
        if header.hasPrefix("Bearer ") {
            let token = String(header.dropFirst(7))
            if let staticToken, !staticToken.isEmpty, token == staticToken { return true }
            return issuer.accepts(token)
        }
        if header.hasPrefix("OAuth "), let tba {
            return tba.verify(
                header: header, method: request.method.rawValue, baseURL: baseURL.withLock { $0 },
                target: request.uri.string)
        }
        return false
    }
}

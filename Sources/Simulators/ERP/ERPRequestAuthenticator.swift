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
    private let accepted = Mutex<[String: Int]>([:])

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

    /// Requests let through by scheme (`bearer`, `oauth2`, `tba`), and by scheme with a query
    /// (`tba+query`) or a body (`tba+body`: PUT, POST, PATCH).
    var acceptedCounts: [String: Int] { accepted.withLock { $0 } }

    func authorize(_ request: Request) -> Bool {
        guard let scheme = scheme(request) else { return false }
        let hasQuery = request.uri.query.map { !$0.isEmpty } ?? false
        let hasBody = ["PUT", "POST", "PATCH"].contains(request.method.rawValue)
        accepted.withLock { counts in
            counts[scheme, default: 0] += 1
            if hasQuery { counts[scheme + "+query", default: 0] += 1 }
            if hasBody { counts[scheme + "+body", default: 0] += 1 }
        }
        return true
    }

    /// The scheme that authenticates `request`, nil when none does.
    private func scheme(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        if header.hasPrefix("Bearer ") {
            let token = String(header.dropFirst(7))
            if let staticToken, !staticToken.isEmpty, ConstantTime.equal(token, staticToken) { return "bearer" }
            return issuer.accepts(token) ? "oauth2" : nil
        }
        if header.hasPrefix("OAuth "), let tba,
            tba.verify(
                header: header, method: request.method.rawValue, baseURL: baseURL.withLock { $0 },
                target: request.uri.string)
        {
            return "tba"
        }
        return nil
    }
}

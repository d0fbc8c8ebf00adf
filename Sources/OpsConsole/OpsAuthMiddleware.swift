import Foundation
import HTTPTypes
import Hummingbird

/// Guards every `/ops` path: no token configured → 401 for all; otherwise a valid session cookie (or
/// `Authorization: Bearer <token>` for reads) is needed, and every POST but the login carries the
/// session's CSRF token. `POST /ops/login` is the only way in without one.
struct OpsAuthMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let auth: OpsAuth

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.uri.path == "/ops" || request.uri.path.hasPrefix("/ops/") else {
            return try await next(request, context)
        }
        guard auth.token != nil else {
            return OpsResponses.html(
                .unauthorized, OpsResponses.loginPage(message: "The console is off: no ops.token configured."))
        }
        if request.uri.path == "/ops/login", request.method == .post { return try await next(request, context) }
        let session = request.cookies[OpsAuth.cookieName]?.value
        let who = session.flatMap(auth.who(fromSession:))
        if who == nil {
            let bearer = request.headers[.authorization].flatMap {
                $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil
            }
            guard request.method == .get || request.method == .head, let bearer, auth.tokenMatches(bearer) else {
                return OpsResponses.html(.unauthorized, OpsResponses.loginPage(message: nil))
            }
        }
        return try await next(request, context)
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The console's responses: HTML pages, redirects, the login page.
enum OpsResponses {
    /// An HTML page with `status`; never cached, never framed.
    static func html(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("X-Frame-Options")!: "DENY",
            ],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// 303 to `location`.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// The login form (the body of every 401).
    static func loginPage(message: String?) -> String {
        OpsHTML.page(
            title: "Sign in", who: nil,
            body: """
                \(message.map { "<p class=\"bad\" id=\"login-message\">\(OpsHTML.escape($0))</p>" } ?? "")
                <form method="post" action="/ops/login" id="login-form">
                <p><label>Your name <input type="text" name="who" id="login-who" required></label></p>
                <p><label>Ops token <input type="password" name="token" id="login-token" required></label></p>
                <button type="submit" id="login-submit">Sign in</button></form>
                """)
    }
}

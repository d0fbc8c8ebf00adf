import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import Pipeline

/// The console's routes (mounted under `/ops`, behind ``OpsAuthMiddleware``).
struct OpsRoutes: Sendable {
    let console: OpsConsole
    typealias H = OpsHTML

    func add(to ops: RouterGroup<BasicRequestContext>) {
        ops.get { _, _ in OpsResponses.redirect("/ops/cases") }
        ops.post("login") { request, _ in try await login(request) }
        ops.get("cases") { request, _ in try await page(request, "Cases") { _, _ in try await casesPage() } }
        ops.get("cases/group") { request, _ in
            try await page(request, "Cases") { who, csrf in
                let (stage, reason) = (
                    request.uri.queryParameters.get("stage") ?? "", request.uri.queryParameters.get("reason") ?? ""
                )
                let cases = try await actions().cases(stage: stage, reasonCode: reason, states: [])
                return CasesPages.group(stage: stage, reason: reason, cases: cases, csrf: csrf)
            }
        }
        ops.get("case") { request, _ in
            try await page(request, "Cases") { _, _ in
                guard let id = request.uri.queryParameters.get("id").flatMap(Int64.init),
                    let value = try await console.backend().cases?.loadCase(id: id)
                else { return "<p>No such case.</p>" }
                return CasesPages.detail(value)
            }
        }
        ops.post("cases/dry-run") { request, _ in
            try await action(request) { who, form, csrf in
                let (stage, reason) = (form["stage"] ?? "", form["reason"] ?? "")
                let selected = try await actions().cases(stage: stage, reasonCode: reason)
                let summary = try await actions().dryRun(selected, who: who)
                return .page(CasesPages.dryRun(stage: stage, reason: reason, summary: summary, csrf: csrf))
            }
        }
        ops.post("cases/replay") { request, _ in
            try await action(request) { who, form, _ in
                guard let note = form.text("note") else { throw OpsError.badRequest("say why the cases are replayed") }
                guard let rate = CaseActions.rate(form.text("rate") ?? "10/s") else {
                    throw OpsError.badRequest("rate must look like 10/s (at most 1000/s)")
                }
                let ids = (form["ids"] ?? "").split(separator: ",").compactMap { Int64($0) }
                guard !ids.isEmpty else { throw OpsError.badRequest("no cases to replay: run the dry run first") }
                let (stage, reason) = (form["stage"] ?? "", form["reason"] ?? "")
                let selected = try await actions().cases(stage: stage, reasonCode: reason, ids: ids)
                let id = try actions().startReplay(
                    selected, title: "replay \(stage)/\(reason)", who: who, note: note, rate: rate)
                return .redirect("/ops/jobs?id=\(id)")
            }
        }
        ops.post("cases/discard") { request, _ in
            try await action(request) { who, form, _ in
                guard let note = form.text("note") else { throw OpsError.badRequest("say why the cases are discarded") }
                let (stage, reason) = (form["stage"] ?? "", form["reason"] ?? "")
                let selected = try await actions().cases(stage: stage, reasonCode: reason, states: [.open, .replayed])
                let (discarded, refused) = try await actions().discard(selected, who: who, note: note)
                return .page(
                    CasesPages.discarded(stage: stage, reason: reason, selected, discarded, refused, who, note))
            }
        }
        ops.get("jobs") { request, _ in
            let id = request.uri.queryParameters.get("id").flatMap(Int.init) ?? 0
            let job = console.jobs.job(id)
            return try await page(request, "Cases", refresh: job?.summary == nil && job != nil ? 1 : nil) { _, _ in
                job.map { CasesPages.job(id: id, $0) } ?? "<p>No such job.</p>"
            }
        }
        ops.get("orders") { request, _ in
            try await page(request, "Order") { _, _ in
                try await OrderPage(
                    backend: console.backend(), configuration: console.configuration, logger: console.logger
                )
                .render(query: request.uri.queryParameters.get("id"))
            }
        }
        ops.get("health") { request, _ in
            try await page(request, "Health") { _, _ in try await HealthPage.render(console.backend(), now: Date()) }
        }
        ops.get("lag") { request, _ in
            try await page(request, "Lag") { _, _ in
                LagPage.render(try console.backend(), sampleInterval: console.configuration.metricsSampleInterval)
            }
        }
        ops.get("drift") { request, _ in
            try await page(request, "Drift") { _, _ in
                try await DriftPage.render(try console.backend(), configuration: console.configuration, now: Date())
            }
        }
        ops.get("**") { request, _ in try await page(request, "Not found") { _, _ in "<p>No such page.</p>" } }
        ops.post("**") { _, _ in OpsResponses.html(.notFound, "no such action") }
    }

    private func actions() throws -> CaseActions {
        CaseActions(
            backend: try console.backend(), configuration: console.configuration, jobs: console.jobs,
            logger: console.logger)
    }

    private func casesPage() async throws -> String {
        guard let store = try console.backend().cases else { throw OpsError.noCases }
        let cases = try await store.cases(CaseQuery(limit: CaseActions.limit))
        return CasesPages.groups(CaseGroup.groups(cases, now: Date()))
    }

    /// Who is signed in (the session's name, or `token` for a bearer read) and the session's CSRF token.
    private func identity(_ request: Request) -> (who: String, csrf: String) {
        guard let session = request.cookies[OpsAuth.cookieName]?.value, let who = console.auth.who(fromSession: session)
        else { return ("token", "") }
        return (who, console.auth.csrfToken(session: session))
    }

    /// A GET page: `body` rendered in the frame; errors shown as a page.
    private func page(
        _ request: Request, _ title: String, refresh: Int? = nil,
        _ body: (String, String) async throws -> String
    ) async throws -> Response {
        let (who, csrf) = identity(request)
        do {
            return OpsResponses.html(
                .ok, H.page(title: title, who: who, body: try await body(who, csrf), refreshSeconds: refresh))
        } catch let error as OpsError {
            return OpsResponses.html(
                .serviceUnavailable,
                H.page(title: title, who: who, body: "<p class=\"bad\">\(H.escape(error.description))</p>"))
        }
    }

    /// What a POST action answers.
    enum Outcome {
        case page(String)
        case redirect(String)
    }

    /// A POST action: refused (403) without the session's CSRF token; acts as `ops:<who>`.
    private func action(
        _ request: Request, _ body: (String, OpsForm, String) async throws -> Outcome
    ) async throws -> Response {
        let form = try await OpsForm.read(request)
        guard let session = request.cookies[OpsAuth.cookieName]?.value, console.auth.who(fromSession: session) != nil,
            let csrf = form[OpsAuth.csrfField], console.auth.csrfValid(csrf, session: session)
        else {
            return OpsResponses.html(
                .forbidden,
                H.page(
                    title: "Refused", who: nil,
                    body:
                        "<p class=\"bad\" id=\"csrf-refused\">Refused: the form's CSRF token is missing or wrong. Reload the page and try again.</p>"
                ))
        }
        let (who, token) = identity(request)
        do {
            switch try await body("ops:" + who, form, token) {
            case .page(let html): return OpsResponses.html(.ok, H.page(title: "Cases", who: who, body: html))
            case .redirect(let location): return OpsResponses.redirect(location)
            }
        } catch let error as OpsError {
            return OpsResponses.html(
                .badRequest,
                H.page(
                    title: "Cases", who: who,
                    body: "<p class=\"bad\" id=\"action-error\">\(H.escape(error.description))</p>"))
        }
    }

    /// `POST /ops/login`: the token and a name → a session cookie; a wrong token → 401.
    private func login(_ request: Request) async throws -> Response {
        let form = try await OpsForm.read(request)
        guard let token = form["token"], console.auth.tokenMatches(token) else {
            console.logger.warning("ops console: sign-in refused")
            return OpsResponses.html(.unauthorized, OpsResponses.loginPage(message: "Wrong token."))
        }
        guard let who = form.text("who").flatMap(OpsAuth.cleanName) else {
            return OpsResponses.html(.unauthorized, OpsResponses.loginPage(message: "Say who you are."))
        }
        console.logger.notice("ops console: signed in", metadata: ["who": "\(who)"])
        var response = OpsResponses.redirect("/ops/cases")
        response.setCookie(
            Cookie(
                name: OpsAuth.cookieName, value: console.auth.session(for: who), path: "/ops", httpOnly: true,
                sameSite: .strict))
        return response
    }
}

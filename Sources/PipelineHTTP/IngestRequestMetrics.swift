import HTTPTypes
import Hummingbird
import Pipeline

/// Counts the answers to ingest requests (`/webhooks/…`) by route and status as
/// `driftless_ingest_requests_total`; other paths pass untouched.
struct IngestRequestMetrics<Context: RequestContext>: RouterMiddleware {
    let metrics: PipelineMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/webhooks/") else { return try await next(request, context) }
        // Known routes by name; anything else under /webhooks/ as one label (bounded cardinality).
        let route = path == "/webhooks/shopify" ? path : "other"
        do {
            let response = try await next(request, context)
            metrics.ingestRequest(route: route, status: Int(response.status.code))
            return response
        } catch let error as any HTTPResponseError {
            metrics.ingestRequest(route: route, status: Int(error.status.code))
            throw error
        } catch {
            metrics.ingestRequest(route: route, status: 500)
            throw error
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Pipeline

/// HTTP routes of the ingest process: `POST /webhooks/shopify`, `GET /healthz`, `GET /readyz`,
/// `GET /status` (condition and part states as JSON).
public enum IngestRoutes {
    /// Adds the webhook route to `router`. A delivery Shopify retried (its webhook id seen before) is
    /// reported to `alerts` as a retry: logged, never alerted on its own.
    public static func addWebhookRoutes(
        to router: Router<BasicRequestContext>, shopify: ShopifyWebhookIngest, alerts: AlertEngine? = nil
    ) {
        let limit = shopify.configuration.maxBodyBytes
        router.post("/webhooks/shopify") { request, _ -> Response in
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
                return plain(.contentTooLarge, "payload too large")
            }
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: limit)
            } catch {
                return plain(.contentTooLarge, "payload too large")
            }
            let headers = request.headers
            let outcome = await shopify.handle(
                header: { name in HTTPField.Name(name).flatMap { headers[$0] } },
                body: Array(buffer.readableBytesView))
            switch outcome {
            case .accepted: return plain(.ok, "ok")
            case .duplicate:
                let id = HTTPField.Name("X-Shopify-Webhook-Id").flatMap { headers[$0] }.map { String($0.prefix(80)) }
                alerts?.record(.retried("Shopify webhook \(id ?? "?") delivered again (deduplicated)"))
                return plain(.ok, "duplicate")
            case .unauthorized: return plain(.unauthorized, "invalid signature")
            case .badRequest(let why): return plain(.badRequest, why)
            case .tooLarge: return plain(.contentTooLarge, "payload too large")
            case .unavailable: return plain(.serviceUnavailable, "try again")
            }
        }
    }

    /// Adds `/healthz` (alive: 503 only after a fatal error) and `/readyz` (ready for traffic) to
    /// `router`. Both answer a short code (``HealthState/Condition``), never error text.
    public static func addHealthRoutes(to router: Router<BasicRequestContext>, health: HealthState) {
        router.get("/healthz") { _, _ in
            let liveness = health.liveness
            return plain(liveness.alive ? .ok : .serviceUnavailable, liveness.detail)
        }
        router.get("/readyz") { _, _ in
            let readiness = health.readiness
            return plain(readiness.ready ? .ok : .serviceUnavailable, readiness.detail)
        }
        router.get("/status") { _, _ in
            // Short codes only (condition, part states such as the ERP breaker), never error text.
            let body: [String: Any] = [
                "condition": health.condition.rawValue, "components": health.components, "details": health.details,
            ]
            let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}

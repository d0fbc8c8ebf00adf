import HTTPTypes
import Hummingbird
import NIOCore
import Pipeline

/// `GET /metrics`: the process's metrics in the Prometheus text format (0.0.4), served by every
/// process (all-in-one and `--stage X` replicas) on the same listener as `/healthz`.
public enum MetricsRoutes {
    /// Adds `/metrics` to `router`.
    public static func add(to router: Router<BasicRequestContext>, metrics: PipelineMetrics) {
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
    }
}

import Foundation
import Pipeline

/// The Health view: the process's readiness and each component's state (broker, breaker, poller, …).
enum HealthPage {
    typealias H = OpsHTML

    static func render(_ backend: OpsBackend) throws -> String {
        let (ready, detail) = backend.health.readiness
        let rows = backend.health.components.sorted { $0.key < $1.key }.map { [H.escape($0.key), H.escape($0.value)] }
        return """
            <p>Readiness: <span id="readiness" class="\(ready ? "ok" : "bad")">\(H.escape(detail))</span></p>
            \(H.table(id: "components", head: ["component", "state"], rows: rows))
            """
    }
}

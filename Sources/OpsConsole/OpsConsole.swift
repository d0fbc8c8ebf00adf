import Foundation
import Hummingbird
import Logging
import Pipeline
import Synchronization

/// The operations console: server-rendered pages under `/ops`, served by the running process on its
/// main listener or one of its own (`ops.listen`), behind the ops token (see ``OpsAuthMiddleware``).
///
/// It is made before the pipeline starts (its routes go on the listener the runtime builds) and
/// ``attach(_:)``ed once the runtime is up; until then pages answer 503.
public final class OpsConsole: Sendable {
    let configuration: PipelineConfiguration
    let auth: OpsAuth
    let jobs = OpsJobs()
    let logger: Logger
    private let attached = Mutex<OpsBackend?>(nil)

    /// A console for a process with `configuration` (its `ops` settings give the token).
    public init(configuration: PipelineConfiguration, logger: Logger) {
        self.configuration = configuration
        auth = OpsAuth(token: configuration.ops.token)
        self.logger = logger
    }

    /// Connects the console to the running pipeline.
    public func attach(_ backend: OpsBackend) {
        attached.withLock { $0 = backend }
    }

    /// The pipeline, once attached.
    func backend() throws -> OpsBackend {
        guard let backend = attached.withLock({ $0 }) else { throw OpsError.notReady }
        return backend
    }

    /// Adds `/ops` and everything under it to `router`.
    public func addRoutes(to router: Router<BasicRequestContext>) {
        OpsRoutes(console: self).add(to: router.group("ops").add(middleware: OpsAuthMiddleware(auth: auth)))
    }

    /// A listener of the console's own on `host:port` (`ops.listen`); `onListening` gets the bound port.
    public func makeListener(
        host: String, port: Int, onListening: @escaping @Sendable (Int?) -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        addRoutes(to: router)
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "driftless-ops"),
            onServerRunning: { channel in onListening(channel.localAddress?.port) }, logger: logger)
    }
}

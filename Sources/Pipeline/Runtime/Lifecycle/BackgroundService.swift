import ServiceLifecycle

/// Background work a client needs while the process runs (PostgreSQL's connection pool), as a
/// `Service`: it runs until the group shuts it down (it is listed first, so that is last).
struct BackgroundService: Service, CustomStringConvertible {
    let name: String
    let body: @Sendable () async -> Void

    var description: String { name }

    func run() async throws {
        await cancelWhenGracefulShutdown { await body() }
    }
}

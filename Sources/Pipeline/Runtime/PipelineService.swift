import ServiceLifecycle

/// A named `Service` around a closure (the stages and the poller run as services of one group).
struct PipelineService: Service, CustomStringConvertible {
    let description: String
    let body: @Sendable () async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
        description = name
        self.body = body
    }

    func run() async throws {
        try await body()
    }
}

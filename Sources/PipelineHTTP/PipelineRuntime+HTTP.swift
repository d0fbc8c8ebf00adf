import Kafka
import Logging
import Pipeline

extension PipelineRuntime {
    /// Starts `stages` (all by default) with the Hummingbird HTTP listener (webhooks, health,
    /// `/metrics`); see ``PipelineRuntime/start(configuration:stages:handleSignals:mockCluster:assembly:logger:http:)``.
    public static func start(
        configuration: PipelineConfiguration, stages: Set<StageName> = Set(StageName.allCases),
        handleSignals: Bool = false, mockCluster: MockCluster? = nil, assembly: Assembly? = nil,
        logger: Logger = Logger(label: "driftless")
    ) async throws -> PipelineRuntime {
        try await start(
            configuration: configuration, stages: stages, handleSignals: handleSignals, mockCluster: mockCluster,
            assembly: assembly, logger: logger, http: HummingbirdHTTPFront())
    }
}

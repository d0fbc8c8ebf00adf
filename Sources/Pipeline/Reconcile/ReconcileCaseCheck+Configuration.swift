import Foundation
import Ledger
import Logging
import OrderModel

extension ReconcileCaseCheck {
    /// The re-check a replay of `selected` needs for reconciliation's cases (stage `reconcile`), built
    /// from `configuration`'s channel and ERP read APIs; nil when no such case is selected or no ERP
    /// is configured (those cases then fail to replay with the reason). Shared by `driftless dlq
    /// replay` and the operations console, so both replay alike.
    public static func forReplay(
        _ configuration: PipelineConfiguration, needed selected: [DeadLetterCase], logger: Logger
    ) throws -> ReconcileCaseCheck? {
        guard selected.contains(where: { $0.provenance.stage == stage }), let erp = configuration.erp else {
            return nil
        }
        let stats = ReconcileAPIStats()
        let channels = try ReconcileReaders.channels(pipeline: configuration, stats: stats, logger: logger)
        return ReconcileCaseCheck(
            channels: channels,
            erp: ERPViewReader(sync: ERPSync(client: try ERPClient(configuration: erp)), stats: stats),
            matrix: try configuration.mappingFile.map {
                try MappingMatrix.load(yaml: try String(contentsOfFile: $0, encoding: .utf8), fileName: $0)
            } ?? MappingMatrix.default)
    }
}

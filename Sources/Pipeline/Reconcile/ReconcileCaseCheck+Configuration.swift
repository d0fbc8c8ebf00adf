import Foundation
import Ledger
import Logging
import OrderModel

extension ReconcileCaseCheck {
    /// The re-check a replay of `selected` needs for reconciliation's cases (stage `reconcile`), built
    /// from the process's channel and ERP read APIs (`assembly`'s, shared with its other users); nil
    /// when no such case is selected or no ERP is configured (those cases then fail to replay with the
    /// reason). Shared by `driftless dlq replay` and the operations console, so both replay alike.
    public static func forReplay(_ assembly: Assembly, needed selected: [DeadLetterCase]) throws
        -> ReconcileCaseCheck?
    {
        guard selected.contains(where: { $0.provenance.stage == stage }), let erp = try assembly.erpViewReader()
        else { return nil }
        return ReconcileCaseCheck(channels: try assembly.channelReaders(), erp: erp, matrix: try assembly.matrix())
    }
}

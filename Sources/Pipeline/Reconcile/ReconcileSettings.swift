import Foundation
import OrderModel

/// How a reconciliation run behaves.
public struct ReconcileSettings: Sendable {
    /// How far back a run looks (orders created or updated in the window; the playbook: 48 h).
    public var window: Duration
    /// Compare and report only: no lease, no records produced, no cases, nothing written to the ledger.
    public var dryRun: Bool
    /// Auto-correct or flag, per pattern.
    public var policy: ReconcilePolicy
    /// The lease's name (one job per name across replicas).
    public var leaseName: String
    /// How long the lease holds without renewal (renewed every third of it while the run goes on).
    public var leaseTTL: Duration
    /// Who runs (a replica id).
    public var owner: String
    /// Batches of ERP views (``ERPSync/viewBatchSize`` orders each) read at once.
    public var concurrency: Int
    /// Whether the ERP-side sweep runs after the channels' (sales orders modified in the window whose
    /// channel order the channels' pages did not bring).
    public var erpSweep: Bool
    /// Sales orders per page of the ERP-side sweep (NetSuite: at most 1000).
    public var erpPageSize: Int
    /// How many sales orders of the previous page the next page asks for again: a sales order modified
    /// during the sweep moves to the end of the list and shifts the offsets back; the overlap (already
    /// compared orders cost nothing) keeps that from skipping unread ones.
    public var erpPageOverlap: Int
    /// How far back a run reaches at most to close the gap left by missed runs (it starts where the
    /// last completed window ended, but never before now − this; `reconcile.maxLookback`, 14 days).
    public var maxLookback: Duration = .seconds(14 * 86_400)
    /// Attempts of one run (the first and its resumptions) before it is given up with an alert and
    /// the next attempt starts a new run (`reconcile.maxRunAttempts`, 3).
    public var maxRunAttempts = 3

    /// Settings; the owner defaults to host name + process id.
    public init(
        window: Duration = .seconds(48 * 3600), dryRun: Bool = false, policy: ReconcilePolicy = .default,
        leaseName: String = "reconcile", leaseTTL: Duration = .seconds(300),
        owner: String = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)",
        concurrency: Int = 8, erpSweep: Bool = true, erpPageSize: Int = 200, erpPageOverlap: Int = 20
    ) {
        self.window = window
        self.dryRun = dryRun
        self.policy = policy
        self.leaseName = leaseName
        self.leaseTTL = leaseTTL
        self.owner = owner
        self.concurrency = max(1, concurrency)
        self.erpSweep = erpSweep
        self.erpPageSize = max(1, min(1000, erpPageSize))
        self.erpPageOverlap = max(0, min(erpPageOverlap, self.erpPageSize - 1))
    }
}

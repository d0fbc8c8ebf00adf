import Foundation
import Ledger

extension PipelineConfiguration {
    /// `ledger.retention.*` from the file, then `DRIFTLESS_LEDGER_RETENTION_AUDIT_RECORDS`,
    /// `…_CLOSED_CASES`, `…_RECONCILE_FINDINGS`, `…_RECONCILE_RUNS`: durations of at least one hour.
    mutating func applyRetention(_ file: PipelineConfigFile.Retention?, environment: [String: String]) throws {
        let env = EnvironmentValues(environment: environment)
        let settings: [(String, String, String?, WritableKeyPath<LedgerRetention, TimeInterval>)] = [
            (
                "ledger.retention.auditRecords", "DRIFTLESS_LEDGER_RETENTION_AUDIT_RECORDS", file?.auditRecords,
                \.auditRecords
            ),
            (
                "ledger.retention.closedCases", "DRIFTLESS_LEDGER_RETENTION_CLOSED_CASES", file?.closedCases,
                \.closedCases
            ),
            (
                "ledger.retention.reconcileFindings", "DRIFTLESS_LEDGER_RETENTION_RECONCILE_FINDINGS",
                file?.reconcileFindings, \.reconcileFindings
            ),
            (
                "ledger.retention.reconcileRuns", "DRIFTLESS_LEDGER_RETENTION_RECONCILE_RUNS", file?.reconcileRuns,
                \.reconcileRuns
            ),
        ]
        for (setting, variable, fileValue, path) in settings {
            let (text, name): (String?, String) = env.value(variable).map { ($0, variable) } ?? (fileValue, setting)
            guard let text else { continue }
            let seconds = try ConfigDuration.parse(text, setting: name)
            guard seconds >= 3600 else {
                throw PipelineConfigurationError.invalidValue(field: name, value: "\(text) (at least 1h)")
            }
            retention[keyPath: path] = seconds
        }
    }
}

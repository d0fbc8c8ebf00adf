import Foundation
import Ledger

/// Durations in the configuration file and environment: the same syntax as every flag (`90s`,
/// `1h30m`, `2d`, `2w`; ``LedgerTimeSpec``), with a maximum per setting.
enum ConfigDuration {
    /// Seconds of `text`; a malformed or too long value is an error naming `setting`.
    static func parse(_ text: String, setting: String, maximum: TimeInterval = LedgerTimeSpec.maximumSeconds) throws
        -> TimeInterval
    {
        do {
            return try LedgerTimeSpec.duration(text, maximum: maximum)
        } catch let error as LedgerError {
            throw PipelineConfigurationError.invalidValue(field: setting, value: error.description)
        }
    }
}

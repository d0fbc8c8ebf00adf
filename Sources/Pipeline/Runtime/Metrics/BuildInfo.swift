import Foundation

/// The running build: its version and the commit it was built from (exported as
/// `driftless_build_info{version, commit}` and printed by `driftless version`).
public enum BuildInfo {
    /// Driftless's version.
    public static let version = "0.1.0"

    /// The commit: `DRIFTLESS_BUILD_COMMIT` (the image sets it from its build argument), else `unknown`.
    public static var commit: String {
        let value = ProcessInfo.processInfo.environment["DRIFTLESS_BUILD_COMMIT"]?.trimmingCharacters(in: .whitespaces)
        guard let value, !value.isEmpty else { return "unknown" }
        return String(value.prefix(64))
    }
}

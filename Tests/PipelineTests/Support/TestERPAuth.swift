import Foundation

@testable import Pipeline

/// How a test's ERP simulator and its clients authenticate. Tests use NetSuite OAuth 2.0 (what a
/// new NetSuite integration uses) unless they are about another mode or `DRIFTLESS_TEST_ERP_AUTH`
/// (`oauth2`, `tba`, `bearer`) says otherwise; `bearer` (the static development token) is left to
/// the few tests about it.
enum TestERPAuth: String, Sendable, CaseIterable {
    case bearer, oauth2, tba

    /// `DRIFTLESS_TEST_ERP_AUTH`, else `oauth2`; another value is an error naming the variable.
    static func fromEnvironment() throws -> TestERPAuth {
        guard let text = ProcessInfo.processInfo.environment["DRIFTLESS_TEST_ERP_AUTH"], !text.isEmpty else {
            return .oauth2
        }
        guard let auth = TestERPAuth(rawValue: text) else {
            throw PipelineConfigurationError.invalidVariable(name: "DRIFTLESS_TEST_ERP_AUTH", value: text)
        }
        return auth
    }
}

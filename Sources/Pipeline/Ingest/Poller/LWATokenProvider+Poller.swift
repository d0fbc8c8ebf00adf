extension LWATokenProvider {
    /// The current token for a poller request; a refused refresh token is
    /// ``PollerError/credentialsRejected(_:)`` (the poller stops: new credentials are needed).
    func pollerAccessToken() async throws -> Secret {
        do {
            return try await accessToken()
        } catch let error as TokenEndpointError where error.isRejection {
            throw PollerError.credentialsRejected(error.description)
        }
    }
}

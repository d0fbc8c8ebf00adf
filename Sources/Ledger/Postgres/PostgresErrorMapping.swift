import PostgresNIO

/// Turns PostgresNIO errors into ``LedgerError``s with messages an operator can act on.
enum PostgresErrorMapping {
    static func map(_ error: any Error, location: String) -> any Error {
        if error is LedgerError || error is CancellationError || error is ReconcileLeaseFenced { return error }
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.beginError ?? transaction.closureError ?? transaction.commitError {
                return map(inner, location: location)
            }
            return LedgerError.database(location, reason: "\(transaction)")
        }
        guard let psql = error as? PSQLError else {
            return LedgerError.database(location, reason: "\(error)")
        }
        let sqlState = psql.serverInfo?[.sqlState] ?? ""
        let message = psql.serverInfo?[.message] ?? psql.underlying.map { "\($0)" } ?? "\(psql.code)"
        switch psql.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .failedToAddSSLHandler, .sslUnsupported:
            return LedgerError.unreachable(location, reason: message)
        case .clientClosedConnection, .poolClosed:
            return LedgerError.closed(location)
        case .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
            return LedgerError.authenticationFailed(location, reason: message)
        case .server:
            switch sqlState {
            case "28P01", "28000":
                return LedgerError.authenticationFailed(location, reason: message)
            case "3D000":
                return LedgerError.cannotOpen(location, reason: message)
            case "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004":
                return LedgerError.unreachable(location, reason: message)
            case _ where sqlState.hasPrefix("22") || sqlState.hasPrefix("23"):
                // Class 22 (data exception) and 23 (integrity constraint): the rows themselves.
                return LedgerError.rejected(location, reason: "\(message) (SQLSTATE \(sqlState))")
            default:
                return LedgerError.database(location, reason: "\(message) (SQLSTATE \(sqlState))")
            }
        default:
            return LedgerError.database(location, reason: message)
        }
    }
}

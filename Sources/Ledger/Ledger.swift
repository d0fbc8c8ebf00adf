/// Audit trail and durable order state (SQLite by default, PostgreSQL for replicas).
public enum LedgerInfo {}

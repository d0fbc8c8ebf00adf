/// Whether an arrival is a record already recorded (both backends decide the same way).
enum CaseSourceMatch {
    /// The case of the source rows at the arrival's topic, partition and offset that is the same
    /// record: the same fingerprint, or — a row from before fingerprints (empty) — the same event id.
    /// Nil: a new source (offsets started again; another record now has this position).
    static func duplicate(
        of arrival: CaseArrival, fingerprint: String,
        among known: [(caseID: Int64, fingerprint: String, eventID: String?)]
    ) -> Int64? {
        if let same = known.first(where: { $0.fingerprint == fingerprint }) { return same.caseID }
        let legacy = known.first { $0.fingerprint.isEmpty && $0.eventID == StorageCoding.text(arrival.eventID) }
        return legacy?.caseID
    }
}

import Foundation
import OrderModel

/// The records of the ERP simulator, with the counts tests assert on.
public actor ERPStore {
    /// Why a write was refused.
    public enum WriteError: Error, Equatable {
        /// `POST` with an `externalId` a record of the type already has (NetSuite's `DUP_RCRD`).
        case duplicateExternalId(String)
        /// No such record (for `PATCH` and transforms).
        case notFound(String)
        /// A body the simulator cannot use.
        case invalid(String)
    }

    private var records: [ERPRecordType: [String: ERPRecord]] = [:]
    private var byExternalId: [ERPRecordType: [String: String]] = [:]
    private var fingerprints: Set<String> = []
    private var nextID = 1000
    /// The last sales order document number given (`tranId`).
    private var lastDocumentNumber = 4400
    private let now: @Sendable () -> Date

    /// Related records created a second time for the same effect (same type, sales order, status and
    /// fields): an integration that is not exactly-once. Tests assert it stays 0.
    public private(set) var duplicateEffects = 0
    /// Writes that created or changed a record.
    public private(set) var appliedWrites = 0
    /// Sales order writes whose `custbody_driftless_version` is lower than the one the record
    /// holds: a change applied out of order (an older status over a newer one). Tests assert 0.
    public private(set) var versionRegressions = 0
    /// Refuse a new sales order without a customer or item lines, as NetSuite does (``ERPContentRules``;
    /// off by default: status-only writers and their tests predate issue 24).
    public private(set) var requiresOrderContent = false

    /// Turns the sales-order content requirement on or off.
    public func setRequiresOrderContent(_ on: Bool) { requiresOrderContent = on }
    /// Every write that created or changed a record, in the order the simulator applied them.
    public private(set) var writeLog: [ERPWriteLogEntry] = []
    static let versionField = "custbody_driftless_version"

    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// The record `id` (internal id, or `eid:<externalId>`) of `type`.
    public func find(_ type: ERPRecordType, id: String) -> ERPRecord? {
        if id.hasPrefix("eid:") {
            guard let internalID = byExternalId[type]?[String(id.dropFirst(4))] else { return nil }
            return records[type]?[internalID]
        }
        return records[type]?[id]
    }

    /// Records of `type` modified at or after `since`, related to `createdFrom` when given, ordered by
    /// (lastModifiedDate, id).
    public func records(_ type: ERPRecordType, modifiedSince since: Date? = nil, createdFrom: String? = nil)
        -> [ERPRecord]
    {
        (records[type] ?? [:]).values.filter { record in
            (since.map { record.lastModifiedDate >= $0 } ?? true)
                && (createdFrom.map { record.createdFrom == $0 } ?? true)
        }.sorted { ($0.lastModifiedDate, Int($0.id) ?? 0) < ($1.lastModifiedDate, Int($1.id) ?? 0) }
    }

    /// Every record of every type.
    public func allRecords() -> [ERPRecord] {
        records.values.flatMap(\.values).sorted { (Int($0.id) ?? 0) < (Int($1.id) ?? 0) }
    }

    /// `PUT …/{type}/eid:{externalId}`: creates the record or updates it in place. Returns it and
    /// whether it was created.
    @discardableResult
    func upsert(_ type: ERPRecordType, externalId: String, body: ERPWriteBody) throws(WriteError) -> (ERPRecord, Bool) {
        guard !externalId.isEmpty, !externalId.contains("|") else { throw .invalid("invalid externalId") }
        if let internalID = byExternalId[type]?[externalId], var record = records[type]?[internalID] {
            let before = record
            if let old = before.fields[Self.versionField].flatMap({ Int64($0) }),
                let new = body.fields[Self.versionField].flatMap({ Int64($0) }), new < old
            {
                versionRegressions += 1
            }
            apply(body, to: &record)
            if record != before {
                record.lastModifiedDate = now()
                records[type]?[internalID] = record
                appliedWrites += 1
                log(record)
            }
            return (record, false)
        }
        var withID = body
        withID.externalId = externalId
        return (try create(type, body: withID), true)
    }

    /// `POST …/{type}` (and transforms, with `createdFrom` set): a new record.
    @discardableResult
    func create(_ type: ERPRecordType, body: ERPWriteBody) throws(WriteError) -> ERPRecord {
        if let externalId = body.externalId, byExternalId[type]?[externalId] != nil {
            throw .duplicateExternalId(externalId)
        }
        if type.isRelated {
            guard let parent = body.createdFrom, records[.salesOrder]?[parent] != nil else {
                throw .invalid("createdFrom must name an existing sales order")
            }
        }
        nextID += 1
        var record = ERPRecord(id: String(nextID), type: type, lastModifiedDate: now())
        apply(body, to: &record)
        if type == .salesOrder, record.fields["tranId"] == nil {
            // NetSuite numbers a transaction created without a document number itself (Oracle NetSuite
            // help, "Set Up Auto-Generated Numbers": Document Numbers subtab, optional prefix then a
            // sequence); the simulator's sales orders use the prefix `SO-`.
            lastDocumentNumber += 1
            record.fields["tranId"] = "SO-\(lastDocumentNumber)"
        }
        record.externalId = body.externalId
        if type.isRelated {
            if !fingerprints.insert(record.fingerprint).inserted { duplicateEffects += 1 }
        }
        records[type, default: [:]][record.id] = record
        if let externalId = record.externalId { byExternalId[type, default: [:]][externalId] = record.id }
        appliedWrites += 1
        log(record)
        return record
    }

    /// `PATCH …/{type}/{id}`: changes the given fields and status.
    @discardableResult
    func update(_ type: ERPRecordType, id: String, body: ERPWriteBody) throws(WriteError) -> ERPRecord {
        guard var record = find(type, id: id) else { throw .notFound("\(type.rawValue) \(id)") }
        let before = record
        apply(body, to: &record)
        if record != before {
            record.lastModifiedDate = now()
            records[type]?[record.id] = record
            appliedWrites += 1
            log(record)
        }
        return record
    }

    private func log(_ record: ERPRecord) {
        writeLog.append(
            ERPWriteLogEntry(
                type: record.type, id: record.id, externalId: record.externalId,
                salesOrder: record.type == .salesOrder ? record.id : (record.createdFrom ?? ""),
                status: record.status?.id, version: record.fields[Self.versionField].flatMap { Int64($0) },
                time: record.lastModifiedDate))
    }

    private func apply(_ body: ERPWriteBody, to record: inout ERPRecord) {
        if let status = body.status {
            let name = record.type == .salesOrder ? ERPStatus.salesOrderNames[status] : nil
            record.status = ERPStatus(id: status, refName: name ?? status)
        }
        if let parent = body.createdFrom { record.createdFrom = parent }
        record.fields.merge(body.fields) { _, new in new }
    }
}

/// One write the ERP simulator applied.
public struct ERPWriteLogEntry: Sendable, Hashable {
    public var type: ERPRecordType
    /// The record's internal id and external id.
    public var id: String
    public var externalId: String?
    /// The internal id of the sales order the record is (or belongs to).
    public var salesOrder: String
    /// The record's status after the write.
    public var status: String?
    /// The canonical version dispatch wrote (sales orders).
    public var version: Int64?
    /// When the simulator applied it.
    public var time: Date
}

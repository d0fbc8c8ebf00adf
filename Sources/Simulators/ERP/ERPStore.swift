import Foundation
import OrderModel

/// The records of the ERP simulator, with the counts tests assert on. Strict to Oracle's REST
/// documentation (see ``ERPRoutes``): transform-only types are made only by transforms, a sales
/// order's `status` is derived, and its approval (`orderStatus`) is the only status written.
public actor ERPStore {
    /// Why a write was refused.
    public enum WriteError: Error, Equatable {
        /// `POST` with an `externalId` a record of the type already has (NetSuite's `DUP_RCRD`).
        case duplicateExternalId(String)
        /// No such record (for `PATCH`, transforms and actions).
        case notFound(String)
        /// A body the simulator cannot use (`INVALID_FLD_VALUE`).
        case invalid(String)
        /// A request NetSuite refuses as a whole (`INVALID_CONTENT`): an upsert or create of a
        /// transform-only type, a transform or action it does not have.
        case refused(String)
    }

    private var records: [ERPRecordType: [String: ERPRecord]] = [:]
    private var byExternalId: [ERPRecordType: [String: String]] = [:]
    private var fingerprints: Set<String> = []
    /// Every record's SuiteQL row, indexed (what queries read).
    private var transactions = ERPTransactionTable()
    private var nextID = 1000
    /// The last sales order document number given (`tranId`).
    private var lastDocumentNumber = 4400
    private let now: @Sendable () -> Date

    /// Related records created a second time for the same effect (same type, parent, tracking and
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
    /// Item records (``ERPItem``), by internal id; SuiteQL reads them as `item`.
    var itemRecords: [String: ERPItem] = [:]

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

    /// Records of `type` modified at or after `since`, hanging off `parent` when given, ordered by
    /// (lastModifiedDate, id).
    public func records(_ type: ERPRecordType, modifiedSince since: Date? = nil, createdFrom parent: String? = nil)
        -> [ERPRecord]
    {
        let pool =
            parent.map { parent in
                transactions.ids("createdfrom", parent).union(transactions.ids("salesorder", parent))
                    .compactMap { records[type]?[$0] }
            } ?? Array((records[type] ?? [:]).values)
        return pool.filter { record in
            (since.map { record.lastModifiedDate >= $0 } ?? true) && (parent.map { record.parent == $0 } ?? true)
        }.sorted { ($0.lastModifiedDate, Int($0.id) ?? 0) < ($1.lastModifiedDate, Int($1.id) ?? 0) }
    }

    /// The `transaction` rows `query` may match (``ERPTransactionTable/candidates(for:)``).
    func transactionCandidates(for query: ERPSuiteQL) -> [[String: String]] {
        transactions.candidates(for: query)
    }

    /// Stores `record` and its SuiteQL row: the one way a record is written.
    private func put(_ record: ERPRecord) {
        records[record.type, default: [:]][record.id] = record
        transactions.put(record)
    }

    /// Every record of every type, by internal id.
    public func allRecords() -> [ERPRecord] {
        records.values.flatMap(\.values).sorted { (Int($0.id) ?? 0) < (Int($1.id) ?? 0) }
    }

    /// The internal id of the sales order `record` is or belongs to (a credit memo through its
    /// return authorization).
    public func salesOrderID(of record: ERPRecord) -> String? {
        switch record.type {
        case .salesOrder: return record.id
        case .creditMemo:
            guard let parent = record.createdFrom else { return nil }
            return records[.returnAuthorization]?[parent]?.createdFrom ?? records[.invoice]?[parent]?.createdFrom
        default: return record.parent
        }
    }

    /// `PUT …/{type}/eid:{externalId}`: creates the record or updates it in place. Returns it and
    /// whether it was created.
    @discardableResult
    func upsert(_ type: ERPRecordType, externalId: String, body: ERPWriteBody) throws(WriteError) -> (ERPRecord, Bool) {
        guard !externalId.isEmpty, !externalId.contains("|") else { throw .invalid("invalid externalId") }
        try check(type, body)
        if let internalID = byExternalId[type]?[externalId], let record = records[type]?[internalID] {
            if let old = record.fields[Self.versionField].flatMap({ Int64($0) }),
                let new = body.fields[Self.versionField].flatMap({ Int64($0) }), new < old
            {
                versionRegressions += 1
            }
            return (try change(record, body), false)
        }
        var withID = body
        withID.externalId = externalId
        return (try create(type, body: withID), true)
    }

    /// `POST …/{type}`: a new record (never of a transform-only type).
    @discardableResult
    func create(_ type: ERPRecordType, body: ERPWriteBody) throws(WriteError) -> ERPRecord {
        try check(type, body)
        return try insert(type, body: body)
    }

    /// `POST …/{fromType}/{id}/!transform/{toType}`: a new record made from `id`.
    @discardableResult
    func transform(from source: ERPRecordType, id: String, to target: ERPRecordType, body: ERPWriteBody)
        throws(WriteError) -> ERPRecord
    {
        guard ERPRecordType.transforms[source]?.contains(target) == true else {
            throw .refused("A \(source.rawValue) cannot be transformed into a \(target.rawValue).")
        }
        guard let from = find(source, id: id) else { throw .notFound("\(source.rawValue) \(id)") }
        // A cancelled or closed order's lines are closed: nothing more ships or bills from it (a
        // return authorization still can be made, for what was shipped and paid).
        if source == .salesOrder, from.action != nil, target != .returnAuthorization {
            throw .refused("The sales order is \(from.action == .cancel ? "cancelled" : "closed").")
        }
        if body.readOnlyField == "status" { throw .invalid("status is read-only") }
        var made = body
        made.createdFrom = from.id
        return try insert(target, body: made)
    }

    /// `POST …/salesOrder/{id}/@{action}`: cancels or closes the sales order (idempotent: an order
    /// already in that state stays so). A closed order cannot be cancelled.
    @discardableResult
    func act(_ type: ERPRecordType, id: String, action: String) throws(WriteError) -> ERPRecord {
        guard type == .salesOrder, let action = ERPRecord.Action(rawValue: action) else {
            throw .refused("The record action @\(action) is not supported for \(type.rawValue).")
        }
        guard var record = find(type, id: id) else { throw .notFound("\(type.rawValue) \(id)") }
        if record.action == action { return record }
        if record.action == .close, action == .cancel { throw .refused("A closed sales order cannot be cancelled.") }
        record.action = action
        put(record)
        refreshStatus(of: record.id)
        appliedWrites += 1
        log(records[type]?[record.id] ?? record)
        return records[type]?[record.id] ?? record
    }

    /// `PATCH …/{type}/{id}`: changes the given fields.
    @discardableResult
    func update(_ type: ERPRecordType, id: String, body: ERPWriteBody) throws(WriteError) -> ERPRecord {
        guard let record = find(type, id: id) else { throw .notFound("\(type.rawValue) \(id)") }
        try check(type, body, isUpdate: true)
        return try change(record, body)
    }

    /// What NetSuite refuses of a create, upsert or update of `type` with `body`.
    private func check(_ type: ERPRecordType, _ body: ERPWriteBody, isUpdate: Bool = false) throws(WriteError) {
        if type.isTransformOnly, !isUpdate {
            throw .refused(
                "A \(type.rawValue) record can only be created by transforming another record "
                    + "(POST …/{fromType}/{id}/!transform/\(type.rawValue)).")
        }
        if let field = body.readOnlyField {
            throw .invalid(
                field == "status"
                    ? "status is read-only: set orderStatus (A or B), or use a record action (@cancel, @close)."
                    : "createdFrom is set by transforming a record.")
        }
        if let status = body.orderStatus {
            guard type == .salesOrder else { throw .invalid("orderStatus is a sales order field.") }
            guard status == "A" || status == "B" else {
                throw .invalid("Invalid orderStatus reference key \(status): only A and B can be set.")
            }
        }
        if type == .customerDeposit, !isUpdate {
            guard let order = body.salesOrder, records[.salesOrder]?[order] != nil else {
                throw .invalid("salesOrder must name an existing sales order.")
            }
        }
    }

    private func insert(_ type: ERPRecordType, body: ERPWriteBody) throws(WriteError) -> ERPRecord {
        if let externalId = body.externalId, byExternalId[type]?[externalId] != nil {
            throw .duplicateExternalId(externalId)
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
        record.createdFrom = body.createdFrom
        record.externalId = body.externalId
        if type == .salesOrder, record.orderStatus == nil { record.orderStatus = "A" }
        if type.isRelated, !fingerprints.insert(record.fingerprint).inserted { duplicateEffects += 1 }
        put(record)
        if let externalId = record.externalId { byExternalId[type, default: [:]][externalId] = record.id }
        if let order = salesOrderID(of: record) { refreshStatus(of: order) }
        appliedWrites += 1
        log(records[type]?[record.id] ?? record)
        return records[type]?[record.id] ?? record
    }

    private func change(_ before: ERPRecord, _ body: ERPWriteBody) throws(WriteError) -> ERPRecord {
        var record = before
        apply(body, to: &record)
        guard record != before else { return record }
        record.lastModifiedDate = now()
        put(record)
        if let order = salesOrderID(of: record) { refreshStatus(of: order) }
        appliedWrites += 1
        log(records[record.type]?[record.id] ?? record)
        return records[record.type]?[record.id] ?? record
    }

    /// Derives the sales order's `status` (domain facts: only `orderStatus` A/B is set; later
    /// statuses follow from fulfilments, billing and actions): closed → H, cancelled → C; billed (an
    /// invoice or cash sale made from it) → G; fulfilled → F, or D while every fulfilment left lines
    /// open; otherwise its `orderStatus`. When the order and its fulfilments list lines (by
    /// ``ERPContentRules/lineField``), F once every line's quantity is shipped; a fulfilment that
    /// lists no `item` lines receives every open line, as the transform's default does.
    private func refreshStatus(of id: String) {
        guard var order = records[.salesOrder]?[id] else { return }
        let made = transactions.ids("createdfrom", id)
        let children = { (type: ERPRecordType) in made.compactMap { self.records[type]?[$0] } }
        let code: String
        if order.action == .close {
            code = "H"
        } else if order.action == .cancel {
            code = "C"
        } else if !children(.invoice).isEmpty || !children(.cashSale).isEmpty {
            code = "G"
        } else if case let fulfilments = children(.itemFulfillment), !fulfilments.isEmpty {
            code = (Self.shipsEveryLine(order, fulfilments) ?? fulfilments.contains { !$0.leavesLinesOpen }) ? "F" : "D"
        } else {
            code = order.orderStatus ?? "A"
        }
        guard order.status?.id != code else { return }
        order.status = .salesOrder(code)
        order.lastModifiedDate = now()
        put(order)
    }

    /// Whether `fulfilments` together ship every line of `order` in full, by the lines' custom column
    /// (``ERPContentRules/lineField``) and quantities; nil when the order or the fulfilments list no
    /// lines (then each fulfilment's `itemReceive` flags decide).
    private static func shipsEveryLine(_ order: ERPRecord, _ fulfilments: [ERPRecord]) -> Bool? {
        let ordered = ERPContentRules.lines(order.fields["item"]).filter { !$0.id.isEmpty }
        let shippedLines = fulfilments.flatMap { ERPContentRules.lines($0.fields["item"]) }.filter { !$0.id.isEmpty }
        guard !ordered.isEmpty, !shippedLines.isEmpty else { return nil }
        var open: [String: Int] = [:]
        for line in ordered { open[line.id, default: 0] += line.quantity }
        for line in shippedLines { open[line.id, default: 0] -= line.quantity }
        return open.values.allSatisfy { $0 <= 0 }
    }

    private func log(_ record: ERPRecord) {
        writeLog.append(
            ERPWriteLogEntry(
                type: record.type, id: record.id, externalId: record.externalId,
                salesOrder: salesOrderID(of: record) ?? "", status: record.status?.id,
                version: record.fields[Self.versionField].flatMap { Int64($0) }, time: record.lastModifiedDate))
    }

    private func apply(_ body: ERPWriteBody, to record: inout ERPRecord) {
        if let status = body.orderStatus { record.orderStatus = status }
        if let order = body.salesOrder { record.salesOrder = order }
        if !body.trackingNumbers.isEmpty { record.packageTrackingNumbers = body.trackingNumbers }
        if let lines = body.linesReceived { record.leavesLinesOpen = lines.contains(false) }
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

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The `getOrders` operation of the marketplace simulator.
struct GetOrdersHandler: Sendable {
    static let rateLimitHeader = HTTPField.Name("x-amzn-RateLimit-Limit")
    let store: MarketplaceStore
    let bucket: TokenBucket
    let now: @Sendable () -> Date
    let sendRetryAfter: Bool
    let faults: PageFaults

    /// Answers one request; `restricted`: the data elements a Restricted Data Token grants.
    func handle(_ query: Parameters, restricted: Set<String> = []) async -> Response {
        guard bucket.take() else {
            var response = error(
                .tooManyRequests, code: "QuotaExceeded",
                message: "You exceeded your quota for the requested resource.")
            if sendRetryAfter { response.headers[.retryAfter] = "\(max(1, Int((1 / bucket.rate).rounded(.up))))" }
            return response
        }
        if let ids = query.get("AmazonOrderIds") { return await byID(ids) }
        let window: (after: Date, before: Date)
        var offset = 0
        var pageSize = query.get("MaxResultsPerPage", as: Int.self) ?? 100
        guard (1...100).contains(pageSize) else {
            return error(.badRequest, code: "InvalidInput", message: "MaxResultsPerPage must be between 1 and 100")
        }
        if let token = query.get("NextToken") {
            guard let decoded = NextToken(token) else {
                return error(.badRequest, code: "InvalidInput", message: "Invalid NextToken")
            }
            window = (decoded.after, decoded.before)
            offset = decoded.offset
            pageSize = decoded.pageSize
        } else {
            guard let afterText = query.get("LastUpdatedAfter"), let after = SimulatorTime.date(afterText) else {
                return error(
                    .badRequest, code: "InvalidInput",
                    message: "Either CreatedAfter or LastUpdatedAfter must be provided in ISO 8601 format")
            }
            let latest = now().addingTimeInterval(-120)
            var before = latest
            if let beforeText = query.get("LastUpdatedBefore") {
                guard let parsed = SimulatorTime.date(beforeText) else {
                    return error(.badRequest, code: "InvalidInput", message: "Invalid LastUpdatedBefore")
                }
                guard parsed <= latest else {
                    return error(
                        .badRequest, code: "InvalidInput",
                        message: "LastUpdatedBefore must be at least 2 minutes before the request time")
                }
                before = parsed
            }
            guard after < before else {
                return error(
                    .badRequest, code: "InvalidInput", message: "LastUpdatedAfter must be before LastUpdatedBefore")
            }
            window = (after, before)
        }
        if faults.take(page: offset / pageSize + 1) {
            return error(
                .internalServerError, code: "InternalFailure",
                message: "We encountered an internal error. Please try again.")
        }
        let matching = await store.orders(updatedAfter: window.after, before: window.before)
        let page = Array(matching.dropFirst(offset).prefix(pageSize)).map {
            restricted.isEmpty ? $0 : $0.withRestrictedData(restricted)
        }
        let nextOffset = offset + page.count
        let next =
            nextOffset < matching.count
            ? NextToken(after: window.after, before: window.before, offset: nextOffset, pageSize: pageSize).text : nil
        let body = GetOrdersResponse(
            payload: .init(
                Orders: page, NextToken: next, LastUpdatedBefore: SimulatorTime.string(window.before),
                CreatedBefore: nil))
        var response = encode(body, status: .ok)
        if let name = Self.rateLimitHeader { response.headers[name] = String(bucket.rate) }
        return response
    }

    /// `AmazonOrderIds=a,b,…` (1–50 ids): those orders, no time filter, no next page.
    private func byID(_ list: String) async -> Response {
        let ids = list.split(separator: ",").map(String.init)
        guard (1...50).contains(ids.count) else {
            return error(.badRequest, code: "InvalidInput", message: "AmazonOrderIds must hold 1 to 50 ids")
        }
        var orders: [AmazonOrderDocument] = []
        for id in ids {
            if let order = await store.order(id) { orders.append(order) }
        }
        let body = GetOrdersResponse(
            payload: .init(
                Orders: orders, NextToken: nil, LastUpdatedBefore: SimulatorTime.string(now()), CreatedBefore: nil))
        var response = encode(body, status: .ok)
        if let name = Self.rateLimitHeader { response.headers[name] = String(bucket.rate) }
        return response
    }

    private func error(_ status: HTTPResponse.Status, code: String, message: String) -> Response {
        var response = encode(SPAPIErrorBody(code: code, message: message), status: status)
        if let name = Self.rateLimitHeader { response.headers[name] = String(bucket.rate) }
        return response
    }

    private func encode<T: Encodable>(_ value: T, status: HTTPResponse.Status) -> Response {
        let data = (try? AmazonOrderDocument.encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Injected failures: page number (1 = the first page of a window) → answers left to fail with 500.
final class PageFaults: Sendable {
    private let remaining = Mutex<[Int: Int]>([:])

    func set(page: Int, times: Int) {
        remaining.withLock { $0[page] = times > 0 ? times : nil }
    }

    /// Whether this request for `page` fails (and counts it).
    func take(page: Int) -> Bool {
        remaining.withLock { faults in
            guard let left = faults[page], left > 0 else { return false }
            faults[page] = left > 1 ? left - 1 : nil
            return true
        }
    }
}

/// Opaque `NextToken`: the window, the page size and the offset reached.
struct NextToken {
    var after: Date
    var before: Date
    var offset: Int
    var pageSize: Int

    init(after: Date, before: Date, offset: Int, pageSize: Int) {
        self.after = after
        self.before = before
        self.offset = offset
        self.pageSize = pageSize
    }

    init?(_ text: String) {
        let parts = text.split(separator: "_")
        guard parts.count == 5, parts[0] == "nt", let after = Int64(parts[1]), let before = Int64(parts[2]),
            let offset = Int(parts[3]), offset >= 0, let size = Int(parts[4]), (1...100).contains(size)
        else { return nil }
        self.after = Date(timeIntervalSince1970: Double(after) / 1000)
        self.before = Date(timeIntervalSince1970: Double(before) / 1000)
        self.offset = offset
        self.pageSize = size
    }

    var text: String {
        let after = Int64((after.timeIntervalSince1970 * 1000).rounded())
        let before = Int64((before.timeIntervalSince1970 * 1000).rounded())
        return "nt_\(after)_\(before)_\(offset)_\(pageSize)"
    }
}

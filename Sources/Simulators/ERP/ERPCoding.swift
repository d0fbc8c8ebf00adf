import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A page of a list request: NetSuite's collection answer, whose items carry only `links` and `id`
/// (Oracle's NetSuite help, "Collection Paging"; domain facts, "How the REST record API really behaves").
public struct ERPPage: Sendable, Codable {
    /// A link of a resource.
    public struct Link: Sendable, Codable, Hashable {
        public var rel: String
        public var href: String
    }

    /// One item of a collection.
    public struct Item: Sendable, Codable, Hashable {
        public var links: [Link]
        public var id: String
    }

    public var count: Int
    public var hasMore: Bool
    public var items: [Item]
    public var offset: Int
    public var totalResults: Int
}

/// JSON of the ERP simulator: RFC 3339 dates, sorted keys.
public enum ERPCoding {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/vnd.oracle.resource+json; type=singular"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// NetSuite REST's error body: `{"type", "title", "status", "o:errorDetails": [{"detail", "o:errorCode"}]}`.
enum ERPError {
    struct Body: Encodable {
        struct Detail: Encodable {
            var detail: String
            var errorCode: String
            enum CodingKeys: String, CodingKey {
                case detail
                case errorCode = "o:errorCode"
            }
        }
        var type: String
        var title: String
        var status: Int
        var details: [Detail]
        enum CodingKeys: String, CodingKey {
            case type, title, status
            case details = "o:errorDetails"
        }
    }

    static func response(_ status: HTTPResponse.Status, code: String, detail: String) -> Response {
        let body = Body(
            type: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15", title: status.reasonPhrase,
            status: Int(status.code), details: [.init(detail: detail, errorCode: code)])
        return ERPCoding.response(body, status: status)
    }
}

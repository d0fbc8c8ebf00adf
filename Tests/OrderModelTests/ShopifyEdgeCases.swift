import Foundation

/// Hand-written Shopify bodies for the differential tests: ones the fast path must handle, and ones it
/// must leave to `JSONDecoder` (which then decodes or rejects them, as before).
enum ShopifyEdgeCases {
    static let required = #""id":1,"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid""#

    /// A minimal valid order with `extra` (starting with `,`) appended inside the object.
    static func order(_ extra: String) -> String { "{" + required + extra + "}" }

    static let handled: [String] = [
        order(""),
        " \n\t{\r\n \"id\" \t:\n 1 ,\"updated_at\" : \"2026-11-20T10:00:00Z\"\n,\n\"financial_status\"\t:\"paid\" } \n\r\t",
        order(#","name":"\"q\" \\ \/ \b\f\n\r\t""#),
        order(#","name":"caf\u00e9 \u00E9 \ud83d\ude00 \uD83D\uDE00 \u0000 \u2028 \u001f""#),
        order(",\"name\":\"Zoë 😀 日本 \u{7F}\""),
        order(",\"name\":\"e\u{301} vs \u{E9}\""),
        order(
            #","name":null,"created_at":null,"fulfillment_status":null,"cancelled_at":null,"cancel_reason":null"#
                + #","closed_at":null,"return_status":null,"currency":null,"total_price":null,"fulfillments":null"#
                + #","refunds":null,"transactions":null"#),
        order(#","fulfillments":[],"refunds":[ ],"transactions":[]"#),
        #"{"id":0,"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"id":-5,"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"id":9223372036854775807,"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"id":-9223372036854775808,"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"id":"abc","updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"id":" 12 ","updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"id":"\u0031\/","updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"financial_status":"paid","updated_at":"2026-11-20T10:00:00Z","id":"gid://shopify/Order/1"}"#,
        order(#","created_at":"2026-11-20T10:00:00+05:30","cancelled_at":"2026-11-20T10:00:00.123456-0800""#),
        order(#","closed_at":"2026-11-20t10:00:00z","created_at":"2026-11-20 10:00:00.5+00:00""#),
        order(#","closed_at":"2026-11-20T10:00:00\u005a","cancel_reason":"\u0063ustomer""#),
        order(
            #","fulfillments":[{"id":1,"tracking_number":"A"},{"id":"2","status":"success","tracking_company":"UPS"}]"#),
        order(#","fulfillments":[{"id":1,"tracking_number":5,"tracking_numbers":["B","C"]}]"#),
        order(#","fulfillments":[{"id":1,"tracking_numbers":null,"tracking_number":"C"}]"#),
        order(#","fulfillments":[{"id":1,"tracking_numbers":null,"tracking_number":null,"status":null}]"#),
        order(#","fulfillments":[{"tracking_number":{"x":[1]},"tracking_numbers":[],"id":1}]"#),
        order(#","fulfillments":[{"id":1,"tracking_number":"A","tracking_number":5}]"#),
        order(
            #","refunds":[{"id":7,"refund_line_items":[{"restock_type":"return"},{"restock_type":null},{},"#
                + #"{"x":1,"restock_type":"cancel","restock_type":7}]},{"id":8,"refund_line_items":null}]"#),
        order(
            #","transactions":[{"id":1,"kind":"sale","status":"success","gateway":"stripe","authorization":"ch_1","#
                + #""amount":"10.00","receipt":{"a":[1,{"b":null}]}},{"kind":"void","id":"t2"}]"#),
        order(#","x":{"a":[1,2,{"b":[[],{}]}],"c":-0.5e-3,"d":true,"e":false,"f":null,"g":"s","h":1E+2,"i":0}"#),
        order(#","y":[],"z":{},"big":1e400,"huge":123456789012345678901234567890,"neg":-0,"negf":-0.0"#),
        order(#","id":2,"name":"a","name":null,"financial_status":null,"updated_at":"yesterday""#),
        order(#","fulfillments":[{"id":1}],"fulfillments":null,"refunds":[],"refunds":{"bad":1}"#),
        order(#","":1,"ключ":"значение","\#u{212A}":2,"ID":3,"Id":4,"id ":5,"names":6,"nam":7"#),
        order(#","note":"with \"quotes\" and \\\" and \\\\","tags":"a,b:c{d}[e]""#),
        order(",\"deep\":" + String(repeating: "{\"a\":", count: 100) + "1" + String(repeating: "}", count: 100)),
    ]

    /// Bodies (some not UTF-8, some not JSON) the fast path must not answer.
    static let fallBack: [[UInt8]] = fallBackText.map { Array($0.utf8) } + fallBackBytes

    /// `extra` with raw (possibly invalid UTF-8) bytes inside a string value.
    private static func withRawBytes(_ key: String, _ raw: [UInt8]) -> [UInt8] {
        let head = [UInt8](order(",\"\(key)\":\"").utf8.dropLast())
        return head + raw + Array("\"}".utf8)
    }

    private static let fallBackBytes: [[UInt8]] = {
        let valid: [UInt8] = Array(order("").utf8)
        var utf16LE: [UInt8] = []
        for unit in order("").utf16 {
            utf16LE.append(UInt8(unit & 0xFF))
            utf16LE.append(UInt8(unit >> 8))
        }
        return [
            [0xEF, 0xBB, 0xBF] + valid,  // BOM: JSONDecoder skips it
            utf16LE,  // UTF-16LE without BOM: JSONDecoder detects and reads it
            withRawBytes("name", [0xFF]), withRawBytes("x", [0xC3]), withRawBytes("x", [0xC0, 0xAF]),
            withRawBytes("name", [0xED, 0xA0, 0x80]), withRawBytes("x", [0xF4, 0x90, 0x80, 0x80]),
            withRawBytes("x", [0xE2, 0x82]), withRawBytes("x", [0x41, 0x00, 0x42]),
            valid + [0], [],
        ]
    }()

    static let fallBackText: [String] = [
        // ids JSONDecoder converts, or rejects
        #"{"id":1.0,"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"id":1e3,"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"id":-0,"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"id":9223372036854775808,"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"id":-9223372036854775809,"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"id":"","updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"id":null,"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"id":true,"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"id":[1],"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"id":{},"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        #"{"i\u0064":5,"updated_at":"2026-11-20T10:00:00Z","financial_status":"paid"}"#,
        // required fields and types
        #"{"id":1,"financial_status":"paid"}"#,
        #"{"id":1,"updated_at":null,"financial_status":"paid"}"#,
        #"{"id":1,"updated_at":"yesterday","financial_status":"paid"}"#,
        #"{"id":1,"updated_at":1700000000,"financial_status":"paid"}"#,
        #"{"id":1,"updated_at":"2026-11-20T10:00:00Z"}"#,
        #"{"id":1,"updated_at":"2026-11-20T10:00:00Z","financial_status":null}"#,
        #"{"id":1,"updated_at":"2026-11-20T10:00:00Z","financial_status":5}"#,
        order(#","name":5"#), order(#","name":true"#), order(#","currency":[]"#), order(#","total_price":10.5"#),
        order(#","created_at":"2026-13-01T00:00:00Z""#), order(#","closed_at":"""#), order(#","cancelled_at":{}"#),
        order(#","fulfillments":{}"#), order(#","fulfillments":[null]"#), order(#","fulfillments":[1]"#),
        order(#","fulfillments":[{"status":"success"}]"#),
        order(#","fulfillments":[{"id":1,"tracking_numbers":[null]}]"#),
        order(#","fulfillments":[{"id":1,"tracking_number":5}]"#), order(#","fulfillments":[{"id":1,"status":1}]"#),
        order(#","refunds":[{"id":1,"refund_line_items":[1]}]"#),
        order(#","refunds":[{"id":1,"refund_line_items":[{"restock_type":5}]}]"#),
        order(#","transactions":[{"id":1}]"#), order(#","transactions":[{"id":1,"kind":null}]"#),
        order(#","transactions":[{"id":1,"kind":"sale","amount":10}]"#),
        // strings
        order(#","name":"\ud800""#), order(#","name":"\udc00x""#), order(#","name":"\ud800\u0041""#),
        order(#","name":"\q""#), order(#","x":"\q""#), order(#","x":"\ud800""#), order(#","x":"\u12""#),
        order(",\"name\":\"a\u{1}b\""), order(",\"x\":\"tab\there\""), order(",\"x\":\"nl\nhere\""),
        // grammar JSONDecoder accepts or rejects differently
        order(#","x":1,"#), order(#","x":[1,]"#), order(#","x":01"#), order(#","x":-"#), order(#","x":1."#),
        order(#","x":1e"#), order(#","x":.5"#), order(#","x":+1"#), order(#","x":True"#), order(#","x":NaN"#),
        order(#","x":nul"#), order(#","x":[1 2]"#), order(#","x":{"a" 1}"#), order(#","x":{"a":1 "b":2}"#),
        order(#","x":{,}"#), order(#","x":[,1]"#), order(#" "x":1"#), order(",\"x\":1 /* c */"), "{'id':1}",
        order("") + " x", order("") + "}", order("") + order(""), "{" + required, "{" + required + ",",
        order(",\"x\":\u{C}1"), order(",\"x\":\u{A0}1"),
        // not an object
        "", "   ", "null", "[]", "[" + order("") + "]", "\"order\"", "42", "{}",
    ]
}

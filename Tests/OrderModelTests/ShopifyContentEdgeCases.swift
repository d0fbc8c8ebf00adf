/// Hand-written Shopify bodies for the content differential tests: ones the content fast path must
/// handle, and ones it must leave to `JSONDecoder` (which then decodes or rejects them, as before).
enum ShopifyContentEdgeCases {
    /// A minimal valid body (only `updated_at` is required) with `extra` (starting with `,`) inside.
    static func body(_ extra: String) -> String { #"{"updated_at":"2026-11-20T10:00:00Z""# + extra + "}" }

    /// A body with one line item whose fields are `fields` (after its id).
    static func line(_ fields: String) -> String { body(#","line_items":[{"id":1"# + fields + "}]") }

    static let handled: [String] = [
        body(""),
        body(
            #","name":null,"email":null,"currency":null,"customer":null,"line_items":null,"shipping_lines":null"#
                + #","billing_address":null,"shipping_address":null,"subtotal_price":null,"total_tax":null"#
                + #","total_discounts":null,"total_price":null,"fulfillments":null,"refunds":null,"transactions":null"#),
        body(#","email":"guest@example.com","customer":null"#),
        body(#","email":"order@example.com","customer":{"id":null,"email":null,"first_name":"A"}"#),
        body(#","email":"order@example.com","customer":{"id":"c1","email":"c@example.com","last_name":"B"}"#),
        body(#","customer":{"id":42,"id":"dup","x":[1,{"y":null}]}"#),
        body(#","customer":{}"#),
        body(#","name":"\"q\" \\ \/ \b\f\n\r\t caf\u00e9 \ud83d\ude00","currency":"EUR""#),
        body(",\"name\":\"Zoë 😀 日本 \u{7F}\""),
        line(""),
        line(#","quantity":3"#), line(#","quantity":3,"current_quantity":1"#), line(#","current_quantity":null"#),
        line(#","quantity":null,"current_quantity":0"#), line(#","quantity":-2"#),
        line(#","total_discount":"5.00""#), line(#","total_discount":"5.00","discount_allocations":[]"#),
        line(#","total_discount":"5.00","discount_allocations":null"#),
        line(#","discount_allocations":[{"amount":"1.10"},{"amount":"2.205","x":1},{"amount":3}]"#),
        line(#","price":"19.99","sku":null,"title":"T""#), line(#","price":12.5"#), line(#","price":" 7.5 ""#),
        line(#","price":"-0.005""#), line(#","price":".5""#), line(#","price":"-.55""#),
        line(#","price":"123456789012345.123456789012""#), line(#","price":"1\u002e5""#),
        line(#","tax_lines":[{"title":"VAT","rate":0.2,"price":"2.00"},{"rate":"0.08"},{"rate":null},{}]"#),
        line(#","tax_lines":[{"rate":0.07},{"rate":-0},{"rate":7},{"rate":0.1000000000000000055511151231257827}]"#),
        line(#","tax_lines":[{"rate":12345678901234567890},{"rate":-0.0},{"rate":"x","rate":5}]"#),
        line(#","tax_lines":null"#), line(#","id":"dup","quantity":1,"quantity":"x""#),
        body(#","line_items":[{"id":"gid://shopify/LineItem/1"},{"id":-9223372036854775808}]"#),
        body(#","shipping_lines":[]"#),
        body(#","shipping_lines":[{"code":"Std","title":"Standard","price":"5.00"},{"title":"Express"},{}]"#),
        body(#","shipping_lines":[{"price":"5","discount_allocations":[{"amount":"1.00"}],"tax_lines":[{}]}]"#),
        body(#","shipping_lines":[{"code":null,"title":null,"discount_allocations":null}]"#),
        body(#","billing_address":{"first_name":"Ada","last_name":"Lovelace","city":"London"}"#),
        body(#","billing_address":{"first_name":"","last_name":"Lovelace"},"shipping_address":{"name":"N"}"#),
        body(#","billing_address":{"first_name":"","last_name":""},"shipping_address":{"name":null,"last_name":"L"}"#),
        body(
            #","shipping_address":{"name":"","first_name":"A","address1":"1 St","address2":null,"city":"C","#
                + #""province_code":"NY","zip":"10001","country_code":"US","phone":"+1 555","country":"United States"}"#
        ),
        body(#","subtotal_price":"10.00","total_tax":"0.80","total_discounts":"0.00","total_price":"10.80""#),
        body(#","subtotal_price":10,"total_price":10.8"#),
        body(#","fulfillments":[{"id":1,"status":"cancelled","line_items":[{"id":1,"quantity":2}]}]"#),
        body(#","fulfillments":[{"id":1,"status":"error"},{"id":2,"status":"failure"},{"id":3,"status":null}]"#),
        body(#","fulfillments":[{"id":1,"tracking_number":"A","line_items":[{"id":"x"},{"id":2,"quantity":null}]}]"#),
        body(#","fulfillments":[{"id":1,"tracking_number":5,"tracking_numbers":["B"],"tracking_company":"UPS"}]"#),
        body(#","fulfillments":[{"id":1,"tracking_numbers":null,"tracking_number":null,"line_items":null}]"#),
        body(
            #","refunds":[{"id":1,"refund_line_items":[{"line_item_id":1,"quantity":1,"subtotal":"5.00","#
                + #""restock_type":"return"},{"line_item_id":"2"}],"transactions":[{"id":1,"kind":"refund","#
                + #""amount":"5.00"},{"id":2,"kind":"refund","status":"failure","amount":"9.00"},{"id":3,"#
                + #""kind":"refund","status":"success"},{"id":4,"kind":"sale","amount":"1.00"}]}]"#),
        body(
            #","refunds":[{"id":1},{"id":2,"transactions":null,"refund_line_items":null},{"id":3,"transactions":[]}]"#),
        body(
            #","transactions":[{"id":1,"kind":"sale","status":"success","gateway":"stripe","authorization":"ch_1","#
                + #""amount":"10.00"},{"id":2,"kind":"capture","authorization":""},{"id":3,"kind":"capture","#
                + #""status":"pending"},{"id":4},{"id":5,"kind":null,"status":null},{"id":6,"kind":"sale","#
                + #""amount":12.25}]"#),
        body(#","x":{"a":[1,2,{"b":[[],{}]}],"c":-0.5e-3,"d":true},"big":1e400,"neg":-0,"id":"not read""#),
        body(#","name":"a","name":null,"updated_at":"yesterday""#),
    ]

    static let fallBack: [String] = [
        "{}", #"{"updated_at":null}"#, #"{"updated_at":"yesterday"}"#, #"{"updated_at":5}"#, "null", "[]",
        body(#","email":5"#), body(#","customer":[]"#), body(#","customer":"c""#), body(#","customer":{"id":""}"#),
        body(#","customer":{"id":1.5}"#), body(#","customer":{"email":5}"#), body(#","customer":{"id":true}"#),
        body(#","line_items":[{}]"#), body(#","line_items":[null]"#), body(#","line_items":{}"#),
        line(#","quantity":1.0"#), line(#","quantity":"1""#), line(#","quantity":1e2"#), line(#","quantity":-0"#),
        line(#","quantity":9223372036854775808"#), line(#","current_quantity":true"#),
        line(#","price":"abc""#), line(#","price":"""#), line(#","price":"1,5""#), line(#","price":"+1""#),
        line(#","price":"12.""#), line(#","price":true"#), line(#","price":1e2"#), line(#","price":1e300"#),
        line(#","price":"1234567890123456""#), line(#","price":"1.1234567890123""#),
        line(#","total_discount":"x","discount_allocations":[]"#), line(#","discount_allocations":[{}]"#),
        line(#","discount_allocations":[{"amount":null}]"#), line(#","discount_allocations":{}"#),
        line(#","sku":5"#), line(#","title":[]"#), line(#","tax_lines":[null]"#),
        line(#","tax_lines":[{"rate":true}]"#), line(#","tax_lines":[{"rate":1e-2}]"#),
        line(#","tax_lines":[{"rate":[]}]"#), line(#","tax_lines":[{"title":1}]"#),
        line(#","tax_lines":[{"price":"x"}]"#),
        body(#","shipping_lines":[{"code":1}]"#),
        body(#","shipping_lines":[{"discount_allocations":[{"amount":"x"}]}]"#),
        body(#","billing_address":[]"#), body(#","billing_address":{"zip":12345}"#),
        body(#","shipping_address":{"first_name":1}"#), body(#","subtotal_price":"ten""#), body(#","total_tax":{}"#),
        body(#","fulfillments":[{"status":"success"}]"#),
        body(#","fulfillments":[{"id":1,"status":"cancelled","x":1,"line_items":[{}]}]"#),
        body(#","fulfillments":[{"id":1,"tracking_number":5}]"#),
        body(#","fulfillments":[{"id":1,"tracking_numbers":[1]}]"#),
        body(#","fulfillments":[{"id":1,"line_items":[{"id":1,"quantity":"2"}]}]"#),
        body(#","refunds":[{}]"#), body(#","refunds":[{"id":1,"refund_line_items":[{}]}]"#),
        body(#","refunds":[{"id":1,"refund_line_items":[{"line_item_id":1,"subtotal":"x"}]}]"#),
        body(#","refunds":[{"id":1,"transactions":[{"kind":"refund"}]}]"#),
        body(#","transactions":[{"kind":"sale"}]"#), body(#","transactions":[{"id":1,"kind":5}]"#),
        body(#","transactions":[{"id":1,"amount":"x"}]"#), body(#","transactions":[{"id":1,"gateway":false}]"#),
        body(#","name":"\ud800""#), body(",\"name\":\"a\u{1}b\""), body(#","x":[1,]"#), body(#","x":01"#),
        body("") + " x", "{\"updated_at\":\"2026-11-20T10:00:00Z\",}",
    ]
}

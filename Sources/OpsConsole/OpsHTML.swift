import Foundation

/// Server-rendered HTML for the console: escaping, the page frame (navigation, style, a little
/// JavaScript) and a tiny SVG chart. No front-end build chain: what is here is what the browser gets.
enum OpsHTML {
    /// `text` safe inside an element or a quoted attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// `text` percent-encoded for a query value.
    static func query(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// The views in the navigation bar: (path, title).
    static let views = [
        ("/ops/cases", "Cases"), ("/ops/orders", "Order"), ("/ops/lag", "Lag"), ("/ops/health", "Health"),
        ("/ops/drift", "Drift"),
    ]

    /// A whole page: `body` inside the frame, `who` shown as logged in.
    static func page(title: String, who: String?, body: String, refreshSeconds: Int? = nil) -> String {
        let nav = views.map { path, name in
            "<a href=\"\(path)\"\(name == title ? " class=\"on\"" : "")>\(name)</a>"
        }.joined(separator: " ")
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <title>\(escape(title)) · Driftless ops</title>
            \(refreshSeconds.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? "")
            <style>\(style)</style></head>
            <body><header><strong>Driftless ops</strong> <nav>\(nav)</nav>
            <span class="who">\(who.map { "signed in as " + escape($0) } ?? "")</span></header>
            <main><h1>\(escape(title))</h1>
            \(body)
            </main>
            <script>\(script)</script>
            </body></html>
            """
    }

    /// A table with `head` cells and `rows` (cells already HTML).
    static func table(id: String, head: [String], rows: [[String]]) -> String {
        let header = head.map { "<th>\(escape($0))</th>" }.joined()
        let body = rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        return "<table id=\"\(id)\"><thead><tr>\(header)</tr></thead><tbody>\n\(body)\n</tbody></table>"
    }

    /// A small bar chart of `values` (oldest first) as inline SVG.
    static func sparkline(_ values: [Double], width: Int = 120, height: Int = 24) -> String {
        guard !values.isEmpty else { return "" }
        let top = max(values.max() ?? 0, 1)
        let bar = Double(width) / Double(values.count)
        let bars = values.enumerated().map { index, value in
            let h = max(value > 0 ? 1 : 0, Double(height) * value / top)
            return String(
                format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", Double(index) * bar,
                Double(height) - h, max(bar - 1, 1), h)
        }.joined()
        return "<svg class=\"spark\" width=\"\(width)\" height=\"\(height)\" role=\"img\">\(bars)</svg>"
    }

    /// A POST form carrying the CSRF token; `fields` are hidden inputs, `inner` the visible part.
    static func form(action: String, csrf: String, fields: [(String, String)] = [], inner: String, id: String)
        -> String
    {
        let hidden = ([(OpsAuth.csrfField, csrf)] + fields).map {
            "<input type=\"hidden\" name=\"\(escape($0.0))\" value=\"\(escape($0.1))\">"
        }.joined()
        return "<form method=\"post\" action=\"\(escape(action))\" id=\"\(id)\">\(hidden)\(inner)</form>"
    }

    static let style = """
        body{font:14px system-ui,sans-serif;margin:0;color:#222}header{background:#1d3557;color:#fff;padding:8px 16px}
        header nav{display:inline;margin-left:12px}header a{color:#cde;margin:0 6px;text-decoration:none}header a.on{color:#fff;font-weight:bold}
        .who{float:right;color:#cde}main{padding:8px 16px}table{border-collapse:collapse;margin:8px 0}
        td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}th{background:#eef}
        .spark rect{fill:#457b9d}.ok{color:#2a9d8f}.warn{color:#e9c46a}.bad{color:#e63946;font-weight:bold}
        pre{background:#f6f6f6;padding:8px;max-height:240px;overflow:auto}.side{display:flex;gap:24px}
        form{margin:8px 0}input[type=text],input[type=password]{padding:3px}button{padding:3px 10px}
        """

    /// Asks for confirmation before a form marked `data-confirm` is sent.
    static let script = """
        document.querySelectorAll('form[data-confirm]').forEach(function(f){f.addEventListener('submit',
        function(e){if(!window.confirm(f.getAttribute('data-confirm'))){e.preventDefault();}});});
        """
}

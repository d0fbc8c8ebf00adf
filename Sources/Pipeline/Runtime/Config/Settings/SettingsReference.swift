/// The settings reference (`docs/SETTINGS.md`), written from the table: key, environment variable,
/// kind, default and what it does. `driftless config reference` prints it; a test keeps the checked-in
/// file equal to it.
public enum SettingsReference {
    /// The reference as Markdown.
    public static var markdown: String {
        let defaults = PipelineConfiguration()
        var lines = [
            "# Settings",
            "",
            "Written by `driftless config reference` from the settings table "
                + "(`Sources/Pipeline/Runtime/Config/Settings`); do not edit by hand. The environment "
                + "variable wins over the file. `driftless config show` prints the effective values. "
                + "Sections not listed here (`ingest.shopify`, `poller`, `erp`, `alerts`, "
                + "`reconcile`, `ops`) are described in `Deploy/driftless.yaml`.",
            "",
            "| key | environment | kind | default | what it does |",
            "|---|---|---|---|---|",
        ]
        for row in SettingsTable.rows {
            let variable = row.environment.map { "`\($0)\(row.kind == .map ? "*" : "")`" } ?? ""
            let value = row.show(defaults)
            let shown = row.key == "stages.replica" ? "the host name" : value.isEmpty ? "" : "`\(value)`"
            lines.append("| `\(row.key)` | \(variable) | \(row.kind.rawValue) | \(shown) | \(row.doc) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

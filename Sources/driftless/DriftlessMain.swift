import DriftlessCLI

/// The `driftless` executable: every verb lives in `DriftlessCLI`.
@main
enum DriftlessMain {
    static func main() async {
        await DriftlessCommand.main()
    }
}

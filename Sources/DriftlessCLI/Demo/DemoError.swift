/// Why the demo could not run.
enum DemoError: Error, CustomStringConvertible {
    /// The bundled mapping could not be read or extended.
    case mappingResource

    var description: String {
        switch self {
        case .mappingResource: "the bundled mapping matrix could not be read or extended"
        }
    }
}

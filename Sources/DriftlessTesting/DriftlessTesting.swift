/// Helpers shared by the test suites: broker fixtures, temporary databases.
public enum DriftlessTestingInfo {}

import DriftlessTesting
import Foundation
import Pipeline
import XCTest

/// `erp.writeMode` (`DRIFTLESS_ERP_WRITE_MODE`): asynchronous sales order upserts by default, `async` and `sync`
/// for accounts without asynchronous processing, anything else a start-up error naming the setting.
final class ERPWriteModeConfigurationTests: XCTestCase {
    private var files: TemporaryFiles?

    override func setUpWithError() throws {
        files = try TemporaryFiles(prefix: "driftless-erp-write-mode")
    }

    override func tearDownWithError() throws {
        files?.remove()
    }

    func testTheWriteModeIsSalesOrderAsyncByDefaultAndConfigurable() throws {
        let files = try XCTUnwrap(files)
        let environment = ["DRIFTLESS_ERP_URL": "http://127.0.0.1:9300", "DRIFTLESS_ERP_TOKEN": "t"]
        let byDefault = try PipelineConfiguration.load(file: nil, environment: environment)
        XCTAssertEqual(byDefault.erp?.writeMode, .salesOrderAsync)

        let yaml = try files.write(
            "erp:\n  baseURL: http://127.0.0.1:9300\n  token: t\n  writeMode: sync\n", "driftless.yaml")
        XCTAssertEqual(try PipelineConfiguration.load(file: yaml, environment: [:]).erp?.writeMode, .sync)
        let overridden = try PipelineConfiguration.load(
            file: yaml, environment: ["DRIFTLESS_ERP_WRITE_MODE": "async"])
        XCTAssertEqual(overridden.erp?.writeMode, .async, "the environment wins over the file")
        let mixed = try PipelineConfiguration.load(
            file: nil, environment: environment.merging(["DRIFTLESS_ERP_WRITE_MODE": "sales-order-async"]) { $1 })
        XCTAssertEqual(mixed.erp?.writeMode, .salesOrderAsync)

        var bad = environment
        bad["DRIFTLESS_ERP_WRITE_MODE"] = "eventually"
        XCTAssertThrowsError(try PipelineConfiguration.load(file: nil, environment: bad)) { error in
            XCTAssertEqual(
                error as? PipelineConfigurationError, .invalidValue(field: "erp.writeMode", value: "eventually"))
        }
    }
}

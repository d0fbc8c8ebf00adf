import Foundation
import OrderModel
import Pipeline
import XCTest

/// `reconcile:` in the configuration file and the environment; the schedule.
final class ReconcileConfigurationTests: XCTestCase {
    private let example = ExampleConfiguration.url.path

    func testExampleFileAndEnvironment() throws {
        let fromFile = try ReconcileConfiguration.load(file: example, environment: [:])
        XCTAssertNil(fromFile.shopify, "the example leaves the storefront commented out")
        XCTAssertEqual(fromFile.settings.window, .seconds(48 * 3600))
        XCTAssertEqual(fromFile.schedule, ReconcileSchedule(hour: 3, minute: 30))
        XCTAssertEqual(fromFile.settings.policy, .default)
        // The rest of the file still loads for the pipeline (the section is ignored there).
        XCTAssertNoThrow(
            try PipelineConfiguration.load(file: example, environment: ["DRIFTLESS_SHOPIFY_SECRET": "s"]))

        let configured = try ReconcileConfiguration.load(
            file: example,
            environment: [
                "DRIFTLESS_SHOPIFY_ADMIN_URL": "https://shop.example", "DRIFTLESS_SHOPIFY_ACCESS_TOKEN": "shpat_x",
                "DRIFTLESS_RECONCILE_WINDOW_HOURS": "24", "DRIFTLESS_RECONCILE_DAILY_AT": "02:15",
            ])
        XCTAssertEqual(configured.shopify?.baseURL, "https://shop.example")
        XCTAssertEqual(configured.shopify?.accessToken.value, "shpat_x")
        XCTAssertEqual(configured.settings.window, .seconds(24 * 3600))
        XCTAssertEqual(configured.schedule, ReconcileSchedule(hour: 2, minute: 15))
    }

    func testBadSettingsNameTheSettingNeverTheSecret() throws {
        let cases: [([String: String], PipelineConfigurationError)] = [
            (
                ["DRIFTLESS_SHOPIFY_ADMIN_URL": "https://shop.example", "DRIFTLESS_SHOPIFY_ACCESS_TOKEN": " "],
                .emptySecret(setting: "DRIFTLESS_SHOPIFY_ACCESS_TOKEN")
            ),
            (
                ["DRIFTLESS_SHOPIFY_ACCESS_TOKEN": "shpat_x"],
                .missingSetting(setting: "reconcile.shopify.baseURL", neededBy: "reconcile.shopify.accessToken")
            ),
            (["DRIFTLESS_RECONCILE_DAILY_AT": "25:00"], .invalidValue(field: "reconcile.dailyAt", value: "25:00")),
            (
                ["DRIFTLESS_RECONCILE_WINDOW_HOURS": "two"],
                .invalidVariable(name: "DRIFTLESS_RECONCILE_WINDOW_HOURS", value: "two")
            ),
        ]
        for (environment, expected) in cases {
            XCTAssertThrowsError(try ReconcileConfiguration.load(file: nil, environment: environment)) { error in
                XCTAssertEqual(error as? PipelineConfigurationError, expected)
                XCTAssertFalse(String(describing: error).contains("shpat_x"))
            }
        }
    }

    func testScheduleIsDailyAtTheTimeOfDay() throws {
        let schedule = try ReconcileSchedule.parse("03:30")
        let morning = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T11:06:40Z
        XCTAssertEqual(RFC3339.format(schedule.next(after: morning)), "2026-11-19T03:30:00Z")
        let justBefore = Date(timeIntervalSince1970: 1_795_053_000)  // 2026-11-19T01:50:00Z
        XCTAssertEqual(RFC3339.format(schedule.next(after: justBefore)), "2026-11-19T03:30:00Z")
    }
}

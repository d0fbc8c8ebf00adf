import OrderModel
import XCTest

final class MappingMatrixDefaultTests: XCTestCase {
    func testBundledDefaultLoadsWithEveryRequiredValue() throws {
        let matrix = try MappingMatrix.default
        XCTAssertEqual(matrix.version, 1)
        for field in MappingField.all {
            let table = matrix.table(field)
            for value in field.requiredValues {
                XCTAssertNotNil(table.entries[value], "\(field) \(value) unmapped")
            }
        }
        for state in CanonicalState.allCases {
            XCTAssertNotNil(matrix.erpTarget(for: state), "\(state) has no ERP target")
        }
    }
}

import Testing
@testable import EaseMLLedger

@Test func linkedSQLiteIsVersionThree() {
    #expect(SQLiteLibrary.version.hasPrefix("3."))
}

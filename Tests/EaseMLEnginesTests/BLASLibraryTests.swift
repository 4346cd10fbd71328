import Testing
@testable import EaseMLEngines

@Test func linkedBLASIsOpenBLAS() {
    #expect(BLASLibrary.configuration.hasPrefix("OpenBLAS"))
}

import Testing
@testable import EaseMLCore

@Test func repeatedTermsAddUpAndCancellingTermsDisappear() {
    let expression = LinearExpression(terms: [
        Term(coefficient: 1, variable: .new), Term(coefficient: 1, variable: .new),
        Term(coefficient: -1, variable: .old), Term(coefficient: 1, variable: .old),
    ])
    #expect(expression.coefficients == [.new: 2])
    #expect(expression.variables == [.new])
}

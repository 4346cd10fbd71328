/// A `.npy` file whose header cannot be used, found before any of its data is read.
public struct NumpyHeaderError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The file does not start with `\x93NUMPY`.
        case notNumpy
        /// A format version other than 1.0, 2.0 or 3.0.
        case unsupportedVersion
        /// The file ends inside the header.
        case truncatedHeader
        /// The header is not a dictionary literal of the expected keys and value types.
        case malformedHeader
        /// `descr`, `fortran_order` or `shape` is missing.
        case missingKey
        /// A dtype other than signed or unsigned integers of 1, 2, 4 or 8 bytes, float32 or float64.
        case unsupportedDType
        /// A Fortran-ordered array whose layout differs from C order.
        case fortranOrder
        /// A shape dimension below zero.
        case negativeDimension
        /// A dimension, or the byte size of the whole array, does not fit in an `Int`.
        case dimensionOverflow
        /// The shape has a number of dimensions the reader does not take.
        case unsupportedShape
        /// The file holds fewer data bytes than the header declares.
        case truncatedData
    }

    public var kind: Kind
    public var file: String
    /// What is wrong, as one sentence without a trailing period.
    public var message: String

    public init(_ kind: Kind, file: String, _ message: String) {
        self.kind = kind
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): error: \(message)" }
}

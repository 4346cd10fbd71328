import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses an SVG document with `XMLParser` and keeps what the tests look at: every element's name
/// and attributes, and all character data.
public final class SVGInspector: NSObject, XMLParserDelegate {
    public struct Element {
        public var name: String
        public var attributes: [String: String]
        public var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }
    }

    public private(set) var elements: [Element] = []
    public private(set) var text = ""
    public private(set) var parseError: Error?

    /// Parses `data`; returns nil (and keeps the error) when it is not well-formed XML.
    public static func parse(_ data: Data) -> SVGInspector? {
        let inspector = SVGInspector()
        let parser = XMLParser(data: data)
        parser.delegate = inspector
        return parser.parse() && inspector.parseError == nil ? inspector : nil
    }

    public func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(Element(name: elementName, attributes: attributes))
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    public func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { self.parseError = parseError }

    /// Elements whose `class` attribute lists every one of `classes`.
    public func elements(withClasses classes: String...) -> [Element] {
        elements.filter { element in classes.allSatisfy { element.classes.contains($0) } }
    }
}

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses an SVG document with `XMLParser` and keeps what the tests look at: every element's name
/// and attributes, and all character data.
final class SVGInspector: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }
    }

    private(set) var elements: [Element] = []
    private(set) var text = ""
    private(set) var parseError: Error?

    /// Parses `data`; returns nil (and keeps the error) when it is not well-formed XML.
    static func parse(_ data: Data) -> SVGInspector? {
        let inspector = SVGInspector()
        let parser = XMLParser(data: data)
        parser.delegate = inspector
        return parser.parse() && inspector.parseError == nil ? inspector : nil
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(Element(name: elementName, attributes: attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { self.parseError = parseError }

    /// Elements whose `class` attribute lists every one of `classes`.
    func elements(withClasses classes: String...) -> [Element] {
        elements.filter { element in classes.allSatisfy { element.classes.contains($0) } }
    }
}

import Foundation

/// A self-contained offline HTML report (placeholder until the timeline renderer lands).
public struct HTMLRenderer: Sendable {
    public init() {}
    public func render(_ report: Report) -> String {
        "<!doctype html><meta charset=utf-8><title>Candor report</title><pre>" + escape(TextRenderer().render(report)) + "</pre>"
    }
    func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

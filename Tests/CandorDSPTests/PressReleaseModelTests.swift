import Foundation
@testable import CandorDSP
import CandorTestSupport
import Testing

@Suite("Press and release shapes")
struct PressReleaseModelTests {
    /// Shapes around `mean` with independent Gaussian scatter (Box–Muller).
    static func shapes(_ count: Int, mean: [Float], spread: Float, _ random: inout SeededRandom) -> [[Float]] {
        (0..<count).map { _ in
            mean.map { m in
                let u = max(Double.random(in: 0..<1, using: &random), 1e-12), v = Double.random(in: 0..<1, using: &random)
                return m + spread * Float((-2 * log(u)).squareRoot() * cos(2 * .pi * v))
            }
        }
    }

    @Test("separable shapes: held-out separation measured, evidence points the right way and is bounded")
    func separable() throws {
        var random = SeededRandom(seed: 5)
        let pressMean: [Float] = (0..<12).map { Float($0) * -0.5 }, releaseMean: [Float] = (0..<12).map { Float($0) * 0.5 - 3 }
        let presses = Self.shapes(60, mean: pressMean, spread: 3, &random)
        let releases = Self.shapes(60, mean: releaseMean, spread: 3, &random)
        let model = try #require(PressReleaseModel(presses: presses, releases: releases))
        #expect(model.separation > 1.5)
        let testPresses = Self.shapes(200, mean: pressMean, spread: 3, &random)
        let testReleases = Self.shapes(200, mean: releaseMean, spread: 3, &random)
        let pressRight = testPresses.filter { model.releaseEvidence($0) < 0 }.count
        let releaseRight = testReleases.filter { model.releaseEvidence($0) > 0 }.count
        #expect(pressRight >= 170 && releaseRight >= 170)
        // Confusion measured on held-out pairs bounds what one click can say.
        let bound = log((1 - model.confusion) / model.confusion)
        #expect(model.confusion >= 0.02 && model.confusion < 0.2)
        #expect((testPresses + testReleases).allSatisfy { abs(model.releaseEvidence($0)) <= bound + 1e-9 })
        #expect(abs(model.releaseEvidence(pressMean.map { $0 * 10 })) <= bound + 1e-9)
    }

    @Test("press template: typicality is the held-out share of presses further away")
    func template() throws {
        var random = SeededRandom(seed: 11)
        let mean: [Float] = (0..<12).map { Float($0) * 0.3 - 1.5 }
        let presses = Self.shapes(100, mean: mean, spread: 2, &random)
        let template = try #require(PressTemplate(presses: presses))
        // New presses from the same keyboard: typicality spread over 0…1, about 5 % below 0.05.
        let fresh = Self.shapes(400, mean: mean, spread: 2, &random).map { template.typicality($0) }
        let below = fresh.filter { $0 < 0.05 }.count
        #expect(fresh.allSatisfy { (0...1).contains($0) })
        #expect((4...40).contains(below), "\(below) of 400 below 0.05")
        #expect(abs(fresh.reduce(0, +) / 400 - 0.5) < 0.1)
        // Another sound entirely: less typical than every press.
        #expect(template.typicality(mean.enumerated().map { $0.offset % 2 == 0 ? $0.element + 9 : $0.element - 9 }) == 0)
        #expect(template.typicality(mean) > 0.9)
        #expect(PressTemplate(presses: Array(presses.prefix(10))) == nil)
    }

    @Test("shapes that do not separate, or too few pairs: no model")
    func inseparable() {
        var random = SeededRandom(seed: 9)
        let mean = [Float](repeating: 0, count: 12)
        let a = Self.shapes(80, mean: mean, spread: 2, &random), b = Self.shapes(80, mean: mean, spread: 2, &random)
        // Fitted on the same data the discriminant would look separable; held out it is not.
        #expect(PressReleaseModel(presses: a, releases: b) == nil)
        let far = mean.map { $0 + 10 }
        let few = Self.shapes(10, mean: far, spread: 1, &random)
        #expect(PressReleaseModel(presses: Array(a.prefix(10)), releases: few, minimumPairs: 20) == nil)
        #expect(PressReleaseModel(presses: Array(a.prefix(10)), releases: few, minimumPairs: 8) != nil)
    }
}

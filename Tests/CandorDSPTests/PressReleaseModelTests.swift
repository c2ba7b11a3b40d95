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
        // The confusion beyond the classes' own overlap bounds what one click can say.
        let bound = log((1 - model.evidenceConfusion) / model.evidenceConfusion)
        #expect(model.confusion >= 0.02 && model.confusion < 0.2)
        #expect(model.evidenceConfusion >= 0.02 && model.evidenceConfusion <= model.confusion)
        #expect((testPresses + testReleases).allSatisfy { abs(model.releaseEvidence($0)) <= bound + 1e-9 })
        #expect(abs(model.releaseEvidence(pressMean.map { $0 * 10 })) <= bound + 1e-9)
    }

    /// Two classes a deviation or so apart put a quarter or more of each on the wrong side of
    /// the midpoint by their Gaussian overlap alone, which the likelihood ratio already holds.
    /// Modelled again as a mixture with that much of the other class, the evidence came out
    /// several times too faint; the mixture takes only the share beyond the overlap. Scored on
    /// fresh clicks by their log loss (a proper scoring rule: lowest for calibrated evidence).
    @Test("weakly separating classes: confusion beyond their overlap only, evidence calibrated")
    func confusionBeyondOverlap() throws {
        var random = SeededRandom(seed: 31)
        let pressMean = [Float](repeating: 0, count: 12), releaseMean = [Float](repeating: 1, count: 12)
        let presses = Self.shapes(240, mean: pressMean, spread: 3, &random)
        let releases = Self.shapes(240, mean: releaseMean, spread: 3, &random)
        let model = try #require(PressReleaseModel(presses: presses, releases: releases, minimumSeparation: 0.5))
        let whole = try #require(PressReleaseModel(presses: presses, releases: releases, minimumSeparation: 0.5,
                                                   confusionBeyondOverlap: false))
        // The classes lie 1.15 deviations apart (12 dimensions, each a third of a deviation);
        // fitted on 240 pairs and measured held out, about 0.8, which puts about a third of the
        // clicks on the wrong side (Φ(−0.4)) — all of it overlap, none of it outliers.
        #expect(model.separation > 0.7 && model.separation < 1.5, "separation \(model.separation)")
        #expect(whole.evidenceConfusion == whole.confusion && whole.confusion > 0.2)
        #expect(model.confusion == whole.confusion)
        #expect(model.evidenceConfusion < 0.06, "\(model.evidenceConfusion)")
        let testPresses = Self.shapes(400, mean: pressMean, spread: 3, &random)
        let testReleases = Self.shapes(400, mean: releaseMean, spread: 3, &random)
        func logLoss(_ m: PressReleaseModel) -> Double {
            let losses = testPresses.map { log(1 + exp(m.releaseEvidence($0))) } + testReleases.map { log(1 + exp(-m.releaseEvidence($0))) }
            return losses.reduce(0, +) / Double(losses.count)
        }
        let (beyond, counted) = (logLoss(model), logLoss(whole))
        #expect(beyond < counted - 0.01, "log loss \(beyond) against \(counted)")
        #expect(beyond < log(2.0), "log loss \(beyond): better than no evidence")
        // The same sign everywhere (one axis, one midpoint), the evidence stronger.
        for shape in testPresses + testReleases {
            let (a, b) = (whole.releaseEvidence(shape), model.releaseEvidence(shape))
            #expect((a > 0) == (b > 0) && abs(b) >= abs(a) - 1e-9)
        }
    }

    /// Pairs decoded out of phase teach a release as a press and a press as a release, which
    /// draws the classes together. Measured against pairs that cannot be swapped, the share
    /// swapped is found and the discriminant corrected towards what the true labels give.
    @Test("swapped pairs: their share measured against unswappable pairs, the classes corrected")
    func swappedPairs() throws {
        var random = SeededRandom(seed: 21)
        let pressMean = [Float](repeating: 0, count: 12), releaseMean = [Float](repeating: 1.4, count: 12)
        let n = 240
        let presses = Self.shapes(n, mean: pressMean, spread: 3, &random)
        let releases = Self.shapes(n, mean: releaseMean, spread: 3, &random)
        // Every third pair cannot be swapped; a quarter of the others are.
        let unswapped = (0..<n).map { $0 % 3 == 0 }
        var labelledPresses = presses, labelledReleases = releases, swappedCount = 0
        for i in 0..<n where !unswapped[i] && Double.random(in: 0..<1, using: &random) < 0.25 {
            swap(&labelledPresses[i], &labelledReleases[i])
            swappedCount += 1
        }
        let share = Double(swappedCount) / Double(n)
        let truth = try #require(PressReleaseModel(presses: presses, releases: releases))
        let noisy = try #require(PressReleaseModel(presses: labelledPresses, releases: labelledReleases, minimumSeparation: 0.5))
        let corrected = try #require(PressReleaseModel(presses: labelledPresses, releases: labelledReleases, minimumSeparation: 0.5,
                                                       unswapped: unswapped, minimumUnswapped: 40))
        #expect(noisy.swapped == 0)
        #expect(abs(corrected.swapped - share) < 0.07, "measured \(corrected.swapped), swapped \(share)")
        // The swapped labels hide part of the separation; the correction recovers part of it
        // (not what the axis lost by being fitted on them) and does not overshoot.
        let separations = "true \(truth.separation), swapped \(noisy.separation), corrected \(corrected.separation)"
        #expect(noisy.separation < 0.8 * truth.separation)
        #expect(corrected.separation > noisy.separation + 0.15, "\(separations)")
        #expect(corrected.separation < 1.1 * truth.separation, "\(separations)")
        #expect(corrected.confusion < noisy.confusion)
        // Fresh clicks are told apart as before (the axis and midpoint are the same), each with
        // stronger evidence.
        let testPresses = Self.shapes(200, mean: pressMean, spread: 3, &random)
        let testReleases = Self.shapes(200, mean: releaseMean, spread: 3, &random)
        for shape in testPresses + testReleases {
            let (a, b) = (noisy.releaseEvidence(shape), corrected.releaseEvidence(shape))
            #expect(a == 0 || (a > 0) == (b > 0))
            #expect(abs(b) >= abs(a) - 1e-9)
        }
        // Too few pairs that cannot be swapped: nothing measured, nothing corrected.
        let unmeasured = try #require(PressReleaseModel(presses: labelledPresses, releases: labelledReleases, minimumSeparation: 0.5,
                                                        unswapped: unswapped, minimumUnswapped: 100))
        #expect(unmeasured.swapped == 0 && unmeasured.separation == noisy.separation)
        // Nothing swapped: next to nothing measured.
        let clean = try #require(PressReleaseModel(presses: presses, releases: releases, unswapped: unswapped, minimumUnswapped: 40))
        #expect(clean.swapped < 0.07)
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

    /// A quiet press under speech stands out of the speech in some bands only; in the others its
    /// measured shape is the speech's. Those bands are left out, not held against it.
    @Test("press template: a click observed in some bands only is measured on those")
    func observedBands() throws {
        var random = SeededRandom(seed: 12)
        let mean: [Float] = (0..<12).map { Float($0) * 0.3 - 1.5 }
        let presses = Self.shapes(100, mean: mean, spread: 2, &random)
        let template = try #require(PressTemplate(presses: presses))
        // Fresh presses with two bands (of twelve) drowned: there the shape reads the floor.
        let fresh = Self.shapes(200, mean: mean, spread: 2, &random)
        var observed = [Bool](repeating: true, count: 12)
        observed[3] = false
        observed[8] = false
        let drowned = fresh.map { shape in shape.indices.map { observed[$0] ? shape[$0] : -30 } }
        let whole = drowned.map { template.typicality($0) }
        let measured = drowned.map { template.typicality($0, observed: observed, minimumObservedShare: 0.75) }
        // On all bands they look like nothing this keyboard makes; on the bands observed, like
        // its presses (typicality spread over 0…1 again).
        #expect(whole.filter { $0 < 0.05 }.count >= 190)
        #expect(abs(measured.reduce(0, +) / 200 - 0.5) < 0.1)
        #expect((2...30).contains(measured.filter { $0 < 0.05 }.count))
        // A sound unlike the presses in the bands observed stays atypical.
        let other = mean.enumerated().map { $0.offset % 2 == 0 ? $0.element + 9 : $0.element - 9 }
        #expect(template.typicality(other, observed: observed, minimumObservedShare: 0.75) == 0)
        // Fewer bands observed than the share asks (4 missing of 12 against 0.75): all bands.
        var fewer = observed
        fewer[0] = false
        fewer[11] = false
        #expect(template.typicality(drowned[0], observed: fewer, minimumObservedShare: 0.75) == whole[0])
        // Every band observed: the same as on all bands.
        #expect(template.typicality(fresh[0], observed: [Bool](repeating: true, count: 12), minimumObservedShare: 0.75)
                == template.typicality(fresh[0]))
    }

    /// Typicality and loudness are each the share of this keyboard's presses scoring lower, so
    /// for presses like those each is uniform on 0…1; their joint share is a p-value too: a
    /// press scores at most α on it with probability α.
    @Test("joint share: Fisher's combination of two shares, uniform for presses")
    func jointShare() {
        #expect(PressTemplate.jointShare(1, 1) == 1)
        #expect(PressTemplate.jointShare(0, 0.9) == 0)
        #expect(PressTemplate.jointShare(0.3, 0.2) == PressTemplate.jointShare(0.2, 0.3))
        #expect(abs(PressTemplate.jointShare(0.5, 0.5) - 0.25 * (1 + log(4))) < 1e-12)
        // Middling on both passes where either alone is low; low on both does not.
        #expect(PressTemplate.jointShare(0.2, 0.2) > 0.15)
        #expect(PressTemplate.jointShare(0.01, 0.1) < 0.01)
        // Independent uniform shares (a 400 × 400 grid of cell centres): P(joint ≤ α) = α.
        let n = 400
        var joint: [Double] = []
        for i in 0..<n { for j in 0..<n { joint.append(PressTemplate.jointShare((Double(i) + 0.5) / Double(n), (Double(j) + 0.5) / Double(n))) } }
        for alpha in [0.01, 0.05, 0.2, 0.5] {
            let share = Double(joint.filter { $0 <= alpha }.count) / Double(joint.count)
            #expect(abs(share - alpha) < 0.005, "α \(alpha): \(share)")
        }
    }

    /// The tests of a press heard without its release, shared by faint onsets and lone presses
    /// inside speech: the first passed in the order typical, loud, joint, impulsive; a bar of 1
    /// turns a test off; a missing measure fails the tests that need it.
    @Test("lone press tests: order, bars of 1, missing measures")
    func lonePressTests() {
        let tests = LonePressTests(typicality: 0.4, loudShare: 0.5, loudTypicality: 0.05, jointShare: 0.05,
                                   impulsiveness: 0.7, impulsiveLoudness: 0.05)
        #expect(tests.passed(typicality: 0.5, loudness: 0.9, impulsiveness: 0.9) == .typical)
        #expect(tests.passed(typicality: 0.1, loudness: 0.6, impulsiveness: 0.9) == .loud)
        // Middling on both (joint share of 0.2 and 0.3 about 0.23), not loud enough alone.
        #expect(tests.passed(typicality: 0.2, loudness: 0.3, impulsiveness: nil) == .joint)
        // Atypical but impulsive and not among the quietest; not without `impulsiveToo`.
        #expect(tests.passed(typicality: 0.01, loudness: 0.1, impulsiveness: 0.8) == .impulsive)
        #expect(tests.passed(typicality: 0.01, loudness: 0.1, impulsiveness: 0.8, impulsiveToo: false) == nil)
        #expect(tests.passed(typicality: 0.01, loudness: 0.01, impulsiveness: 0.8) == nil)
        #expect(tests.passed(typicality: 0.01, loudness: 0.1, impulsiveness: 0.5) == nil)
        // No measures, no test passed — even with bars of 0.
        #expect(tests.passed(typicality: nil, loudness: nil, impulsiveness: nil) == nil)
        let zero = LonePressTests(typicality: 0, loudShare: 0, loudTypicality: 0, jointShare: 0, impulsiveness: 0, impulsiveLoudness: 0)
        #expect(zero.passed(typicality: nil, loudness: nil, impulsiveness: nil) == nil)
        #expect(zero.passed(typicality: nil, loudness: 0.9, impulsiveness: 0.9) == .impulsive)
        // Bars of 1: each test off, whatever the measures.
        var off = tests
        off.typicality = 1
        #expect(off.passed(typicality: 1, loudness: 0.2, impulsiveness: nil) == .joint)
        off.jointShare = 1
        #expect(off.passed(typicality: 1, loudness: 0.2, impulsiveness: nil) == nil)
        #expect(off.passed(typicality: 1, loudness: 0.6, impulsiveness: nil) == .loud)
        off.loudShare = 1
        #expect(off.passed(typicality: 1, loudness: 1, impulsiveness: 1) == .impulsive)
        off.impulsiveness = 1
        #expect(off.passed(typicality: 1, loudness: 1, impulsiveness: 1) == nil)
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

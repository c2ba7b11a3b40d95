@testable import CandorDSP
import CandorMedia
import CandorTestSupport
import Foundation
import Testing

extension TypingFixture {
    static func detect(_ samples: [Float], settings: KeystrokeSettings = .init()) throws -> [Keystroke] {
        detect(samples, with: try KeystrokeDetector(settings: settings))
    }

    /// Feeds `samples` to `detector` in half-second blocks and returns its presses.
    static func detect(_ samples: [Float], with detector: KeystrokeDetector) -> [Keystroke] {
        var start = 0
        while start < samples.count {
            let end = min(samples.count, start + 24000)
            detector.process(Array(samples[start..<end]))
            start = end
        }
        return detector.finish()
    }
}

@Suite("Keystroke detection", .enabled(if: TypingFixture.available, "needs bucklespring-data and pocketsphinx-testdata (make test installs them)"))
struct KeystrokeTests {
    @Test("a band that does not fit the audio, or narrower than one analysis bin, is refused")
    func badBand() {
        for (low, high, message) in [(2000.0, 30000.0, "does not fit"), (8000, 4000, "does not fit"), (2000, 2050, "narrower than one analysis bin")] {
            var settings = KeystrokeSettings()
            settings.bandLowHz = low
            settings.bandHighHz = high
            let error = #expect(throws: KeystrokeDetector.ParameterError.self) { try KeystrokeDetector(settings: settings) }
            #expect(error?.description.contains(message) == true, "\(low)–\(high): \(String(describing: error))")
        }
    }

    @Test("typing alone")
    func typingAlone() throws {
        let mix = try TypingFixture.mix(seconds: 30, speechGain: 0)
        let found = try TypingFixture.detect(mix.samples).map(\.time_s)
        let score = TypingFixture.score(found, mix.presses)
        print("keystrokes, typing alone: P \(score.precision) R \(score.recall) F1 \(score.f1) (\(mix.presses.count) presses)")
        #expect(score.f1 >= 0.9)
    }

    @Test("typing while talking")
    func typingOverSpeech() throws {
        let mix = try TypingFixture.mix(seconds: 30, speechGain: 1)
        let found = try TypingFixture.detect(mix.samples).map(\.time_s)
        let score = TypingFixture.score(found, mix.presses)
        print("keystrokes over speech: P \(score.precision) R \(score.recall) F1 \(score.f1) (\(mix.presses.count) presses)")
        // Known weakness (README): loud speech over typing masks presses, and speech sounds
        // make some false clicks. Checked so that it cannot get worse unnoticed.
        #expect(score.f1 >= 0.75)
    }

    /// A press masked (by speech, or too soft) leaves its release alone; with timing alone that
    /// release passes for a press. The recording's own press–release pairs teach the two sounds'
    /// spectral shapes (a Model M's release rings higher than its press).
    @Test("a release whose press went unheard is not taken for a press")
    func loneReleases() throws {
        let mix = try TypingFixture.mix(seconds: 40, speechGain: 0, seed: 3, pressOmittedEvery: 6)
        func run(_ settings: KeystrokeSettings) throws -> (score: (precision: Double, recall: Double, f1: Double), releases: Int) {
            let found = try TypingFixture.detect(mix.samples, settings: settings).map(\.time_s)
            let releases = mix.loneReleases.filter { release in found.contains { abs($0 - release) <= 0.03 } }.count
            return (TypingFixture.score(found, mix.presses), releases)
        }
        let learnt = try run(.init())
        var timingOnly = KeystrokeSettings()
        timingOnly.shapeModelMinimumPairs = .max
        let timed = try run(timingOnly)
        print("lone releases reported: \(learnt.releases) of \(mix.loneReleases.count) (timing alone: \(timed.releases)); F1 \(learnt.score.f1) (timing alone \(timed.score.f1))")
        #expect(mix.loneReleases.count >= 10)
        #expect(timed.releases * 2 > mix.loneReleases.count)  // the case the shape model is for
        #expect(learnt.releases * 5 <= mix.loneReleases.count)
        #expect(learnt.score.recall >= 0.95)
        #expect(learnt.score.f1 > timed.score.f1)
    }

    /// Where no press/release discriminant is learnt (here none is allowed; through a voice
    /// codec, or in a short stretch of typing, there may be too few pairs or too little
    /// difference), timing alone decodes which onsets are presses: a speech sound a dwell time
    /// after a press passes for one, and one between a press and its release can put the
    /// decoding out of phase, the release reported as a press (on the benchmark's interviews).
    /// The press template, learnt from the pairs timing decodes, still tells: a sound a
    /// dwell time after the last press that is neither typical of this keyboard's presses nor
    /// as loud is left out (`releaseLikeJointShare`), and true presses seldom are.
    @Test("without a discriminant, a release-like sound a dwell time after a press is left out")
    func releaseLikeWithoutDiscriminant() throws {
        var leftOut = (presses: 0, releases: 0, others: 0), f1 = (with: 0.0, without: 0.0)
        for seed in [3, 5, 7, 9, 11] as [UInt64] {
            let mix = try TypingFixture.mix(seconds: 60, speechGain: 1, seed: seed)
            func run(_ share: Double) throws -> (found: [Double], f1: Double, dropped: Int) {
                var settings = KeystrokeSettings()
                settings.shapeModelMinimumSeparation = .infinity  // no discriminant from timing…
                settings.shapeModelRefineBelow = 0                // …nor from a seed…
                settings.burstSeedGapSeconds = 0                  // …nor from the bursts
                settings.releaseLikeJointShare = share
                let detector = try KeystrokeDetector(settings: settings)
                let found = TypingFixture.detect(mix.samples, with: detector).map(\.time_s)
                #expect(detector.shapeModelSource == nil)
                return (found, TypingFixture.score(found, mix.presses).f1, detector.releaseLikePresses)
            }
            let left = try run(KeystrokeSettings().releaseLikeJointShare), all = try run(0)
            #expect(all.dropped == 0)
            let dropped = all.found.filter { !left.found.contains($0) }
            #expect(dropped.count == left.dropped)
            #expect(left.found.allSatisfy(all.found.contains))
            let near = { (times: [Double], time: Double) in times.contains { abs($0 - time) <= 0.03 } }
            let presses = dropped.filter { near(mix.presses, $0) }.count
            let releases = dropped.filter { !near(mix.presses, $0) && near(mix.releases, $0) }.count
            leftOut.presses += presses; leftOut.releases += releases; leftOut.others += dropped.count - presses - releases
            f1.with += left.f1; f1.without += all.f1
            print("no discriminant, seed \(seed): \(dropped.count) left out as release-like — \(presses) presses, \(releases) releases, \(dropped.count - presses - releases) other sounds; F1 \(left.f1) (all kept: \(all.f1))")
        }
        #expect(leftOut.releases + leftOut.others >= 5)
        #expect(leftOut.presses * 3 <= leftOut.releases + leftOut.others)
        #expect(f1.with > f1.without)
    }

    /// Through a voice codec a press and its release may keep little of their difference in
    /// shape, and some keyboards' releases never had much: what still tells them apart is that
    /// the release is quieter. Here each release is a copy of its press 12 dB down, so shape
    /// alone cannot tell them, and a release whose press went unheard passes for a press.
    @Test("a keyboard whose releases differ from its presses only in loudness: the level is learnt too")
    func releasesQuieterOnly() throws {
        let mix = try TypingFixture.mix(seconds: 40, speechGain: 0, seed: 3, pressOmittedEvery: 6, releaseGain: 0.25,
                                        releaseSoundsLikePress: true)
        func run(_ settings: KeystrokeSettings) throws -> (f1: Double, releases: Int, separation: Double?) {
            let detector = try KeystrokeDetector(settings: settings)
            let found = TypingFixture.detect(mix.samples, with: detector).map(\.time_s)
            let releases = mix.loneReleases.filter { release in found.contains { abs($0 - release) <= 0.03 } }.count
            return (TypingFixture.score(found, mix.presses).f1, releases, detector.shapeModelSeparation)
        }
        let withLevel = try run(.init())
        var shapeOnly = KeystrokeSettings()
        shapeOnly.shapeModelUsesLevel = false
        let shaped = try run(shapeOnly)
        print("releases = presses 12 dB down: lone releases reported \(withLevel.releases) of \(mix.loneReleases.count) (shape alone: \(shaped.releases)); separation \(withLevel.separation ?? .nan) (shape alone \(shaped.separation ?? .nan)); F1 \(withLevel.f1) (shape alone \(shaped.f1))")
        #expect(mix.loneReleases.count >= 10)
        #expect(shaped.releases * 2 > mix.loneReleases.count)
        #expect(withLevel.releases * 5 <= mix.loneReleases.count)
        #expect((withLevel.separation ?? 0) >= 2)
        #expect(withLevel.f1 > shaped.f1)
    }

    /// How loud a key is varies from key to key far more than how much quieter its release is
    /// than its press: with keys 0–24 dB apart and releases copies of their press 12 dB down, a
    /// quiet key's press sounds like a loud key's release, in shape and in level. In fast typing
    /// a release and the next key's press are a dwell time apart as often as a press and its
    /// release, and timing cannot tell which two belong together. Their levels can: a release
    /// 12 dB below the press before it fits, a press 12 dB above the release before it does not.
    @Test("fast typing on keys of very different loudness: how a release's level compares with its press's is learnt")
    func pairLevels() throws {
        let mix = try TypingFixture.mix(seconds: 60, speechGain: 0, keyGainDB: -24...0, seed: 3, pressInterval: 0.1...0.25,
                                        releaseGain: 0.25, releaseSoundsLikePress: true)
        func f1(_ settings: KeystrokeSettings) throws -> Double {
            TypingFixture.score(try TypingFixture.detect(mix.samples, settings: settings).map(\.time_s), mix.presses).f1
        }
        // (Without the level seed nor the bursts' discriminant: timing leaves none here, as these
        // releases sound like their presses, and both teach loudness alone — presses louder —
        // which the pairs' level difference below tells better. By default (the level seed):
        // 0.92 learning levels, 0.92 not; with the bursts alone 0.92 and 0.90; without either,
        // 0.95 and 0.75. README, limitations.)
        // Nor step 42's cost of a lone release amid clear typing, which pairs these keys too
        // (session 31, with it: 0.933 learning levels, 0.936 not).
        var settings = KeystrokeSettings()
        settings.burstSeedGapSeconds = 0
        settings.levelSeed = false
        settings.loneReleaseCostAmidTyping = 0
        var alone = settings
        alone.levelPairOutliers = 1
        let paired = try f1(settings), single = try f1(alone)
        print("fast typing, keys 0–24 dB apart, releases 12 dB below their press: F1 \(paired) (each click's level alone \(single))")
        #expect(paired >= single + 0.05)
    }

    /// Some keys' releases are not the releases the discriminant learnt: here twelve keys of
    /// forty release with a copy of their press sound, 8 dB down. Their shape says press; what
    /// still makes each a release is that it is as much quieter than the press a dwell time
    /// before it as this keyboard's releases are. The pairs' level comparison counts that for
    /// the pair (`levelPairGain`), not only a misfit against it.
    @Test("releases that sound like presses, as much quieter than their press as this keyboard's releases: they pair")
    func levelFitGains() throws {
        var without = 0, with = 0
        for seed: UInt64 in [1, 4, 6] {
            let mix = try TypingFixture.mix(seconds: 60, speechGain: 0, seed: seed, releaseGain: 0.4, releaseSoundsLikePress: true,
                                            pressLikeReleaseKeys: 12)
            func run(_ gain: Bool) throws -> (releases: Int, f1: Double) {
                var settings = KeystrokeSettings()
                settings.levelPairGain = gain
                let found = try TypingFixture.detect(mix.samples, settings: settings).map(\.time_s)
                return (TypingFixture.releasesTakenForPresses(found, presses: mix.presses, releases: mix.releases),
                        TypingFixture.score(found, mix.presses).f1)
            }
            let lossOnly = try run(false), gained = try run(true)
            print("seed \(seed), twelve keys' releases press-shaped: releases reported as presses \(lossOnly.releases) → \(gained.releases), F1 \(lossOnly.f1) → \(gained.f1)")
            #expect(gained.f1 >= lossOnly.f1)
            without += lossOnly.releases
            with += gained.releases
        }
        #expect(without >= 5)
        #expect(with * 2 <= without)
    }

    /// Fast typists press the next key as the last one comes up: within 25 ms the two sounds
    /// are one onset, which pairs as the last key's release. Its own release then follows a
    /// dwell time later, alone and release-shaped — so that onset was a press too.
    @Test("fast typing: a press landing on the previous key's release is found")
    func fastTyping() throws {
        let mix = try TypingFixture.mix(seconds: 60, speechGain: 0, seed: 3, pressInterval: 0.1...0.25)
        let landing = mix.presses.filter { press in mix.releases.contains { abs($0 - press) < 0.025 } }
        func run(_ settings: KeystrokeSettings) throws -> (f1: Double, landed: Int, detector: KeystrokeDetector) {
            let detector = try KeystrokeDetector(settings: settings)
            let found = TypingFixture.detect(mix.samples, with: detector).map(\.time_s)
            return (TypingFixture.score(found, mix.presses).f1, landing.filter { press in found.contains { abs($0 - press) <= 0.03 } }.count,
                    detector)
        }
        let with = try run(.init())
        var settings = KeystrokeSettings()
        settings.pressesOnReleases = false
        let without = try run(settings)
        let expected = try #require(with.detector.expectedLandings)
        print("fast typing: F1 \(with.f1) (without the rule \(without.f1)); presses on a release found \(with.landed) (\(without.landed)) of \(landing.count); landings expected from the flight times \(expected), the rule's candidates \(with.detector.landingCandidates)")
        #expect(landing.count >= 10)
        // The flight times decoded tell how often presses land on releases here.
        #expect(expected >= 0.5 * Double(landing.count) && expected <= 2 * Double(landing.count))
        #expect(2 * expected >= Double(with.detector.landingCandidates))
        #expect(with.landed > without.landed)
        #expect(with.f1 > without.f1)
        // 0.89 here with the 2–20 kHz onset band (0.90 with 2–12 kHz; the benchmark's fast-typing
        // case moves by ±0.01 between the two).
        #expect(with.f1 >= 0.88)
    }

    /// Fast typing alone on the Model M: a few of its keys' presses sound like releases, and once
    /// the discriminant is sure of the shapes (session 29), such a press and its release were
    /// both left lone as releases. Amid clear typing a lone release costs
    /// `loneReleaseCostAmidTyping`, and the two pair again: five mixes, with the cost against
    /// without it (`loneReleaseCostAmidTyping` 0).
    @Test("fast typing: a key whose press sounds like a release is paired amid clear typing")
    func releaseShapedPressesPaired() throws {
        var runs: [(with: Double, without: Double)] = []
        for seed in [3, 5, 7, 9, 11] as [UInt64] {
            let mix = try TypingFixture.mix(seconds: 60, speechGain: 0, seed: seed, pressInterval: 0.1...0.25)
            var off = KeystrokeSettings()
            off.loneReleaseCostAmidTyping = 0
            let with = TypingFixture.score(try TypingFixture.detect(mix.samples).map(\.time_s), mix.presses)
            let without = TypingFixture.score(try TypingFixture.detect(mix.samples, settings: off).map(\.time_s), mix.presses)
            print("fast typing alone, seed \(seed): F1 \(with.f1) (recall \(with.recall)) with the lone release's cost, \(without.f1) (\(without.recall)) without")
            runs.append((with.f1, without.f1))
        }
        // Measured (session 33, clear typing counted on the first decoding's path): +0.011, +0.030,
        // −0.005, +0.019, +0.025 — seed 7 loses two presses' worth (a release-shaped sound then
        // paired as a press), the mean gains 0.016 (session 31, counting every choice the
        // decoding weighed: seed 11 +0.018, the mean 0.015). (On the
        // benchmark: the Model M's fast typing alone 0.897 → 0.946, bench/README step 42.)
        #expect(runs.filter { $0.with > $0.without }.count >= 4)
        #expect(runs.allSatisfy { $0.with >= $0.without - 0.01 })
        #expect(runs.map { $0.with - $0.without }.reduce(0, +) / Double(runs.count) > 0.01)
    }

    /// Fast typing under speech through a 16 kHz voice codec: with the next press often within a
    /// dwell time of a release, timing alone decodes many pairs out of phase, and the
    /// press/release discriminant learnt from them is weak. Refitted on the pairs its own evidence
    /// decodes (`shapeModelRefineBelow`), it brings them back in phase.
    @Test("fast typing through a voice codec: a weak press/release discriminant is refined on the pairs it decodes")
    func weakDiscriminantRefined() throws {
        let mixes = try [3, 5, 7, 13, 17].map { seed in
            let mix = try TypingFixture.mix(seconds: 60, speechGain: 1, keyGainDB: -12...0, seed: UInt64(seed), pressInterval: 0.1...0.25)
            return (coded: try Self.throughOpus(mix.samples, rate: 16000), presses: mix.presses)
        }
        func run(_ settings: KeystrokeSettings) throws -> [(f1: Double, separation: Double?, refinements: Int)] {
            try mixes.map { mix in
                let detector = try KeystrokeDetector(settings: settings)
                let found = TypingFixture.detect(mix.coded, with: detector).map(\.time_s)
                return (TypingFixture.score(found, mix.presses).f1, detector.shapeModelSeparation, detector.shapeModelRefinements)
            }
        }
        let refined = try run(.init())
        var settings = KeystrokeSettings()
        settings.shapeModelRefineBelow = 0
        let timingOnly = try run(settings)
        print("fast typing through a 16 kHz codec: F1 \(refined.map(\.f1)) refined (\(refined.map(\.refinements)) times; first separation \(refined.map(\.separation))), \(timingOnly.map(\.f1)) not")
        // The first discriminant is the same either way, and reported as such.
        #expect(refined.map(\.separation) == timingOnly.map(\.separation))
        #expect(timingOnly.allSatisfy { $0.refinements == 0 })
        for (with, without) in zip(refined, timingOnly) {
            // Refined only when weak, and then at least once.
            #expect((with.refinements > 0) == ((with.separation ?? .infinity) < KeystrokeSettings().shapeModelRefineBelow))
            if with.refinements == 0 { #expect(with.f1 == without.f1) }
        }
        #expect(refined.contains { $0.refinements > 0 })
        // Measured until session 28: 0.866 against 0.826 (four of the five 0.04–0.06 higher, one
        // the same). Since the discriminant's evidence counts as confusion only what lies beyond
        // its classes' own overlap (session 29, `confusionBeyondOverlap`), the weak first
        // discriminant's own evidence is no longer too faint to use, and keeps more pairs in
        // phase unrefined: 0.861 against 0.851 — three of the five higher by 0.025–0.05, two
        // lower by 0.013 and 0.030 (on the benchmark's fast typing through that codec the
        // refinement still adds 0.017, bench/README step 41).
        let mean = { (runs: [(f1: Double, separation: Double?, refinements: Int)]) in runs.map(\.f1).reduce(0, +) / Double(runs.count) }
        #expect(mean(refined) > mean(timingOnly))
        #expect(zip(refined, timingOnly).filter { $0.f1 > $1.f1 + 0.02 }.count >= 3)
    }

    /// …and where timing alone leaves the pairs so far out of phase that the discriminant learnt
    /// from them falls short of the bar for using one at all (0.5 deviations), a weaker one
    /// seeds the refinement, kept only if refined to `shapeModelRefineBelow`; otherwise the
    /// labelling by timing alone stands, exactly as without the seed. (On the Model M here,
    /// typed faster still — presses 0.08–0.2 s apart — no seed gets that far; what seeds that do
    /// gain is measured on the benchmark's real keyboards: `bench/README.md`, step 31.)
    @Test("fast typing through a voice codec: a seed not refined far enough leaves the labelling by timing alone")
    func weakDiscriminantSeeds() throws {
        // (Without the bursts' discriminant nor the level seed, tried after a seed is rejected:
        // below.)
        var settings = KeystrokeSettings()
        settings.burstSeedGapSeconds = 0
        settings.levelSeed = false
        var unseeded = settings
        unseeded.shapeModelSeedSeparation = unseeded.shapeModelMinimumSeparation
        var tried = 0
        for seed in [3, 5, 7] as [UInt64] {
            let mix = try TypingFixture.mix(seconds: 60, speechGain: 1, keyGainDB: -12...0, seed: seed, pressInterval: 0.08...0.2)
            let coded = try Self.throughOpus(mix.samples, rate: 16000)
            let detector = try KeystrokeDetector(settings: settings), plain = try KeystrokeDetector(settings: unseeded)
            let found = TypingFixture.detect(coded, with: detector), without = TypingFixture.detect(coded, with: plain)
            print("faster typing through a 16 kHz codec, seed \(seed): seed tried and not kept \(String(describing: detector.rejectedSeedSeparation)), F1 \(TypingFixture.score(found.map(\.time_s), mix.presses).f1)")
            #expect(plain.shapeModelSeparation == nil && plain.rejectedSeedSeparation == nil)
            guard let separation = detector.rejectedSeedSeparation else { continue }
            tried += 1
            #expect(separation < unseeded.shapeModelMinimumSeparation)
            #expect(detector.shapeModelSeparation == nil && detector.shapeModelRefinements == 0)
            #expect(found.map(\.time_s) == without.map(\.time_s))
            #expect(found.map(\.releaseHeard) == without.map(\.releaseHeard))
        }
        #expect(tried >= 2)
    }

    /// Faster typing (presses 0.08–0.2 s apart, keys 0–12 dB apart) under speech through a
    /// 16 kHz codec, six seeds: where `settings` learn the discriminant from `source` and
    /// `without` (`withoutLabel`) learn none, each such run is at most 0.02 below and on average
    /// 0.03 above; where `settings` do not learn it from `source`, the output is exactly as
    /// without it. `whereLearnt` checks more on the runs that learn it (the mix as coded, the
    /// presses found).
    private func seedComparison(_ source: KeystrokeDetector.ShapeModelSource, settings: KeystrokeSettings,
                                without: KeystrokeSettings, withoutLabel: String,
                                whereLearnt: (_ coded: [Float], _ found: [Keystroke]) throws -> Void = { _, _ in }) throws {
        var runs: [(with: Double, without: Double)] = []
        for seed in [3, 5, 7, 9, 11, 13] as [UInt64] {
            let mix = try TypingFixture.mix(seconds: 90, speechGain: 1, keyGainDB: -12...0, seed: seed, pressInterval: 0.08...0.2)
            let coded = try Self.throughOpus(mix.samples, rate: 16000)
            let detector = try KeystrokeDetector(settings: settings), plain = try KeystrokeDetector(settings: without)
            let found = TypingFixture.detect(coded, with: detector), other = TypingFixture.detect(coded, with: plain)
            let f1 = TypingFixture.score(found.map(\.time_s), mix.presses).f1, otherF1 = TypingFixture.score(other.map(\.time_s), mix.presses).f1
            print("faster typing through a 16 kHz codec, seed \(seed): discriminant from \(detector.shapeModelSource.map(\.rawValue) ?? "none") (\(withoutLabel): \(plain.shapeModelSource.map(\.rawValue) ?? "none")), separation \(String(describing: detector.shapeModelSeparation)), refined \(detector.shapeModelRefinements) times; F1 \(f1) against \(otherF1)")
            #expect(plain.shapeModelSource != source)
            guard detector.shapeModelSource == source else {
                #expect(found.map(\.time_s) == other.map(\.time_s))
                #expect(detector.shapeModelSource == plain.shapeModelSource)
                continue
            }
            #expect(plain.shapeModelSource == nil)
            #expect((detector.shapeModelSeparation ?? 0) >= settings.shapeModelMinimumSeparation)
            try whereLearnt(coded, found)
            runs.append((f1, otherF1))
        }
        #expect(runs.count >= 2)
        for run in runs { #expect(run.with >= run.without - 0.02) }
        let mean = { (values: [Double]) in values.reduce(0, +) / Double(max(values.count, 1)) }
        #expect(mean(runs.map(\.with)) >= mean(runs.map(\.without)) + 0.03)
    }

    /// …and where timing leaves no discriminant at all (none, or a seed rejected), the bursts of
    /// typing teach one: each burst's first sound is a press and its last a release, whatever
    /// the order of the keys between (`burstSeedGapSeconds`). Held to the bar a discriminant
    /// learnt from timing is, and refined like one; where it is not learnt, the output is
    /// exactly as without it.
    @Test("fast typing through a voice codec: where timing leaves no discriminant, the bursts' ends teach one")
    func burstDiscriminant() throws {
        // (Without the level seed, which is tried before the bursts.)
        var settings = KeystrokeSettings()
        settings.levelSeed = false
        var without = settings
        without.burstSeedGapSeconds = 0
        try seedComparison(.bursts, settings: settings, without: without, withoutLabel: "without bursts")
    }

    /// …and (tried before the bursts; here without them) the pairs timing decoded whose release
    /// is quieter than their press seed one (`levelSeed`): out of phase about half as often.
    /// Held to the bar a discriminant from timing is, refined on the pairs it decodes; where it
    /// is not learnt, the output is exactly as without it.
    @Test("fast typing through a voice codec: where timing leaves no discriminant, the pairs with a quieter release seed one")
    func levelSeededDiscriminant() throws {
        var settings = KeystrokeSettings()
        settings.burstSeedGapSeconds = 0
        var without = settings
        without.levelSeed = false
        try seedComparison(.levels, settings: settings, without: without, withoutLabel: "without the level seed") { coded, found in
            // Tried before the bursts: by default the same.
            let byDefault = try KeystrokeDetector(settings: .init())
            #expect(TypingFixture.detect(coded, with: byDefault).map(\.time_s) == found.map(\.time_s))
            #expect(byDefault.shapeModelSource == .levels)
        }
    }

    /// A typist whose next key seldom comes down within an onset of the last one coming up (here
    /// presses 0.15–0.4 s apart, releases 60–130 ms after them: every flight time above 20 ms,
    /// few near it) seldom lands a press on a release, so a release-shaped sound a dwell time after a release
    /// (here a second, 3 dB quieter copy of every other release) is no sign of one: the flight
    /// times decoded say so, and the rule's candidates are left out.
    @Test("slow typing: a release-shaped sound after a release makes no press where flight times show no landings")
    func noLandingsInSlowTyping() throws {
        let mix = try TypingFixture.mix(seconds: 60, speechGain: 0, seed: 9, releaseRattle: (every: 2, delay: 0.06...0.12, gainDB: -3))
        let landing = mix.presses.filter { press in mix.releases.contains { abs($0 - press) < 0.025 } }
        func run(_ settings: KeystrokeSettings) throws -> (falsePresses: Int, f1: Double, expected: Double?, candidates: Int) {
            let detector = try KeystrokeDetector(settings: settings)
            let found = TypingFixture.detect(mix.samples, with: detector).map(\.time_s)
            return (found.filter { time in !mix.presses.contains { abs($0 - time) <= 0.03 } }.count,
                    TypingFixture.score(found, mix.presses).f1, detector.expectedLandings, detector.landingCandidates)
        }
        var always = KeystrokeSettings()
        always.pressesOnReleasesByFlightTimes = false
        let gated = try run(.init()), ungated = try run(always)
        print("slow typing, every other release rattling: false presses \(gated.falsePresses) (the rule whenever its tests pass \(ungated.falsePresses)); F1 \(gated.f1) (\(ungated.f1)); landings expected \(gated.expected ?? .nan), candidates \(gated.candidates), true landings \(landing.count)")
        #expect(landing.count <= 2)
        #expect(gated.candidates >= 10)
        #expect(2 * (gated.expected ?? .infinity) < Double(gated.candidates))
        #expect(gated.falsePresses + 10 <= ungated.falsePresses)
        #expect(gated.f1 > ungated.f1)
    }

    /// The presses found in `samples` with the dwell time learnt again (`relearn`) or not, and
    /// the dwell time they were decoded with.
    private static func withDwell(_ samples: [Float], relearn: Bool) throws -> (found: [Double], dwell: (centre: Double, spread: Double)?) {
        var settings = KeystrokeSettings()
        settings.relearnDwell = relearn
        let detector = try KeystrokeDetector(settings: settings)
        return (TypingFixture.detect(samples, with: detector).map(\.time_s), detector.dwellSeconds)
    }

    /// A short stretch of typing amid much speech (an interview): the first estimate of the
    /// typist's dwell time takes every gap of 30–200 ms between clicks, speech sounds' among
    /// them, and comes out too wide; learnt again from the pairs decoded amid typing, it is
    /// near the keys' own (60–130 ms, uniform: centre 95 ms, spread 1.4826 × 17.5 ms = 26 ms),
    /// and fewer speech sounds pair up as keys.
    @Test("typing amid much speech: the dwell time is learnt again from the pairs decoded")
    func dwellLearntAgain() throws {
        for seed: UInt64 in [7, 11] {
            let mix = try TypingFixture.mix(seconds: 60, speechGain: 1, seed: seed, typingFrom: 25, typingTo: 40)
            func run(_ relearn: Bool) throws -> (falsePresses: Int, f1: Double, dwell: (centre: Double, spread: Double)?) {
                let (found, dwell) = try Self.withDwell(mix.samples, relearn: relearn)
                return (found.filter { time in !mix.presses.contains { abs($0 - time) <= 0.03 } }.count,
                        TypingFixture.score(found, mix.presses).f1, dwell)
            }
            let first = try run(false), again = try run(true)
            print("typing amid speech (seed \(seed)): dwell \(first.dwell.map { "\($0.centre) ± \($0.spread)" } ?? "none") first, \(again.dwell.map { "\($0.centre) ± \($0.spread)" } ?? "none") learnt again; false presses \(first.falsePresses) → \(again.falsePresses), F1 \(first.f1) → \(again.f1) (\(mix.presses.count) presses)")
            let firstDwell = try #require(first.dwell), learnt = try #require(again.dwell)
            #expect(abs(learnt.centre - 0.095) <= 0.01)
            #expect(abs(learnt.spread - 0.026) < abs(firstDwell.spread - 0.026))
            #expect(again.falsePresses <= first.falsePresses)
            #expect(again.f1 >= first.f1 - 0.01)
        }
    }

    /// A typist who holds keys longer than the 0.2 s a release is first looked for in
    /// (`releaseMaximumSeconds`): here 0.15–0.27 s, presses 0.3–0.5 s apart, under speech. The
    /// dwell time learnt again from the pairs decoded widens that range to three spreads past
    /// its centre, and the releases held longest are paired with their presses instead of
    /// left lone (then judged as presses of their own).
    @Test("a typist who holds keys long: the range a release is looked for in widens with the dwell time learnt")
    func longDwell() throws {
        let mix = try TypingFixture.mix(seconds: 60, speechGain: 1, seed: 13, pressInterval: 0.3...0.5, dwell: 0.15...0.27)
        func run(_ relearn: Bool) throws -> (f1: Double, releasesAsPresses: Int, dwell: (centre: Double, spread: Double)?) {
            let (found, dwell) = try Self.withDwell(mix.samples, relearn: relearn)
            return (TypingFixture.score(found, mix.presses).f1,
                    TypingFixture.releasesTakenForPresses(found, presses: mix.presses, releases: mix.releases), dwell)
        }
        let first = try run(false), again = try run(true)
        print("keys held 0.15–0.27 s: F1 \(first.f1) → \(again.f1), releases reported as presses \(first.releasesAsPresses) → \(again.releasesAsPresses), dwell \(first.dwell.map { "\($0.centre) ± \($0.spread)" } ?? "none") → \(again.dwell.map { "\($0.centre) ± \($0.spread)" } ?? "none")")
        let learnt = try #require(again.dwell)
        #expect(learnt.centre + 3 * learnt.spread > 0.2)
        #expect(again.releasesAsPresses < first.releasesAsPresses)
        #expect(again.f1 > first.f1)
    }

    /// On a keyboard whose releases are much quieter than its presses, a release that was also
    /// the next key's press carries that press's sound: it is about as loud as a press. A
    /// release-shaped sound a dwell time after a quiet release (here a second copy of every
    /// third release) does not make that release a press. (The fast-typing test above shows the
    /// rule still at work where releases are as loud as presses.) The pairs' level comparison
    /// (`levelPairOutliers`) keeps most such sounds from pairing at all; the level test is
    /// measured without it, then both together. (This typist never lands a press on a release,
    /// so by default the flight times would keep the rule out altogether — the test before
    /// this one: that is left out here, where the level test is what is measured.)
    @Test("quiet releases: a release counts as a press too only when it is about as loud as one")
    func pressesOnQuietReleases() throws {
        let mix = try TypingFixture.mix(seconds: 60, speechGain: 0, seed: 5, releaseGain: 0.2, releaseSoundsLikePress: true,
                                        releaseRattle: (every: 3, delay: 0.06...0.12, gainDB: -3))
        func run(_ settings: KeystrokeSettings) throws -> (falsePresses: Int, f1: Double, drop: Double?) {
            let detector = try KeystrokeDetector(settings: settings)
            let found = TypingFixture.detect(mix.samples, with: detector).map(\.time_s)
            return (found.filter { time in !mix.presses.contains { abs($0 - time) <= 0.03 } }.count,
                    TypingFixture.score(found, mix.presses).f1, detector.releaseDropDB)
        }
        var gatedSettings = KeystrokeSettings()
        gatedSettings.levelPairOutliers = 1
        gatedSettings.pressesOnReleasesByFlightTimes = false
        var ruleOff = gatedSettings, ungated = gatedSettings
        ruleOff.pressesOnReleases = false
        ungated.pressesOnReleasesLevelGate = false
        var withLevels = KeystrokeSettings()
        withLevels.pressesOnReleasesByFlightTimes = false
        let gated = try run(gatedSettings), off = try run(ruleOff), open = try run(ungated), both = try run(withLevels)
        print("releases 14 dB below their presses, every third rattling: false presses \(gated.falsePresses) (without the level test \(open.falsePresses), without the rule \(off.falsePresses), with the pairs' levels compared too \(both.falsePresses)); F1 \(gated.f1) (\(open.f1), \(off.f1), \(both.f1)); release drop \(gated.drop ?? .nan) dB")
        #expect((gated.drop ?? 0) <= -10)
        #expect(open.falsePresses >= off.falsePresses + 10)  // the case the level test is for
        // Most of what the rule would add without it is gone (some releases still measure louder
        // over the ring of their own press).
        #expect((gated.falsePresses - off.falsePresses) * 4 <= open.falsePresses - off.falsePresses)
        #expect(gated.f1 > open.f1)
        #expect(both.falsePresses <= off.falsePresses + 2)
    }

    @Test("searching a sliding window as audio arrives finds exactly what one search at the end finds")
    func streamingEqualsWhole() throws {
        let mix = try TypingFixture.mix(seconds: 40, speechGain: 1, seed: 11)
        func run(segmentSeconds: Double, block: Int) throws -> [Keystroke] {
            let detector = try KeystrokeDetector(settings: .init(), segmentSeconds: segmentSeconds)
            var start = 0
            while start < mix.samples.count {
                let end = min(mix.samples.count, start + block)
                detector.process(Array(mix.samples[start..<end]))
                start = end
            }
            return detector.finish()
        }
        let whole = try run(segmentSeconds: 1000, block: 48000)
        #expect(whole.count > 50)
        #expect(try run(segmentSeconds: 0.5, block: 4800) == whole)
        #expect(try run(segmentSeconds: 3, block: 77777) == whole)
    }

    /// A 16 kHz voice codec leaves next to nothing above 8 kHz: counted in the 2–20 kHz band's
    /// averages, those bins (coding noise near the numerical floor, or nothing) would water
    /// down the onset function and the share of risen bins. Bins far below the band's loudest
    /// are left out; in full-band audio every bin counts.
    @Test("through a 16 kHz voice codec, the empty band above 8 kHz is left out of the onset measures")
    func emptyBandLeftOut() throws {
        let mix = try TypingFixture.mix(seconds: 60, speechGain: 1, keyGainDB: -12...0, seed: 5)
        let coded = try Self.throughOpus(mix.samples, rate: 16000)
        func run(_ samples: [Float], _ settings: KeystrokeSettings = .init()) throws -> (f1: Double, medianLive: Int) {
            let detector = try KeystrokeDetector(settings: settings)
            var live: [Int] = []
            detector.frameObserver = { live.append($0) }
            let f1 = TypingFixture.score(TypingFixture.detect(samples, with: detector).map(\.time_s), mix.presses).f1
            return (f1, live.sorted()[live.count / 2])
        }
        // 93.75 Hz bins: 192 from 2 to 20 kHz, 64 of them below 8 kHz and 106 below 12 kHz (the
        // codec's filter rolls off between 8 and 12 kHz).
        let usual = try run(coded)
        var everyBin = KeystrokeSettings()
        everyBin.deadBinMarginDB = .infinity
        let diluted = try run(coded, everyBin)
        let fullBand = try run(mix.samples)
        print("16 kHz codec under speech: F1 \(usual.f1), median live bins \(usual.medianLive); every bin counted: F1 \(diluted.f1); uncoded: median live bins \(fullBand.medianLive)")
        #expect((64...106).contains(usual.medianLive))
        #expect(diluted.medianLive == 192)
        #expect(fullBand.medianLive == 192)
        // What leaving them out gains is measured on the benchmark's 16 kHz codec case (90 s
        // recordings, four seeds); on one minute here the two F1s are within noise of each other.
        #expect(usual.f1 >= 0.8)
    }

    /// A super-wideband voice mode (24 kHz audio through Opus at 24 kb/s): the codec's top
    /// coded band flickers from frame to frame tens of dB below what it carries when sound is
    /// there. Counting those flickers as rises buries presses; each bin's level counts from 40 dB
    /// below its own recent peak (adaptive whitening). What that gains is measured on the
    /// benchmark (seeds 1–2, session 22: all cases 0.942 against 0.939 without it, WebRTC 0.963
    /// against 0.953, the 16 kHz voice mode 0.961 against 0.958); on these three one-minute
    /// mixes the two are within noise of each other (0.915 and 0.915 before session 22's
    /// learning from typing only, 0.911 and 0.915 after: seed 5 0.903 against 0.922, seeds 7 and 9
    /// a little higher whitened), so here it is only checked not to cost beyond that.
    @Test("through a 12 kHz-bandwidth voice codec, a bin's flicker far below its own peak is not a rise")
    func codecFlickerWhitened() throws {
        let mixes = try [5, 7, 9].map { seed in
            let mix = try TypingFixture.mix(seconds: 60, speechGain: 1, keyGainDB: -12...0, seed: UInt64(seed))
            return (coded: try Self.throughOpus(mix.samples, rate: 24000), presses: mix.presses)
        }
        func f1(_ settings: KeystrokeSettings) throws -> [Double] {
            try mixes.map { TypingFixture.score(try TypingFixture.detect($0.coded, settings: settings).map(\.time_s), $0.presses).f1 }
        }
        let usualEach = try f1(.init())
        var unwhitened = KeystrokeSettings()
        unwhitened.whiteningFloorDB = .infinity
        let rawEach = try f1(unwhitened)
        let usual = usualEach.reduce(0, +) / 3, raw = rawEach.reduce(0, +) / 3
        print("12 kHz-bandwidth codec under speech: F1 \(usualEach) (without whitening \(rawEach))")
        #expect(usual >= 0.8)
        #expect(usual >= raw - 0.01)
    }

    /// A keyboard heard through a meeting app's 16 kHz voice codec, full-band speech mixed in
    /// afterwards: above 8 kHz there is speech and nothing of the clicks, so counted in the onset
    /// band it only waters the clicks' rises down. The clicks heard with their releases show
    /// where they rise; the narrowest onset band holding that is used.
    @Test("keys through a 16 kHz codec under full-band speech: the onset band narrows to the clicks'")
    func onsetBandNarrows() throws {
        let (presses, mixed, direct) = try Self.codedKeysUnderFullBandSpeech(seed: 5)
        func run(_ samples: [Float], _ settings: KeystrokeSettings = .init()) throws -> (f1: Double, top: Double, clicksTo: Double?) {
            let detector = try KeystrokeDetector(settings: settings)
            let f1 = TypingFixture.score(TypingFixture.detect(samples, with: detector).map(\.time_s), presses).f1
            return (f1, detector.onsetBandTop_Hz, detector.clickBandTop_Hz)
        }
        let adaptive = try run(mixed)
        var fixed = KeystrokeSettings()
        fixed.narrowerBandTopsHz = []
        let fullBand = try run(mixed, fixed)
        // The same keys heard directly under the same speech ring to 20 kHz: the band stays whole.
        let uncoded = try run(direct)
        print("coded keys under full-band speech: F1 \(adaptive.f1) (band to \(adaptive.top) Hz, clicks to \(String(describing: adaptive.clicksTo)) Hz); whole band F1 \(fullBand.f1); uncoded: band to \(uncoded.top) Hz, F1 \(uncoded.f1)")
        #expect(adaptive.top == 9000)
        #expect((8000...9000).contains(adaptive.clicksTo ?? 0))
        #expect(fullBand.top == 20000)
        // (0.86 against 0.82: a gain of 0.05 until step 23's correction of the discriminant
        // lifted the whole band's F1 by 0.003; since session 29's confusion beyond the overlap,
        // 0.858 against 0.849 — the whole band's weak discriminant no longer left too faint. On
        // the benchmark's thirteen keyboards through the codec with speech after, the narrower
        // band still adds 0.056: bench/README step 41.)
        #expect(adaptive.f1 > fullBand.f1)
        #expect(uncoded.top == 20000)
    }

    /// Such a mix: once the clicks are known to stop at about 8 kHz, a transient that also
    /// rises above that, nearly as strongly as below, is a sound of the speech mixed in over them
    /// (a plosive burst, a fricative's onset), not a key.
    @Test("keys through a 16 kHz codec under full-band speech: transients rising above the clicks' band are set aside")
    func aboveClickBandSetAside() throws {
        let (presses, mixed, direct) = try Self.codedKeysUnderFullBandSpeech(seed: 6)
        func run(_ samples: [Float], margin: Double?, pressMargin: Double = 3) throws -> (score: (precision: Double, recall: Double, f1: Double), setAside: Int) {
            var settings = KeystrokeSettings()
            settings.aboveClickBandMarginDB = margin
            settings.aboveClickBandPressMarginDB = pressMargin
            let detector = try KeystrokeDetector(settings: settings)
            let found = TypingFixture.detect(samples, with: detector).map(\.time_s)
            return (TypingFixture.score(found, presses), detector.aboveClickBandCount)
        }
        let usual = try run(mixed, margin: 20), off = try run(mixed, margin: nil)
        let uncoded = try run(direct, margin: 20), uncodedOff = try run(direct, margin: nil)
        print("coded keys under full-band speech: \(usual.setAside) transients set aside, P \(usual.score.precision) R \(usual.score.recall); without: P \(off.score.precision) R \(off.score.recall); uncoded: \(uncoded.setAside) set aside, F1 \(uncoded.score.f1) (without: \(uncodedOff.score.f1))")
        #expect(usual.setAside > 0)
        #expect(off.setAside == 0)
        #expect(usual.score.precision > off.score.precision)
        #expect(usual.score.recall >= off.score.recall - 0.02)
        #expect(usual.score.f1 > off.score.f1)
        // The bar also stays below where this recording's own presses reach: pushed far below
        // them, nothing is set aside.
        #expect(try run(mixed, margin: 20, pressMargin: 200).setAside == 0)
        // Keys heard directly ring to 20 kHz: nothing lies above their band, nothing is set aside.
        #expect(uncoded.setAside == 0)
        #expect(uncoded.score == uncodedOff.score)
    }

    /// Many keys make two sounds per stroke (a tactile switch's bump, then its bottoming out;
    /// a release's top-out): a quieter transient a fixed delay after the first. Taken for keys of
    /// their own they are false presses and they knock the press–release decoding out of phase.
    /// The delay is learnt from the recording (a sharp peak in the gaps to quieter onsets).
    @Test("a keyboard with two sounds per stroke: the echo delay is learnt and the echo is no press")
    func echoes() throws {
        let mix = try TypingFixture.mix(seconds: 60, speechGain: 0, seed: 3, pressEcho: (0.036, -14))
        func run(_ settings: KeystrokeSettings) throws -> (score: (precision: Double, recall: Double, f1: Double), delays: [Double]) {
            let detector = try KeystrokeDetector(settings: settings)
            let found = TypingFixture.detect(mix.samples, with: detector).map(\.time_s)
            return (TypingFixture.score(found, mix.presses), detector.echoDelays_s)
        }
        let learnt = try run(.init())
        var off = KeystrokeSettings()
        off.echoMinimumCount = .max
        let unlearnt = try run(off)
        print("two sounds per stroke: echo delays \(learnt.delays) s, P \(learnt.score.precision) R \(learnt.score.recall) (without: P \(unlearnt.score.precision) R \(unlearnt.score.recall))")
        #expect(learnt.delays.count == 1)
        #expect(learnt.delays.allSatisfy { abs($0 - 0.036) <= 0.008 })
        #expect(unlearnt.score.precision < 0.9)  // the case this is for
        #expect(learnt.score.precision >= 0.95)
        #expect(learnt.score.recall >= 0.95)
        // A Model M makes one sound per stroke: no delay is learnt from its gaps.
        let plain = try KeystrokeDetector()
        _ = TypingFixture.detect(try TypingFixture.mix(seconds: 60, speechGain: 1, seed: 3).samples, with: plain)
        #expect(plain.echoDelays_s.isEmpty)
    }

    @Test("the Poisson tail behind the echo test")
    func poissonTail() {
        #expect(KeystrokeDetector.poissonTail(0, mean: 3) == 1)
        #expect(abs(KeystrokeDetector.poissonTail(1, mean: 2) - (1 - exp(-2))) < 1e-12)
        // P(X ≥ 10 | mean 3) = 0.001102…
        #expect(abs(KeystrokeDetector.poissonTail(10, mean: 3) - 0.0011024) < 1e-6)
        #expect(KeystrokeDetector.poissonTail(60, mean: 10) < 1e-20)
    }

    /// A keyboard whose releases are much quieter than its presses: under speech their releases
    /// go unheard, and a press without one would be set aside as a speech sound. The pairs heard
    /// tell how much quieter the releases are; a press standing too little above the speech for
    /// such a release to be heard is marked, and its shape is compared with the presses heard.
    @Test("quiet releases: how much quieter is learnt, and presses whose release would be masked are marked")
    func maskedReleases() throws {
        let quiet = try TypingFixture.mix(seconds: 60, speechGain: 1, seed: 5, releaseGain: 0.1)
        let detector = try KeystrokeDetector()
        let presses = TypingFixture.detect(quiet.samples, with: detector)
        let drop = try #require(detector.releaseDropDB)
        // (Faint presses are left out of the pairing, so never have a release heard.)
        let lone = presses.filter { !$0.releaseHeard && !$0.faint }
        let masked = lone.filter(\.releaseMasked).count
        let typical = presses.compactMap(\.typicality).filter { $0 >= 0.05 }.count
        print("releases 20 dB down: learnt drop \(drop) dB; \(masked) of \(lone.count) presses without a release marked masked; \(typical) of \(presses.count) presses typical")
        // Measured on the pairs heard — the louder releases — so less than the 20 dB mixed in.
        #expect(lone.count >= 10)
        #expect(masked * 2 > lone.count)
        #expect(typical * 10 >= presses.count * 8)

        // Releases as loud as the presses (a Model M): a missing release is rarely explained away.
        let loud = try TypingFixture.mix(seconds: 60, speechGain: 1, seed: 5)
        let usual = try KeystrokeDetector()
        let loudPresses = TypingFixture.detect(loud.samples, with: usual)
        let loudDrop = try #require(usual.releaseDropDB)
        let loudMasked = loudPresses.filter { !$0.releaseHeard && $0.releaseMasked }.count
        print("releases 2 dB down: learnt drop \(loudDrop) dB; \(loudMasked) of \(loudPresses.filter { !$0.releaseHeard }.count) without a release marked masked")
        #expect((-8 ... 6).contains(loudDrop))
        #expect(drop <= loudDrop - 10)
        #expect(loudMasked * 5 <= loudPresses.filter { !$0.releaseHeard }.count)
    }

    /// How loud a press is for its keyboard (the share of the presses heard with their releases
    /// that add less power) follows how hard it was struck: keys placed 0–18 dB down.
    @Test("a press's loudness ranks it among this keyboard's presses heard with their releases")
    func loudness() throws {
        let mix = try TypingFixture.mix(seconds: 40, speechGain: 0, keyGainDB: -18...0, seed: 11)
        let presses = try TypingFixture.detect(mix.samples)
        var pairs: [(gain: Double, loudness: Double)] = []
        for press in presses {
            guard let loudness = press.loudness else { continue }
            #expect((0...1).contains(loudness))
            let nearest = mix.presses.indices.min { abs(mix.presses[$0] - press.time_s) < abs(mix.presses[$1] - press.time_s) }
            if let k = nearest, abs(mix.presses[k] - press.time_s) <= 0.03 { pairs.append((mix.pressGainsDB[k], loudness)) }
        }
        #expect(pairs.count * 10 >= mix.presses.count * 9)
        // Spearman's rank correlation between the gain a key was struck with and its loudness
        // (the 40 Model M keys differ in loudness by themselves by several dB, against the 18 dB
        // range of the gains: measured 0.73; chance gives about 0).
        func ranks(_ x: [Double]) -> [Double] {
            var r = [Double](repeating: 0, count: x.count)
            for (rank, i) in x.indices.sorted(by: { x[$0] < x[$1] }).enumerated() { r[i] = Double(rank) }
            return r
        }
        let a = ranks(pairs.map(\.gain)), b = ranks(pairs.map(\.loudness)), n = Double(pairs.count)
        let d2 = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let rho = 1 - 6 * d2 / (n * (n * n - 1))
        print("loudness against the gain struck: Spearman \(rho) over \(pairs.count) presses")
        #expect(rho >= 0.6)
        let heard = presses.filter(\.releaseHeard).compactMap(\.loudness).sorted()
        #expect(abs(heard[heard.count / 2] - 0.5) <= 0.1)  // a rank among those very presses
    }

    /// Model M typing (presses −12…0 dB, with room noise) through a 16 kHz voice codec, full-band
    /// speech mixed in afterwards; and the same keys heard directly under the same speech.
    static func codedKeysUnderFullBandSpeech(seed: UInt64) throws -> (presses: [Double], mixed: [Float], direct: [Float]) {
        let keys = try TypingFixture.mix(seconds: 60, speechGain: 0, keyGainDB: -12...0, seed: seed)
        let speech = try TypingFixture.mix(seconds: 60, speechGain: 1, speech: .fullBand, typingFrom: 1000)
        let coded = try throughOpus(keys.samples, rate: 16000)
        let mixed = speech.samples.indices.map { speech.samples[$0] + ($0 < coded.count ? coded[$0] : 0) }
        let direct = speech.samples.indices.map { speech.samples[$0] + keys.samples[$0] }
        return (keys.presses, mixed, direct)
    }

    /// `samples` (48 kHz) resampled to `rate` and through Opus at 24 kb/s, decoded at 48 kHz.
    static func throughOpus(_ samples: [Float], rate: Int) throws -> [Float] {
        let scratch = try ScratchFolder("candor-keys")
        let raw = scratch.path("mix.f32")
        try samples.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: URL(fileURLWithPath: raw))
        return try Tools.ffmpegSamples(scratch.make("mix.webm", ["-f", "f32le", "-ar", "48000", "-ac", "1", "-i", raw,
                                                                  "-ar", "\(rate)", "-c:a", "libopus", "-b:a", "24k"]), rate: 48000)
    }

    /// Speech has transients of its own (plosive bursts, fricative onsets), but they come alone;
    /// a key press comes with its release. What Candor reports inside speech is the paired ones.
    @Test("speech alone: lone transients, hardly any press–release pairs", arguments: ["librivox", "alsa"])
    func speechAlone(speech: String) throws {
        let mix = try TypingFixture.mix(seconds: 30, speechGain: 1, speech: speech == "alsa" ? .fullBand : .librivox, typingFrom: 100)
        let found = try TypingFixture.detect(mix.samples)
        let paired = found.filter(\.releaseHeard)
        print("keystrokes in speech alone (\(speech)): \(found.count) transients, \(paired.count) with a release at \(paired.map { String(format: "%.2f", $0.time_s) })")
        #expect(Double(paired.count) <= 0.2 * 30, "at most one paired false press per 5 s of continuous speech")
        // No typing, so no presses heard with their releases to learn what this keyboard's
        // presses sound like: no faint onset can sound like one.
        #expect(found.filter(\.faint).isEmpty)
    }

    /// Presses struck softly under speech rise less than the adaptive threshold asks. Those that
    /// sound like this recording's presses heard with their releases are reported as faint
    /// presses; the speech's transients under the threshold mostly are not.
    @Test("faint onsets: presses under the threshold that sound like this keyboard's are reported")
    func faintPresses() throws {
        // Typing under speech through a 16 kHz voice codec. At the default threshold a minute
        // of it has a faint press or two (the benchmark: about one in 200 presses), so the
        // threshold is raised to 15 MADs, making many presses faint — and the speech's
        // transients between the two thresholds with them.
        let mix = try Self.softTypingThroughCodec()
        var strict = KeystrokeSettings()
        strict.thresholdMADs = 15
        strict.faintTestShare = 1  // faint by the threshold only (see `shortOfTheTests`)
        var off = strict
        off.faintThresholdMADs = off.thresholdMADs
        let (without, faint, hits, before, after) = try Self.compareFaint(mix, with: strict, without: off, "faint presses")
        #expect(faint >= 10)
        #expect(hits >= 0.75 * Double(faint))
        #expect(after.f1 >= before.f1)
        // A bar of 1 turns each test off (the configuration's `impulsive_press_share`,
        // `loud_press_share`, `faint_press_typicality` and `joint_press_share` say so): with all
        // four, none.
        var barred = strict
        barred.faintPressTests.typicality = 1
        barred.faintPressTests.impulsiveness = 1
        barred.faintPressTests.loudShare = 1
        barred.faintPressTests.jointShare = 1
        #expect(try TypingFixture.detect(mix.samples, settings: barred) == without)
        // The joint test alone: typicality and loudness, each perhaps middling, taken together.
        var joint = barred
        joint.faintPressTests.jointShare = strict.faintPressTests.jointShare
        let (_, jointFaint, jointHits, _, jointAfter) = try Self.compareFaint(mix, with: joint, without: off, "faint presses, joint test alone")
        #expect(jointFaint >= 5)
        #expect(jointHits >= 0.75 * Double(jointFaint))
        #expect(jointAfter.f1 >= before.f1)
    }

    /// A faint onset a dwell time after a press heard without its release is that press's
    /// release, quieter than the press as releases are — not a press of its own, however much
    /// it sounds like one. Soft typing under speech through a 16 kHz voice codec, releases 10 dB
    /// below their presses, the threshold raised so that many releases are faint. (Two minutes:
    /// one minute held 9–10 such releases, too few to measure the rule by; over two the rule
    /// leaves half of them, 10 of 20 — 8 of 17 with the first estimate of the dwell time.)
    @Test("faint onsets: a dwell time after a press heard alone, its release, not a press")
    func faintReleasesOfLonePresses() throws {
        let raw = try TypingFixture.mix(seconds: 120, speechGain: 1, keyGainDB: -18...0, seed: 5, releaseGain: 0.3)
        let samples = try Self.throughOpus(raw.samples, rate: 16000)
        var strict = KeystrokeSettings()
        strict.thresholdMADs = 15
        var off = strict
        off.faintReleasesOfLonePresses = false
        func run(_ settings: KeystrokeSettings) throws -> (releases: Int, presses: Int, f1: Double) {
            let found = try TypingFixture.detect(samples, settings: settings)
            let faint = found.filter(\.faint).map(\.time_s)
            let isPress = { (t: Double) in raw.presses.contains { abs($0 - t) <= 0.03 } }
            return (faint.filter { t in !isPress(t) && raw.releases.contains { abs($0 - t) <= 0.03 } }.count,
                    faint.filter(isPress).count, TypingFixture.score(found.map(\.time_s), raw.presses).f1)
        }
        let on = try run(strict), without = try run(off)
        print("faint releases reported as presses: \(on.releases) (each judged on its own \(without.releases)); faint presses \(on.presses) (\(without.presses)); F1 \(on.f1) (\(without.f1))")
        #expect(without.releases >= 15)
        #expect(2 * on.releases <= without.releases)
        #expect(on.presses + 3 >= without.presses)
        #expect(on.f1 > without.f1)
    }

    /// The evidence a lone onset's higher trace a dwell time after it gives: from how often the
    /// recording's sure presses and sure other lone sounds show it, shrunk towards no
    /// difference, never for a release, and nothing from too few.
    @Test("partner evidence: calibrated on the sure lone onsets, shrunk, one-sided")
    func partnerAfterEvidenceCalibration() {
        let evidence = { (presses: (after: Int, all: Int), others: (after: Int, all: Int)) in
            KeystrokeDetector.partnerAfterEvidence(presses: presses, others: others, priorCount: 10, minimumSure: 10)
        }
        // Too few sure presses or others: nothing.
        #expect(evidence((3, 3), (0, 40)) == 0)
        #expect(evidence((30, 40), (0, 9)) == 0)
        // No difference: nothing; presses showing it less often: nothing either (one-sided).
        #expect(abs(evidence((20, 40), (20, 40))) < 1e-12)
        #expect(evidence((10, 40), (30, 40)) == 0)
        // Presses showing it more often: for a press, less than the raw ratio says, nearer it
        // with more examples.
        let few = evidence((15, 20), (8, 20)), many = evidence((150, 200), (80, 200))
        let raw = log(0.4 / 0.75)
        #expect(few < 0 && few > raw)
        #expect(many < few && many > raw)
        #expect(abs(many - raw) < 0.1)
    }

    /// Where a recording's sure lone presses show their release's trace a dwell time later more
    /// often than its release-shaped lone sounds (a peak of the onset function too low to be an
    /// onset), a lone press whose shape leaves it in doubt counts for its trace: four minutes of
    /// soft typing under speech (keys −24…0 dB, releases 6 dB below their presses). On one-minute
    /// recordings through Opus, those with too few sure lone onsets of either kind are labelled
    /// as the shape gives them.
    @Test("lone presses in doubt: the trace of their release a dwell time later speaks for them")
    func lonePartnerEvidence() throws {
        var off = KeystrokeSettings()
        off.lonePartnerEvidence = false
        let mix = try TypingFixture.mix(seconds: 240, speechGain: 1, keyGainDB: -24...0, seed: 3, releaseGain: 0.5)
        let detector = try KeystrokeDetector(settings: .init())
        let a = try TypingFixture.detect(mix.samples, settings: off).map(\.time_s)
        let b = TypingFixture.detect(mix.samples, with: detector).map(\.time_s)
        let (scoreA, scoreB) = (TypingFixture.score(a, mix.presses), TypingFixture.score(b, mix.presses))
        let (hitsA, hitsB) = ((scoreA.recall * Double(mix.presses.count)).rounded(), (scoreB.recall * Double(mix.presses.count)).rounded())
        print("soft typing under speech, 4 min: evidence \(detector.partnerAfterEvidence ?? .nan), presses found \(hitsA) → \(hitsB) of \(mix.presses.count), F1 \(scoreA.f1) → \(scoreB.f1)")
        #expect((detector.partnerAfterEvidence ?? 0) < 0)
        // Five or more presses more until session 28; since the shape evidence counts as
        // confusion only what lies beyond its classes' overlap (session 29), it decides most of
        // the lone onsets it used to leave in doubt itself: 601 → 602 here (on the benchmark the
        // trace still adds 0.0007, no family lower by more than 0.0002: bench/README step 41).
        #expect(hitsB >= hitsA)
        #expect(scoreB.f1 >= scoreA.f1)
        let minimum = KeystrokeSettings().partnerMinimumSure
        var tooFew = 0
        for seed in [3, 5, 9, 11, 13] as [UInt64] {
            let short = try TypingFixture.mix(seconds: 60, speechGain: 1, keyGainDB: -18...0, seed: seed, releaseGain: 0.3)
            let samples = try Self.throughOpus(short.samples, rate: 16000)
            let shortDetector = try KeystrokeDetector(settings: .init())
            let with = TypingFixture.detect(samples, with: shortDetector).map(\.time_s)
            let counts = try #require(shortDetector.partnerSureCounts)
            print("one minute through Opus, seed \(seed): sure lone onsets \(counts), evidence \(shortDetector.partnerAfterEvidence ?? .nan)")
            guard min(counts.presses, counts.others) < minimum else { continue }
            tooFew += 1
            let without = try TypingFixture.detect(samples, settings: off).map(\.time_s)
            #expect(shortDetector.partnerAfterEvidence == 0, "seed \(seed)")
            #expect(with == without, "seed \(seed)")
        }
        #expect(tooFew >= 2)
    }

    /// The pairs timing alone decodes teach the press/release discriminant; some are decoded
    /// out of phase, their labels swapped, and the share swapped is measured against the pairs
    /// whose press has no other onset in the 0.2 s before it (they cannot be). On the Model M
    /// (releases distinct from presses) few are, and the correction changes little; turned off,
    /// nothing is measured. (What it does on keyboards whose presses and releases sound alike is
    /// measured on the benchmark's real keyboards: `bench/README.md`, step 23.)
    @Test("swapped pairs: their share measured, small where timing alone is mostly right")
    func swappedPairsMeasured() throws {
        var off = KeystrokeSettings()
        off.correctSwappedPairs = false
        for seed in [7, 9] as [UInt64] {
            let mix = try TypingFixture.mix(seconds: 90, seed: seed)
            let detector = try KeystrokeDetector(settings: .init()), uncorrected = try KeystrokeDetector(settings: off)
            let b = TypingFixture.detect(mix.samples, with: detector).map(\.time_s)
            let a = TypingFixture.detect(mix.samples, with: uncorrected).map(\.time_s)
            let (scoreA, scoreB) = (TypingFixture.score(a, mix.presses), TypingFixture.score(b, mix.presses))
            let share = try #require(detector.swappedPairShare)
            print("typing under speech, seed \(seed): swapped \(share), F1 \(scoreA.f1) → \(scoreB.f1)")
            #expect(share > 0 && share < 0.1)
            #expect(uncorrected.swappedPairShare == 0)
            #expect(abs(scoreB.f1 - scoreA.f1) < 0.02)
        }
    }

    /// A press struck softly under speech stands out of the speech in some shape bands only; in
    /// the others its measured shape is the speech's, which can make it look like a release and
    /// drop it from the decoding. Told apart on the bands it was observed in instead.
    @Test("a press heard in some bands only is told from a release on those bands")
    func releaseOnObservedBands() throws {
        // (Both without step 42's cost of a lone release amid clear typing: with it, seed 4 gives
        // 0.919 → 0.917, one press fewer, and the other four +0.003 to +0.011 — session 31.)
        var on = KeystrokeSettings()
        on.loneReleaseCostAmidTyping = 0
        var off = on
        off.releaseObservedShare = 1
        var before = (hits: 0.0, found: 0), after = before
        for seed in [1, 2, 4, 6, 8] as [UInt64] {
            let mix = try TypingFixture.mix(seconds: 60, speechGain: 1, keyGainDB: -18...0, seed: seed)
            let a = try TypingFixture.detect(mix.samples, settings: off).map(\.time_s)
            let b = try TypingFixture.detect(mix.samples, settings: on).map(\.time_s)
            let (scoreA, scoreB) = (TypingFixture.score(a, mix.presses), TypingFixture.score(b, mix.presses))
            print("soft typing under speech, seed \(seed): F1 \(scoreA.f1) → \(scoreB.f1)")
            // Never worse on any of the five mixes (the benchmark: a few recordings lose 0.005–0.01)…
            #expect(scoreB.f1 >= scoreA.f1 - 1e-9, "seed \(seed)")
            before.hits += scoreA.precision * Double(a.count); before.found += a.count
            after.hits += scoreB.precision * Double(b.count); after.found += b.count
        }
        // …and more presses found over them, not at the cost of more other sounds.
        #expect(after.hits >= before.hits + 3)
        #expect(Double(after.found) - after.hits <= Double(before.found) - before.hits)
    }

    typealias Score = (precision: Double, recall: Double, f1: Double)

    /// Soft typing (presses −18…0 dB) under speech through a 16 kHz voice codec.
    static func softTypingThroughCodec() throws -> (presses: [Double], samples: [Float]) {
        let mix = try TypingFixture.mix(seconds: 60, speechGain: 1, keyGainDB: -18...0, seed: 5)
        return (mix.presses, try throughOpus(mix.samples, rate: 16000))
    }

    /// Presses found `with` faint onsets and `without` them: what holds of every faint press
    /// (the other presses are the same — faint onsets take no part in the decoding — and sorted;
    /// never confident, never with a release), and how many there are, how many at a press,
    /// and the scores before and after.
    static func compareFaint(_ mix: (presses: [Double], samples: [Float]), with: KeystrokeSettings, without: KeystrokeSettings,
                             _ label: String) throws
        -> (without: [Keystroke], faint: Int, hits: Double, before: Score, after: Score) {
        let found = try TypingFixture.detect(mix.samples, settings: with)
        let baseline = try TypingFixture.detect(mix.samples, settings: without)
        #expect(baseline.filter(\.faint).isEmpty)
        let faint = found.filter(\.faint)
        #expect(found.filter { !$0.faint } == baseline)
        #expect(faint.allSatisfy { $0.confidence < 0.5 && !$0.releaseHeard })
        #expect(zip(found, found.dropFirst()).allSatisfy { $0.time_s <= $1.time_s })
        let hits = TypingFixture.score(faint.map(\.time_s), mix.presses).precision * Double(faint.count)
        let before = TypingFixture.score(baseline.map(\.time_s), mix.presses), after = TypingFixture.score(found.map(\.time_s), mix.presses)
        print("\(label): \(faint.count), \(Int(hits.rounded())) at a press; recall \(before.recall) → \(after.recall), F1 \(before.f1) → \(after.f1)")
        return (baseline, faint.count, hits, before, after)
    }

    /// A press struck softly under speech lifts the band less than the rise test asks, and the
    /// speech sounding on after it keeps the band up against the decay test. Onsets short of
    /// either test that pass it at `faintTestShare` of its bars are faint onsets too.
    @Test("faint onsets: presses short of the rise or decay test that sound like this keyboard's are reported")
    func shortOfTheTests() throws {
        // Typing under speech through a 16 kHz voice codec. At the default bars a minute of it
        // has hardly a press short of them (the benchmark: about one in 100 presses, most on
        // other keyboards), so both tests are made twice as strict, making many presses short of
        // them — and speech's transients with them — and half of each bar is the defaults again.
        let mix = try Self.softTypingThroughCodec()
        var settings = KeystrokeSettings()
        settings.faintThresholdMADs = settings.thresholdMADs  // faint by the rise and decay tests only
        settings.minimumRiseDB *= 2
        settings.minimumRiseFraction = 0.95
        settings.minimumDecayDB *= 2
        settings.minimumFallenFraction = 0.95
        var off = settings
        off.faintTestShare = 1
        let (_, faint, hits, before, after) = try Self.compareFaint(mix, with: settings, without: off,
                                                                     "faint presses short of the rise or decay test")
        #expect(faint >= 10)
        // Mostly presses (on the benchmark's real keyboards at the default bars, 85 %; here, with
        // the bars doubled, speech's sounds short of them come in more often), and more found.
        #expect(hits >= 0.6 * Double(faint))
        #expect(after.f1 > before.f1)
    }

    /// A desk knock (``TypingFixture/deskKnock(peak:contactDB:using:)``: a knuckle's broadband
    /// contact setting the desk top ringing low) is no key: its 50–400 Hz energy dominates and
    /// arrives with the transient. Knocks in the pauses between bursts of typing, each as loud as
    /// the loudest press with its contact 15–25 dB below its ringing, with the knock test and
    /// without it (`knockMarginDB` infinite). Lone onsets are labelled by timing alone here (no
    /// shape model), so that what the knock test leaves through is not then told for a release
    /// by its shape instead. (Under voiced speech, which has 50–400 Hz energy of its own, a
    /// knock's low rise is masked and the test seldom applies: there a knock is left to the tests
    /// every click must pass.)
    @Test("desk knocks between bursts of typing are not taken for presses")
    func deskKnocks() throws {
        var mix = try TypingFixture.mix(seconds: 120, speechGain: 0, seed: 5)
        var generator = SeededRandom(seed: 11)
        let keyPeak = try TypingFixture.keySounds().map { $0.press.map { abs($0) }.max() ?? 0 }.max() ?? 1
        // Halfway through each pause of a second or more: at least half a second from any key.
        let knocks = zip(mix.presses, mix.presses.dropFirst()).filter { $1 - $0 >= 1 }.map { ($0 + $1) / 2 }
        for time in knocks {
            let knock = TypingFixture.deskKnock(peak: keyPeak, contactDB: Double.random(in: 15...25, using: &generator), using: &generator)
            let start = Int(time * 48000)
            for (i, v) in knock.enumerated() where start + i < mix.samples.count { mix.samples[start + i] += v }
        }
        func run(_ settings: KeystrokeSettings) throws -> (knocks: Int, f1: Double) {
            let found = try TypingFixture.detect(mix.samples, settings: settings).map(\.time_s)
            return (knocks.filter { knock in found.contains { abs($0 - knock) <= 0.03 } }.count, TypingFixture.score(found, mix.presses).f1)
        }
        var timing = KeystrokeSettings()
        timing.shapeModelMinimumPairs = .max
        var noTest = timing
        noTest.knockMarginDB = .infinity
        let (with, without) = (try run(timing), try run(noTest))
        print("desk knocks: \(with.knocks) of \(knocks.count) taken for presses (without the knock test \(without.knocks)); F1 \(with.f1) (without \(without.f1))")
        #expect(knocks.count >= 10)
        #expect(Double(without.knocks) >= 0.2 * Double(knocks.count))  // sharp enough to pass for keys otherwise
        #expect(Double(with.knocks) <= 0.1 * Double(knocks.count))
        #expect(with.f1 > without.f1)
    }
}

/// How impulsive a click is, on synthetic sounds with known energy envelopes (no fixture needed).
@Suite("Keystroke impulsiveness")
struct ImpulsivenessTests {
    /// A click (noise dying away with a 0.7 ms time constant) delivers nearly all its energy
    /// within 2 ms; the same click followed by 30 ms of noise 6 dB down dying away over 15 ms (a
    /// plosive's burst and aspiration) does not: about 0.35 / (0.35 + 1.9) of its energy is the
    /// click's.
    @Test("a click's energy arrives within 2 ms; a burst with an aspiration's tail spreads it")
    func clickAndBurst() throws {
        let rate = 48000.0
        var generator = SeededRandom(seed: 7)
        func noise() -> Float { Float.random(in: -1...1, using: &generator) }
        var samples = (0..<Int(12 * rate)).map { _ in 1e-4 * noise() }
        var clicks: [Double] = [], bursts: [Double] = []
        for (k, start) in stride(from: 0.5, to: 11.5, by: 0.37).enumerated() {
            let first = Int(start * rate)
            for i in 0..<Int(0.006 * rate) { samples[first + i] += 0.3 * noise() * Float(exp(-Double(i) / rate / 0.0007)) }
            if k % 2 == 1 {
                for i in Int(0.002 * rate)..<Int(0.032 * rate) {
                    samples[first + i] += 0.15 * noise() * Float(exp(-Double(i) / rate / 0.015))
                }
                bursts.append(start)
            } else {
                clicks.append(start)
            }
        }
        let detector = try KeystrokeDetector(settings: .init())
        detector.process(samples)
        let found = detector.finish()
        func measured(_ times: [Double]) -> [Double] {
            times.compactMap { t in found.first { abs($0.time_s - t) <= 0.01 }?.impulsiveness }
        }
        let clickValues = measured(clicks), burstValues = measured(bursts)
        print("impulsiveness: clicks \(clickValues.sorted()), bursts \(burstValues.sorted())")
        #expect(clickValues.count * 10 >= clicks.count * 9 && burstValues.count * 10 >= bursts.count * 9)
        #expect(clickValues.allSatisfy { $0 >= 0.85 })
        #expect(burstValues.allSatisfy { $0 <= 0.4 })
    }
}


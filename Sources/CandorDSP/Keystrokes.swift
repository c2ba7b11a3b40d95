import Foundation

/// One key press heard in the audio.
public struct Keystroke: Sendable, Equatable, Codable {
    /// Media time of the press's onset.
    public var time_s: Double
    /// 0…1: how far the transient stands above the adaptive threshold.
    public var confidence: Double
    /// Strength of the transient (high-band spectral flux, dB summed over bins).
    public var strength: Double
    /// Whether the key's release was heard too (a second click a dwell time later). Speech
    /// has lone transients (plosive bursts) but no press–release pairs.
    public var releaseHeard: Bool
    /// Whether its release, had there been one, would probably have been too quiet to hear: this
    /// keyboard's releases are usually ``KeystrokeDetector/releaseDropDB`` quieter than its
    /// presses (median over the pairs heard), and this press stood too little above what was
    /// sounding before it for a release that much quieter to rise `minimumRiseDB` above that.
    /// A missing release then says little.
    public var releaseMasked: Bool
    /// How typical its spectral shape is of this recording's presses heard with their releases
    /// (``PressTemplate/typicality(_:)``: the share of those presses less typical; measured on
    /// the bands where the click stands out of what sounded before it, see
    /// ``KeystrokeSettings/typicalityObservedShare``), or `nil` without enough of them.
    public var typicality: Double?
    /// How loud it is for this keyboard: the share of this recording's presses heard with their
    /// releases that add less power than it does (the level a click adds over what sounded before
    /// it, mean over the shape bands), or `nil` without enough of them.
    public var loudness: Double?
    /// How impulsive it is: the share of its energy in the onset band, from
    /// ``KeystrokeDetector/impulseWindowBefore_s`` before its onset to
    /// ``KeystrokeDetector/impulseWindowAfter_s`` after, that arrives within its loudest
    /// ``KeystrokeDetector/impulsePeak_s`` (0…1), or `nil` where the audio did not reach. A key's
    /// impact delivers its energy at once; speech sounds (a fricative, a plosive's burst and
    /// aspiration) spread theirs over tens of milliseconds.
    public var impulsiveness: Double?
    /// Whether it was heard only as another key's release: one onset a dwell time after a
    /// press, taken for a release and for a press landing on it because a release-shaped sound
    /// followed it a dwell time later (fast typing). That later sound is all that was heard of
    /// its own release (``releaseHeard`` is true).
    public var pressedOnRelease: Bool
    /// Whether its onset was *faint* — below the adaptive threshold (down to
    /// ``KeystrokeSettings/faintThresholdMADs``), or short of the rise or decay test
    /// (``KeystrokeSettings/faintTestShare``): left out of the press/release decoding and
    /// reported only because it sounds like this keyboard's presses on its own
    /// (``KeystrokeSettings/faintPressTests``). Its `confidence` is below 0.5.
    public var faint: Bool

    public init(time_s: Double, confidence: Double, strength: Double, releaseHeard: Bool = false,
                releaseMasked: Bool = false, typicality: Double? = nil, loudness: Double? = nil,
                impulsiveness: Double? = nil, pressedOnRelease: Bool = false, faint: Bool = false) {
        self.time_s = time_s
        self.confidence = confidence
        self.strength = strength
        self.releaseHeard = releaseHeard
        self.releaseMasked = releaseMasked
        self.typicality = typicality
        self.loudness = loudness
        self.impulsiveness = impulsiveness
        self.pressedOnRelease = pressedOnRelease
        self.faint = faint
    }

    private enum CodingKeys: String, CodingKey {
        case time_s, confidence, strength, releaseHeard, releaseMasked, typicality, loudness, impulsiveness, pressedOnRelease, faint
    }

    /// Keystrokes written before a field existed decode with its default (`false`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(time_s: try container.decode(Double.self, forKey: .time_s),
                  confidence: try container.decode(Double.self, forKey: .confidence),
                  strength: try container.decode(Double.self, forKey: .strength),
                  releaseHeard: try container.decodeIfPresent(Bool.self, forKey: .releaseHeard) ?? false,
                  releaseMasked: try container.decodeIfPresent(Bool.self, forKey: .releaseMasked) ?? false,
                  typicality: try container.decodeIfPresent(Double.self, forKey: .typicality),
                  loudness: try container.decodeIfPresent(Double.self, forKey: .loudness),
                  impulsiveness: try container.decodeIfPresent(Double.self, forKey: .impulsiveness),
                  pressedOnRelease: try container.decodeIfPresent(Bool.self, forKey: .pressedOnRelease) ?? false,
                  faint: try container.decodeIfPresent(Bool.self, forKey: .faint) ?? false)
    }
}

/// Settings of ``KeystrokeDetector``.
public struct KeystrokeSettings: Sendable, Equatable, Codable {
    /// Analysis rate (Hz). Key transients carry energy to 12 kHz and beyond.
    public var sampleRateHz: Double = 48000
    /// The transient band: most keystroke energy lies between about 0.4 and 12 kHz; the lower
    /// part is shared with speech, so onsets are measured from `bandLowHz` up. Above 12 kHz
    /// speech is quiet and a click's treble still stands out over it (measured: presses under
    /// speech are found more often with the band to 20 kHz than to 12 kHz).
    public var bandLowHz: Double = 2000
    public var bandHighHz: Double = 20000
    /// Band bins whose recent peak level is this far below the band's loudest (dB) carry no
    /// signal — a codec's stopband above its bandwidth, e.g. 8–24 kHz of a 16 kHz voice codec —
    /// and are left out of the band's averages (the onset function, the rise and decay shares).
    public var deadBinMarginDB: Double = 80
    /// Adaptive whitening (Stowell & Plumbley, 2007): a bin's level counts from no lower than
    /// this far below its own recent peak (dB), so that what a bin does far below the level it
    /// recently carried — a codec's flickering top band, noise at the floor — does not count as
    /// rises, while a click still rises from there to its own peak.
    public var whiteningFloorDB: Double = 40
    /// Analysis step (s): onsets are placed to within about one step.
    public var hopSeconds: Double = 0.004
    /// A transient must rise this far (dB, band level) within `riseSeconds`.
    public var minimumRiseDB: Double = 9
    public var riseSeconds: Double = 0.006
    /// A bin has risen when it is this much louder than `riseSeconds` (plus a step) before (dB).
    public var binRiseDB: Double = 6
    /// …or this share of the band's bins rises by `binRiseDB` (default 0.6).
    public var minimumRiseFraction: Double = 0.6
    /// …and stand this far above the band's local floor (dB).
    public var minimumAboveFloorDB: Double = 12
    /// Adaptive threshold: local median + `thresholdMADs` × local median absolute deviation of
    /// the onset function, over ±`thresholdWindowSeconds`.
    public var thresholdMADs: Double = 6
    public var thresholdWindowSeconds: Double = 0.5
    /// *Faint* onsets — below that threshold, down to this many MADs, passing every other
    /// test — are left out of the press/release decoding (where a quiet release or speech sound
    /// would upset the pairing of the onsets around it) and reported as presses only when, on
    /// their own, they sound like this recording's presses: not release-shaped (the shape
    /// model's evidence, so only once it is learnt), no nearer another onset than a release
    /// can follow it (`releaseMinimumSeconds`) nor at an echo delay after it, and passing one of
    /// the tests a press without its release must pass inside speech (`faintPressTests`, the
    /// keyboard detector's, the shape bar stricter): at least 0.4 typical of the presses heard
    /// with their releases; or as loud as half of them and at least 0.05 typical; or typical
    /// and loud enough taken together (0.05); or impulsive (at least 0.7 of the energy within
    /// its loudest 2 ms, see ``Keystroke/impulsiveness``) and no quieter than 0.05 of those
    /// presses (see ``LonePressTests``). Speech's transients under the threshold seldom are
    /// (measured on the benchmark: of the 3 571 faint onsets apart from other onsets on two
    /// seeds, 229 were presses; the first two tests kept 54 presses and 2 other sounds, on two
    /// held-out seeds 59 and 10; the third 25 and 3 more, held out 19 and 3).
    /// `thresholdMADs` or more: none.
    ///
    /// Onsets above the threshold that fall short of the rise test (`minimumRiseDB`,
    /// `minimumRiseFraction`) or of the decay test (`minimumDecayDB`, `minimumFallenFraction`)
    /// but pass it at `faintTestShare` of its bars are faint onsets too: a quiet press under
    /// speech lifts the band less, and speech sounding on after it keeps the band up (measured
    /// on the benchmark with a share of 0.5: of the presses missed through the meeting codec on
    /// two seeds, 83 fell short of the rise test and 45 of the decay test; over all cases these
    /// faint onsets kept 153 more presses and 27 other sounds, on two held-out seeds 139 and 23).
    /// 1: none.
    public var faintThresholdMADs: Double = 3.5
    public var faintTestShare: Double = 0.5
    public var faintPressTests = LonePressTests(typicality: 0.4, loudShare: 0.5, loudTypicality: 0.05, jointShare: 0.05,
                                               impulsiveness: 0.7, impulsiveLoudness: 0.05)
    /// A faint onset after a press heard without its release, as far after it as this typist's
    /// releases follow their presses (the decoding would pair them), is that press's release —
    /// quieter than its press, as releases are — not a press of its own. `false`: judged on its
    /// own.
    public var faintReleasesOfLonePresses = true
    /// A press heard without its release (a lone or a faint onset) often still leaves a trace of
    /// it: a peak of the onset function a dwell time later (within two spreads), too low to be
    /// an onset. Where that place holds a higher peak than the same place before the onset (where
    /// a release's own press would be), it counts for a press, by how much more often that is so
    /// for this recording's lone onsets whose shape leaves no doubt (release evidence in the outer
    /// half of what the discriminant can give: presses) than for those whose shape says release
    /// (the outer half the other way), as a log likelihood ratio — both shares drawn towards
    /// their pooled share (`partnerPriorCount`), nothing with too few sure onsets
    /// (`partnerMinimumSure`), never for a release. A higher peak *before* is not
    /// counted the other way: the previous key's release lands there about as often (flight
    /// times are of the order of dwell times), and counting it cost more presses than it saved
    /// (`bench/README.md`, step 26). `false`: the shape alone.
    public var lonePartnerEvidence = true
    /// A lone onset is reported as a press while its release evidence (with its partner
    /// evidence) is at most this (log ratio): lone presses outnumber lone releases, so where the
    /// shape leans only a little towards release a lone onset is still more often a press. On
    /// the benchmark's seed 1 (93 recordings, the lone onsets labelled by the truth) presses
    /// outnumber releases among those with evidence 0–0.25 (136 to 74) and 0.25–0.5 (100 to
    /// 63), releases those with 0.5–0.75 (83 to 62) and beyond: the two are equally common at
    /// about 0.5 (`bench/README.md`, step 44). 0: whichever the shape says.
    public var lonePressEvidenceBar = 0.5
    /// How many examples' worth each of the two shares is drawn towards their pooled share.
    public var partnerPriorCount: Double = 10
    /// How many lone onsets of each kind must be sure for the evidence to count at all (a few
    /// say little: on three one-minute test recordings with two to four sure presses each, the
    /// evidence unshrunk made 19 false presses for 5 true ones).
    public var partnerMinimumSure: Int = 10
    /// A quiet press under speech stands out of what sounded before it in some shape bands only
    /// (by `typicalityObservedRiseDB`, power at its peak over the power before it); in the
    /// others its shape is the speech's. Its typicality (``Keystroke/typicality``) is measured
    /// on the bands it was observed in, when they are at least `typicalityObservedShare` of the
    /// shape bands (``PressTemplate/typicality(_:observed:minimumObservedShare:)``); with fewer,
    /// on all of them. 1: always on all of them (measured on the benchmark, same recordings:
    /// all 0.9454 → 0.9491 with 0.75, 235 presses more and 67 other sounds; on two held-out
    /// seeds 0.9443 → 0.9481, 237 and 66).
    public var typicalityObservedRiseDB: Double = 3
    public var typicalityObservedShare: Double = 0.75
    /// Likewise whether a click sounds like a press or a release (``PressReleaseModel``): with
    /// at least `releaseObservedShare` of the shape bands observed (and not all), the
    /// discriminant is refitted on the timed pairs' shapes over those bands and the click is
    /// told apart on them; with fewer, on all bands. 1: always on all of them (measured on the
    /// benchmark, same recordings: all 0.9491 → 0.9518 with 0.75, 118 presses more and 12 other
    /// sounds fewer; on two held-out seeds 0.9481 → 0.9498, 95 and 14).
    public var releaseObservedShare: Double = 0.75
    /// Two onsets closer than this are one (keeps the stronger).
    public var minimumInterOnsetSeconds: Double = 0.025
    /// Many keys make more than one sound per stroke — a tactile switch's bump before it
    /// bottoms out, a release's top-out, a stabiliser's rattle: a quieter transient a fixed time
    /// after the main one. Such *echo delays* are learnt from the recording: gaps of up to
    /// `echoMaximumSeconds` from an onset to a next one at least `echoMarginDB` quieter (band
    /// level) that pile up at one value (±1 analysis step): at least `echoMinimumCount` of them,
    /// and more than chance allows (Poisson tail below `echoSignificance`) given how many gaps
    /// fall just either side of it — independent keys and releases spread out. Onsets at a
    /// learnt delay after a louder one are then part of that sound.
    public var echoMaximumSeconds: Double = 0.08
    public var echoMarginDB: Double = 3
    public var echoMinimumCount: Int = 10
    public var echoSignificance: Double = 0.001
    /// Echoes sooner than this are folded into the sound before press and release are told
    /// apart: keys are held longer (hold times under 50 ms are rare in keystroke-dynamics data).
    /// A later echo could be a release, so it only never counts as a press of its own.
    public var echoFoldSeconds: Double = 0.045
    /// A key's release follows its press after this range of dwell times and is not a press.
    /// (Where the dwell time is learnt again, `relearnDwell`, a typist who holds keys longer
    /// widens the range to the learnt centre plus three spreads.)
    public var releaseMinimumSeconds: Double = 0.03
    public var releaseMaximumSeconds: Double = 0.2
    /// Low-frequency thumps (desk knocks) whose 50–400 Hz level exceeds the transient band's by
    /// this much are not keys (dB).
    public var knockMarginDB: Double = 6
    /// The band level 20–40 ms after the onset must be this far below the peak (dB).
    public var minimumDecayDB: Double = 6
    /// …or this share of the bins that rose at the onset is `binRiseDB` quieter 30 ms later.
    public var minimumFallenFraction: Double = 0.7
    /// Press and release are told apart by spectral shape once this many press–release pairs
    /// teach it (see ``PressReleaseModel``), and only if their shapes separate by this many
    /// deviations on held-out pairs.
    public var shapeModelMinimumPairs: Int = 20
    public var shapeModelMinimumSeparation: Double = 0.5
    /// The discriminant also weighs how loud each click is (the level it adds, dB): many
    /// keyboards' releases are 8–15 dB quieter than their presses, and through a voice codec
    /// that is what still tells them apart when the spectral shapes no longer do. How much it
    /// counts is learnt from the recording's pairs like the shape (next to nothing on a
    /// keyboard whose releases are as loud as its presses). `false`: shape alone.
    public var shapeModelUsesLevel = true
    /// The pairs timing alone decodes teach the discriminant, and some are decoded out of phase
    /// (in fast typing a release is often followed by the next press within a dwell time):
    /// their labels swapped, press for release, they make the two look more alike than they
    /// are, and a keyboard whose presses and releases differ little (Cherry MX Brown through a
    /// voice codec) would get evidence too weak to keep the decoding in phase. A pair whose
    /// press has no other onset in the `releaseMaximumSeconds` before it cannot be swapped
    /// (a release follows its press sooner); with at least `swapEstimateMinimumPairs` of those,
    /// the share swapped is measured against them and the discriminant corrected for it
    /// (``PressReleaseModel/init(presses:releases:minimumPairs:minimumSeparation:unswapped:minimumUnswapped:)``).
    /// `false`: taken as they are.
    public var correctSwappedPairs = true
    public var swapEstimateMinimumPairs = 40
    /// A discriminant learnt from the pairs timing alone decodes that separates presses from
    /// releases by less than this many deviations (it alone would mislabel more than a quarter
    /// of the clicks: 2 × 0.674, the normal quartile) is refined: refitted on the pairs its own
    /// evidence decodes, and the labelling decoded again, up to `shapeModelMaximumRefinements` times
    /// while the refit separates them further and the labelling changes. In fast typing (the next
    /// press within a dwell time of a release) timing alone decodes many pairs out of phase, so
    /// the first discriminant is weak; decoded with it, most pairs come back in phase. Only then:
    /// a discriminant refitted on labels it helped decode measures itself as better than it is,
    /// and one learnt well from timing is not improved by that. 0 turns this off.
    public var shapeModelRefineBelow: Double = 1.35
    public var shapeModelMaximumRefinements = 6
    /// Where the first discriminant falls short of `shapeModelMinimumSeparation`, one that
    /// separates presses from releases by at least this on held-out pairs still seeds that
    /// refinement, and is kept only if refined to `shapeModelRefineBelow` (otherwise the
    /// labelling by timing alone stands). Fast typing through a voice codec can leave timing
    /// alone so far out of phase that its discriminant barely separates them (Holy Panda, Cherry
    /// MX Black: none at all) though the shapes differ. (Where the seed is rejected, the level
    /// seed or the bursts may still give one: `levelSeed`, `burstSeedGapSeconds`.)
    public var shapeModelSeedSeparation: Double = 0
    /// Where neither timing (none, or a seed not refined far enough) nor the level seed
    /// (`levelSeed`, tried first) leaves a discriminant, the bursts of typing teach one: a run
    /// of at least four onsets with none this many seconds before its
    /// first nor after its last begins with a press and ends with a release, whatever order the
    /// keys between went down and up in. Fast typing through a voice codec can leave timing
    /// alone with no discriminant at all where the bursts' ends give one. Held to the bar a
    /// discriminant learnt from timing is (`shapeModelMinimumSeparation`, on held-out bursts),
    /// and refined like one. 0 turns this off.
    public var burstSeedGapSeconds: Double = 0.5
    /// How many bursts that needs: fewer than `shapeModelMinimumPairs` (a 90 s recording of
    /// fast typing has about 18), as each burst's two ends are surer than a pair timing decodes.
    public var burstSeedMinimumPairs = 10
    /// Where timing leaves no discriminant (none, or a seed not refined far enough), the pairs
    /// it decodes whose release is quieter than their press seed one — before the bursts are
    /// tried (`burstSeedGapSeconds`): a recording has far more pairs than bursts. A press
    /// bottoms out, its release does not: most keyboards' releases are quieter (by 6–19 dB on
    /// ten of the benchmark's thirteen real keyboards; within 4 dB either way on the other
    /// three), while a pair decoded out of phase — a press taken for the release of the key
    /// before, struck as hard at random — is quieter half the time; so those pairs are about
    /// half as often out of phase. Held to the bar a discriminant learnt from timing is
    /// (`shapeModelMinimumSeparation`) and refined like one whatever its own separation, which,
    /// measured on pairs chosen by level, overstates it (refitted on the pairs it decodes while
    /// a refit passes that bar). `false` turns this off.
    public var levelSeed = true
    /// The typist's dwell time (how long a key is held: centre and spread), first estimated
    /// from every gap of 30–200 ms between clicks — speech sounds' gaps and the flights from a
    /// release to the next press among them, so too wide where there is much speech — is learnt
    /// again from the pairs decoded amid typing (with the press/release discriminant where one
    /// was learnt, by timing alone where none was), and the labelling decoded once more with
    /// it. A pair's timing score is the log density of its gap under that dwell time, so a
    /// narrower spread also raises the score of a pair that fits it (by the log of how much
    /// narrower); a typist who holds keys long widens the range a release is looked for in
    /// (`releaseMaximumSeconds`) to three spreads past the centre. `false`: the first estimate
    /// stays.
    public var relearnDwell = true
    /// The press/release discriminant's evidence models each class as a mixture with some of
    /// the other (keys whose press sounds like another key's release, pairs decoded wrongly):
    /// the share of its held-out clicks on the wrong side of its midpoint *beyond* what its two
    /// Gaussian classes' own overlap puts there
    /// (``PressReleaseModel/evidenceConfusion``). `false`: the whole wrong-side share, which
    /// counts that overlap twice and leaves a weakly separating discriminant's evidence too
    /// faint to outweigh timing where timing misleads (a typist rolling keys over).
    public var confusionBeyondOverlap = true
    /// Amid clear typing, a release-shaped onset the decoding leaves lone (a release whose press
    /// was not heard) costs this much (log-likelihood units) against pairing it: there a press
    /// is seldom not heard, and a key whose press sounds like a release — four keys in sixty on
    /// the Model M — would otherwise be left lone with its release, both taken for releases,
    /// as soon as the discriminant is sure enough of their shapes. Amid clear typing: within
    /// `learningContextSeconds` of ``loneReleaseContextPairs`` presses of pairs first decoded
    /// without the cost whose release's evidence exceeds its press's by at least half the most
    /// the discriminant gives (``PressReleaseModel/evidenceBound``) — not in speech between
    /// bursts, whose sounds seldom pair that clearly (a cost everywhere made false presses of
    /// them). 0: no cost (a lone onset is whichever it resembles).
    public var loneReleaseCostAmidTyping = 1.0
    /// …that many clear pairs (see ``loneReleaseCostAmidTyping``).
    public var loneReleaseContextPairs = 3
    /// Without a press/release discriminant (none learnt), the decoding tells a press from a
    /// release by timing alone, and a speech sound or a second sound of the stroke between a
    /// press and its release puts it out of phase: the release is decoded as a press of its
    /// own, beside its press. So a press a dwell time after the last press reported — where
    /// that one's release would be, by this typist's dwell times — is reported only if its
    /// typicality and loudness together
    /// (``PressTemplate/jointShare(_:_:)``) are at least this likely of this recording's
    /// presses: releases are quieter and shaped otherwise, presses are spread evenly over both
    /// shares. 0 turns this off; without a press template (too few pairs) it does nothing.
    public var releaseLikeJointShare: Double = 0.1
    /// What the recording teaches about its keyboard — the press and release shapes and levels,
    /// the press template and loudness, the clicks' band — is learnt from the pairs amid typing
    /// only: another pair's press within this many seconds. Speech through a voice codec makes
    /// press–release-like pairs of its own now and then, one at a time; in a recording that is
    /// mostly talk (an interview with a little typing) they would otherwise teach the speech as
    /// the keyboard, and its sounds would then pass for presses. 0: every pair.
    public var learningContextSeconds: Double = 1
    /// With a shape model: a lone release-shaped onset a dwell time after a release means that
    /// release's onset was also a press (fast typing: the next key pressed as the last comes up).
    public var pressesOnReleases = true
    /// …and, on a keyboard whose releases are quieter than its presses by more than that
    /// difference varies, only when the release is nearer a press's level than a release's (it
    /// carries the next key's press). `false`: timing and shape alone.
    public var pressesOnReleasesLevelGate = true
    /// …and only as often as this typist's presses land on releases at all. A press can only
    /// land on a release where the next key is pressed within one onset
    /// (`minimumInterOnsetSeconds`, w) of the last one coming up; how often that happens is
    /// extrapolated from the flight times decoded (each release to the next key's press):
    /// linearly from the counts in [w, 2w) and [2w, 3w) to [0, w) — a slow typist's flight
    /// times rise from zero well above w (none land), a fast one's stay level down to it. The
    /// rule's candidates in a recording then count as presses only when that expected number
    /// of landings is at least half of them (more of them landings than not; otherwise a
    /// release-shaped sound after a release is some other sound: speech, a rattle, the release
    /// of a press not heard). `false`: whenever the tests above pass.
    public var pressesOnReleasesByFlightTimes = true
    /// Press–release pairs also score by how the levels the two clicks add compare, learnt per
    /// recording from the pairs decoded by timing and shape, where releases are distinctly
    /// quieter (or louder) than their presses by more than that varies from key to key: a pair
    /// whose difference does not fit loses score (a release and the next key's press are no
    /// pair). This share of pairs is taken to stray from the learnt difference as far as
    /// unrelated clicks do, which bounds what one pair can lose. 1 turns the comparison off.
    public var levelPairOutliers = 0.1
    /// …and a pair whose difference fits this keyboard's better than two unrelated clicks'
    /// would gains score by as much (the same log ratio, bounded by the mixture too): a release
    /// whose shape the discriminant takes for a press's (some keys' releases are not the
    /// releases it learnt) still pairs with its press when it is as much quieter than it as this
    /// keyboard's releases are. Measured on the benchmark (`bench/README.md`, step 45): of the
    /// 1 582 lone presses reported within 160 ms after a true lone press, 654 were that press's
    /// release, 3.5 dB quieter than it (median), and the true presses 1.9 dB louder.
    /// `false`: a loss only (a good fit is no evidence).
    public var levelPairGain = true
    /// The keyboard may reach the microphone through a narrower channel than the speech over
    /// it — a meeting app's voice codec passes nothing above 8 kHz (16 kHz audio) or 12 kHz
    /// (24 kHz audio), and speech mixed in afterwards fills the band above with sound the clicks
    /// do not lift (or a dull keyboard's clicks have nothing up there). Onsets are therefore also
    /// measured in bands from `bandLowHz` to each of these tops (Hz; those below `bandHighHz`),
    /// and the narrowest band still holding the clicks is used: the top of the highest 1 kHz band
    /// in which this recording's presses heard with their releases (at least
    /// `shapeModelMinimumPairs`, found in the full band) rise a median `clickBandRiseDB` over
    /// what sounded before them, adding power no more than `clickBandMarginDB` below what they
    /// add in their strongest 1 kHz band. Each top lies a little above a codec's edge, so that
    /// its roll-off stays in. Empty: the full band only.
    public var narrowerBandTopsHz: [Double] = [9000, 13000]
    public var clickBandRiseDB: Double = 6
    public var clickBandMarginDB: Double = 60
    /// A transient that also rises (by `clickBandRiseDB`) above that top, adding power there
    /// within this many dB of what it adds in its strongest 1 kHz band below it, is not one of
    /// this recording's clicks and is set aside before presses are picked (`nil`: never): the
    /// keyboard's clicks hardly reach up there (through a voice codec nothing passes above its
    /// edge; eight real keyboards heard directly fade more gently above their top, mostly more
    /// than 20 dB below), while a speech sound mixed in afterwards — a plosive burst, a
    /// fricative's onset — carries its high band within about 20 dB of its low one. A keyboard's
    /// clicks may come nearer than that (one real keyboard's key, uncoded, within 17.5 dB), so
    /// the bar is also kept `aboveClickBandPressMarginDB` below the `aboveClickBandPressQuantile`
    /// quantile of this recording's presses heard with their releases (where the few false pairs
    /// among them cannot pull it down).
    public var aboveClickBandMarginDB: Double? = 20
    public var aboveClickBandPressQuantile: Double = 0.05
    public var aboveClickBandPressMarginDB: Double = 3
    public init() {}
}

/// Finds key presses from their sound: sharp broadband transients (a few ms of attack) in the
/// 2–20 kHz band, picked against an adaptive threshold so speech, fan noise and coding
/// artefacts do not trigger it, with desk knocks (low-frequency) and key releases (a second
/// click 30–200 ms after a press) told apart.
///
/// Streaming: `process(_:)` takes blocks at `sampleRateHz`; per-frame onset measurements (250
/// per second) are kept only for a sliding window of about a minute: frames whose statistics
/// windows are complete are searched for presses as the audio arrives, so memory does not grow
/// with the recording. `finish()` searches the rest and pairs presses with releases.
public final class KeystrokeDetector {
    public let settings: KeystrokeSettings
    private var framer: Framer
    private let fft: RealFFT
    private let window: [Float]
    private var buffer: [Float]
    private var power: [Float]
    /// Log band spectra of the last `ringSlots` frames (a ring, `ringNewest` the latest).
    private var history: [Float]
    /// Per band bin: its level's recent peak (held, falling `liveDecayPerFrame` dB a frame), and
    /// the loudest of those: bins far below it carry nothing (a codec's stopband above its
    /// bandwidth) and do not count in the band's averages.
    private var recentPeak: [Float]
    private var recentLoudest: Float = -200
    private let liveDecayPerFrame: Float
    /// Tests: called per frame with the number of live band bins.
    var frameObserver: ((_ liveBins: Int) -> Void)?
    private var ringNewest = 0
    private let ringSlots: Int
    private let riseFrames: Int
    /// A click's decay is judged this many frames (30 ms) after it.
    private let decayFrames: Int
    private let bandBins: Range<Int>
    private let lowBins: Range<Int>
    private let hopSeconds: Double
    private let firstFrame_s: Double
    /// A peak of the onset function: its frame, and its height over the onset threshold there.
    struct Peak {
        var index: Int32
        var height: Float
    }

    /// One onset band (`bandLowHz` up to a top, ``KeystrokeSettings/narrowerBandTopsHz``): its
    /// per-frame measurements and the onsets found in it.
    private struct Track {
        /// Its top (Hz), and how many of the full band's bins it holds (the lowest ones).
        let top_Hz: Double
        let bins: Int
        /// Per frame from global frame `base` on: onset function (positive log-spectral flux in
        /// the band), band level (dB).
        var flux: [Float] = []
        var bandDB: [Float] = []
        /// Per frame: the share of band bins `binRiseDB` louder than `riseFrames + 1` frames before.
        var riseFraction: [Float] = []
        /// Per frame: of the bins that rose there, the share `binRiseDB` quieter 30 ms later
        /// (filled `decayFrames` behind the other columns).
        var decayFraction: [Float] = []
        /// Onsets found so far (12 shape values and a level each: a few MB for hours of speech transients).
        var candidates: [Candidate] = []
        /// Peaks of the onset function above 0.3 of the faint threshold, with their height over
        /// the threshold (``KeystrokeSettings/lonePartnerEvidence``), in order; those before
        /// `peaksKept` are near an onset and stay.
        var peaks: [Peak] = []
        var peaksKept = 0

        /// Drops the peaks before frame `boundary` (no onset found later can be within `reach`
        /// frames of them) that are farther than `reach` frames from every onset found.
        mutating func prunePeaks(before boundary: Int, reach: Int) {
            var write = peaksKept, read = peaksKept
            while read < peaks.count && Int(peaks[read].index) < boundary {
                let frame = Int(peaks[read].index)
                let nearest = candidates.partitionIndex { $0.index < frame - reach }
                if nearest < candidates.count && candidates[nearest].index <= frame + reach {
                    peaks[write] = peaks[read]
                    write += 1
                }
                read += 1
            }
            if write < read { peaks.removeSubrange(write..<read) }
            peaksKept = write
        }

        mutating func forget(_ frames: Int) {
            flux.removeFirst(frames)
            bandDB.removeFirst(frames)
            riseFraction.removeFirst(frames)
            decayFraction.removeFirst(frames)
        }
    }
    /// The bands, narrowest first; the last is the full band.
    private var tracks: [Track]
    /// The narrower bands' `bins`, ascending (read per bin: a constant, not the mutable `tracks`).
    private let narrowerBins: [Int]
    /// Per frame: low level (dB).
    private var lowDB: [Float] = []
    /// How impulsive a click is (``Keystroke/impulsiveness``) is measured on the waveform: each
    /// band's energy (a 2nd-order Butterworth high-pass at `bandLowHz`, and low-pass at the
    /// band's top below the full band) in bins of `impulseBinSamples`, per track, global bin
    /// `impulseBase` first (kept as long as the frames are).
    public static let impulsePeak_s = 0.002, impulseWindowBefore_s = 0.005, impulseWindowAfter_s = 0.02
    /// The high-pass, then the low-pass of each track that has one (`impulseLowPassed`: not the
    /// full band).
    private var impulseSections: [Biquad]
    private let impulseLowPassed: [Bool]
    private var impulseEnergy: [[Float]]
    private var impulsePartial: [Double]
    private var impulsePartialCount = 0
    private var impulseBase = 0
    private let impulseBinSamples: Int
    private let frameSamples: Int, hopSamples: Int
    /// Per frame: power in 1 kHz bands (`riseBands`) from `bandLowHz` up — where a click rises.
    private var risePower: [Float] = []
    private let riseBands: [Range<Int>]
    private let riseBandTops_Hz: [Double]
    /// Per frame: power in each of `shapeBands` log-spaced bands (1 kHz up), `shapeBands.count`
    /// values a frame — a click's spectral shape, told press from release by ``PressReleaseModel``.
    private var shape: [Float] = []
    private let shapeBands: [Range<Int>]
    /// The lower edge of each shape band (Hz).
    private let shapeBandFloors_Hz: [Double]
    private var base = 0
    /// Frames analysed so far (global).
    private var count: Int { base + lowDB.count }
    /// Blocks of `blockFrames` before this one have been searched.
    private var searchedBlock = 0
    private let blockFrames: Int
    private let reach: Int
    /// Frames searched at a time once enough audio has arrived.
    let segmentFrames: Int
    /// After `finish()`: held-out separation of this recording's press and release shapes
    /// (deviations), or `nil` when no shape model was learnt.
    public private(set) var shapeModelSeparation: Double?
    /// The share of the timed pairs measured as swapped (``KeystrokeSettings/correctSwappedPairs``).
    public private(set) var swappedPairShare: Double?
    /// After `finish()`: how many times that discriminant was refitted on the pairs decoded with
    /// it (``KeystrokeSettings/shapeModelRefineBelow``); its separation above is the first's.
    public private(set) var shapeModelRefinements = 0
    /// After `finish()`: what the press/release discriminant was first learnt from, or `nil`
    /// when none was (``KeystrokeSettings/burstSeedGapSeconds``, ``KeystrokeSettings/levelSeed``).
    public private(set) var shapeModelSource: ShapeModelSource?
    public enum ShapeModelSource: String, Sendable {
        /// The pairs timing alone decodes.
        case timing
        /// The bursts' first and last sounds.
        case bursts
        /// The pairs timing decodes whose release is quieter than their press.
        case levels
    }
    /// After `finish()`: the separation of a discriminant too weak to use that seeded the
    /// refinement and was not kept (``KeystrokeSettings/shapeModelSeedSeparation``), if any.
    public private(set) var rejectedSeedSeparation: Double?
    /// After `finish()`: presses left out as probably releases decoded as presses
    /// (``KeystrokeSettings/releaseLikeJointShare``).
    public private(set) var releaseLikePresses = 0
    /// After `finish()`: how many presses landing on a release the flight times decoded make
    /// likely, and how many releases the rule would take for presses too
    /// (``KeystrokeSettings/pressesOnReleasesByFlightTimes``).
    public private(set) var expectedLandings: Double?
    public private(set) var landingCandidates = 0
    /// After `finish()`: the evidence (log ratio, release over press; 0 or below) a lone or faint
    /// onset's higher trace a dwell time later counted for
    /// (``KeystrokeSettings/lonePartnerEvidence``).
    public private(set) var partnerAfterEvidence: Double?
    /// After `finish()`: how many lone onsets that calibration found surely presses and surely
    /// not (``KeystrokeSettings/partnerMinimumSure`` of each are needed).
    public private(set) var partnerSureCounts: (presses: Int, others: Int)?
    /// After `finish()`: the typist's dwell time the labelling was decoded with — centre and
    /// spread (s) — learnt again from the pairs decoded where ``KeystrokeSettings/relearnDwell``.
    public private(set) var dwellSeconds: (centre: Double, spread: Double)?
    /// After `finish()`: how much louder (dB, usually negative) this keyboard's releases are than
    /// its presses (median over the pairs heard), or `nil` with too few pairs.
    public private(set) var releaseDropDB: Double?
    /// After `finish()`: this keyboard's echo delays (s) — see ``KeystrokeSettings/echoMaximumSeconds``.
    public private(set) var echoDelays_s: [Double] = []
    /// After `finish()`: the top of the onset band used (Hz; ``KeystrokeSettings/narrowerBandTopsHz``),
    /// and the highest frequency up to which this recording's clicks rise (Hz), or `nil` with too
    /// few presses heard with their releases to tell.
    public private(set) var onsetBandTop_Hz: Double
    public private(set) var clickBandTop_Hz: Double?
    /// After `finish()`: how many transients rose above the clicks' band and were set aside
    /// (``KeystrokeSettings/aboveClickBandMarginDB``).
    public private(set) var aboveClickBandCount = 0

    /// An onset that passed the tests.
    private struct Candidate {
        /// Global frame of the onset function's peak, and where the rise starts.
        var index: Int
        var start: Int
        var strength: Float
        /// Peak band level, and the band level of what sounded just before it (dB).
        var level: Float
        var background: Float
        /// Height above the adaptive threshold (at most 0: below it, a faint onset).
        var margin: Float
        /// Whether it is a faint onset: below the adaptive threshold, or short of the rise or the
        /// decay test (``KeystrokeSettings/faintTestShare``).
        var faint: Bool
        /// ``Keystroke/impulsiveness``, or `nil` where the audio did not reach.
        var impulsiveness: Float?
        /// Spectral shape (``clickShape(at:)``).
        var shape: [Float]
        /// Per shape band: whether the click stands out of what sounded before it there
        /// (``KeystrokeSettings/typicalityObservedRiseDB``); elsewhere its shape is that sound's.
        var observed: [Bool]
        /// The level the click adds to what sounded before it (dB, mean over the shape bands).
        var addedLevel: Float
        /// Per 1 kHz band from the onset band's foot (`riseBands`): how far it rises over what
        /// sounded before it, and the power it adds (dB).
        var bandRise: [Float]
        var bandAdded: [Float]
        /// What tells press from release: the shape, and how loud the click is (a keyboard whose
        /// releases are quieter than its presses shows it here; one whose are not, does not, and
        /// the discriminant learns which from the recording's own pairs).
        func features(withLevel: Bool) -> [Float] { withLevel ? shape + [addedLevel] : shape }
        /// The same click described by its lowest `count` shape bands only.
        func restricted(toShapeBands count: Int) -> Candidate {
            count < shape.count ? restricted(to: shape.indices.map { $0 < count }) : self
        }
        /// The same click described by the shape bands marked in `bands` only: its levels there
        /// about their mean, and that mean as its level.
        func restricted(to bands: [Bool]) -> Candidate {
            let kept = shape.indices.filter { bands[$0] }
            let levels = kept.map { shape[$0] + addedLevel }
            let mean = levels.reduce(0, +) / Float(levels.count)
            var copy = self
            copy.shape = levels.map { $0 - mean }
            copy.observed = kept.map { observed[$0] }
            copy.addedLevel = mean
            return copy
        }
    }

    public struct ParameterError: Error, CustomStringConvertible { public let description: String }

    public convenience init(settings: KeystrokeSettings = .init()) throws(ParameterError) {
        try self.init(settings: settings, segmentSeconds: 60)
    }

    /// `segmentSeconds`: how much audio is searched at a time (results do not depend on it).
    init(settings: KeystrokeSettings, segmentSeconds: Double) throws(ParameterError) {
        self.settings = settings
        let rate = settings.sampleRateHz
        let frameSamples = 512 * Int((rate / 48000).rounded(.up))
        let hopSamples = max(1, Int((settings.hopSeconds * rate).rounded()))
        do {
            framer = try Framer(frameSamples: frameSamples, hopSamples: hopSamples)
            fft = try RealFFT(size: frameSamples)
        } catch let error as CustomStringConvertible {
            throw ParameterError(description: error.description)
        } catch {
            throw ParameterError(description: "\(error)")
        }
        guard settings.bandHighHz <= rate / 2, settings.bandLowHz < settings.bandHighHz else {
            throw ParameterError(description: "keystroke band \(settings.bandLowHz)–\(settings.bandHighHz) Hz does not fit \(rate) Hz audio")
        }
        self.frameSamples = frameSamples
        self.hopSamples = hopSamples
        window = Window.hann(frameSamples)
        buffer = [Float](repeating: 0, count: frameSamples)
        power = [Float](repeating: 0, count: frameSamples / 2 + 1)
        let binHz = rate / Double(frameSamples)
        bandBins = Int(settings.bandLowHz / binHz)..<Int(settings.bandHighHz / binHz)
        guard !bandBins.isEmpty else {
            throw ParameterError(description: "keystroke band \(settings.bandLowHz)–\(settings.bandHighHz) Hz is narrower than one analysis bin (\(binHz) Hz)")
        }
        lowBins = max(1, Int(50 / binHz))..<max(2, Int(400 / binHz))
        let low = settings.bandLowHz, bins = bandBins
        let tops = Set(settings.narrowerBandTopsHz.filter { $0 > low && $0 < settings.bandHighHz }).sorted()
        tracks = tops.map { Track(top_Hz: $0, bins: max(1, min(bins.count, Int($0 / binHz) - bins.lowerBound))) }
            + [Track(top_Hz: settings.bandHighHz, bins: bins.count)]
        narrowerBins = tracks.dropLast().map(\.bins)
        impulseLowPassed = tracks.map { $0.top_Hz < 0.95 * rate / 2 }
        impulseSections = [Biquad.butterworth2(.highPass, cutoffHz: low, sampleRateHz: rate)]
            + tracks.filter { $0.top_Hz < 0.95 * rate / 2 }.map { Biquad.butterworth2(.lowPass, cutoffHz: $0.top_Hz, sampleRateHz: rate) }
        impulseEnergy = tracks.map { _ in [] }
        impulsePartial = tracks.map { _ in 0 }
        impulseBinSamples = max(1, Int((0.0005 * rate).rounded()))
        onsetBandTop_Hz = settings.bandHighHz
        riseBandTops_Hz = stride(from: low + 1000, through: settings.bandHighHz, by: 1000).map { $0 }
        riseBands = riseBandTops_Hz.map { top in
            max(bins.lowerBound, Int((top - 1000) / binHz))..<min(bins.upperBound, max(Int((top - 1000) / binHz) + 1, Int(top / binHz)))
        }
        // Twelve log-spaced bands from 1 kHz to 20 kHz (or just below Nyquist).
        let shapeTop = min(20000, 0.95 * rate / 2), shapeCount = 12
        shapeBands = (0..<shapeCount).map { k in
            let lo = 1000 * pow(shapeTop / 1000, Double(k) / Double(shapeCount))
            let hi = 1000 * pow(shapeTop / 1000, Double(k + 1) / Double(shapeCount))
            let first = Int((lo / binHz).rounded())
            return first..<max(first + 1, Int((hi / binHz).rounded()))
        }
        shapeBandFloors_Hz = shapeBands.map { Double($0.lowerBound) * binHz }
        hopSeconds = Double(hopSamples) / rate
        riseFrames = max(1, Int((settings.riseSeconds / hopSeconds).rounded()))
        decayFrames = max(1, Int((0.03 / hopSeconds).rounded()))
        ringSlots = decayFrames + riseFrames + 2
        history = [Float](repeating: -120, count: bandBins.count * ringSlots)
        recentPeak = [Float](repeating: -200, count: bandBins.count)
        liveDecayPerFrame = Float(30 * hopSeconds)  // 30 dB a second
        firstFrame_s = Double(frameSamples) / 2 / rate
        blockFrames = max(1, Int(0.1 / hopSeconds))
        reach = max(1, Int(settings.thresholdWindowSeconds / 0.1))
        segmentFrames = max(blockFrames, Int(segmentSeconds / hopSeconds) / blockFrames * blockFrames)
    }

    public func process(_ samples: [Float]) {
        measureImpulses(samples)
        framer.process(samples) { _, frame in analyse(frame) }
        // Search whole blocks whose statistics windows (±4 reach blocks) and decay window are
        // complete, a segment at a time, then forget frames no later block can look back to.
        let lookahead = (4 * reach + 1) * blockFrames + Int(0.04 / hopSeconds) + 2
        if count - searchedBlock * blockFrames >= segmentFrames + lookahead {
            search(toBlock: (count - lookahead) / blockFrames, final: false)
            let keepFrom = max(0, (searchedBlock - 4 * reach - 1) * blockFrames - Int((settings.riseSeconds / hopSeconds).rounded()) - 4)
            if keepFrom > base {
                for t in tracks.indices { tracks[t].forget(keepFrom - base) }
                lowDB.removeFirst(keepFrom - base)
                shape.removeFirst((keepFrom - base) * shapeBands.count)
                risePower.removeFirst((keepFrom - base) * riseBands.count)
                base = keepFrom
                let keepBin = (keepFrom * hopSamples) / impulseBinSamples - 2 * Int(Self.impulseWindowBefore_s * settings.sampleRateHz) / impulseBinSamples
                if keepBin > impulseBase {
                    for t in impulseEnergy.indices { impulseEnergy[t].removeFirst(min(impulseEnergy[t].count, keepBin - impulseBase)) }
                    impulseBase = keepBin
                }
            }
        }
    }

    /// Each band's waveform energy, `impulseBinSamples` at a time. Sample by sample through
    /// every section at once, so that the cascade's sections (and the bands') run side by side
    /// rather than each waiting on its own recursion a block at a time.
    private func measureImpulses(_ samples: [Float]) {
        let lowPassed = impulseLowPassed
        let binSamples = impulseBinSamples, bands = lowPassed.count
        var filled = impulsePartialCount
        var finished: [Float] = []
        finished.reserveCapacity((samples.count / binSamples + 1) * bands)
        impulseSections.withUnsafeMutableBufferPointer { sections in
            impulsePartial.withUnsafeMutableBufferPointer { partial in
                for sample in samples {
                    let x = sections[0].step(Double(sample))
                    var k = 1
                    for t in 0..<bands {
                        var y = x
                        if lowPassed[t] {
                            y = sections[k].step(x)
                            k += 1
                        }
                        partial[t] += y * y
                    }
                    filled += 1
                    if filled == binSamples {
                        for t in 0..<bands {
                            finished.append(Float(partial[t]))
                            partial[t] = 0
                        }
                        filled = 0
                    }
                }
            }
        }
        impulsePartialCount = filled
        for t in 0..<bands { impulseEnergy[t] += stride(from: t, to: finished.count, by: bands).map { finished[$0] } }
    }

    /// ``Keystroke/impulsiveness`` of a click whose onset is frame `frame`, in track `t`'s band.
    private func impulsiveness(track t: Int, frame: Int) -> Float? {
        let rate = settings.sampleRateHz, binSamples = Double(impulseBinSamples)
        let centre = Int((Double(frameSamples / 2 + frame * hopSamples) / binSamples).rounded())
        let peakBins = max(1, Int((Self.impulsePeak_s * rate / binSamples).rounded()))
        let first = centre - Int((Self.impulseWindowBefore_s * rate / binSamples).rounded())
        let end = centre + Int((Self.impulseWindowAfter_s * rate / binSamples).rounded())
        let energy = impulseEnergy[t]
        guard first >= impulseBase, end <= impulseBase + energy.count else { return nil }
        var total: Float = 0, peak: Float = 0, running: Float = 0
        for bin in first..<end {
            let value = energy[bin - impulseBase]
            total += value
            running += value
            if bin - first >= peakBins { running -= energy[bin - peakBins - impulseBase] }
            if bin - first >= peakBins - 1 { peak = max(peak, running) }
        }
        return total > 0 ? min(1, peak / total) : 0
    }

    private func analyse(_ frame: UnsafeBufferPointer<Float>) {
        buffer.withUnsafeMutableBufferPointer { buffer in
            window.withUnsafeBufferPointer { window in
                for i in 0..<min(frame.count, buffer.count) { buffer[i] = frame[i] * window[i] }
            }
            power.withUnsafeMutableBufferPointer { fft.power(UnsafeBufferPointer(buffer), into: $0) }
        }
        var rise: Float = 0
        var bandSum: Float = 0
        var lowSum: Float = 0
        var broadRise = 0, risen = 0, fallen = 0, live = 0
        var loudest: Float = -200
        let liveFloor = recentLoudest - Float(settings.deadBinMarginDB), decay = liveDecayPerFrame
        let whitening = Float(settings.whiteningFloorDB)
        let bandStart = bandBins.lowerBound
        let bins = bandBins.count, slots = ringSlots
        // Ring slots, by age: the previous frame, `riseFrames + 1` frames ago, and the frame
        // `decayFrames` ago with the one `riseFrames + 1` before it.
        func slot(_ age: Int) -> Int { ((ringNewest + 1 - age) % slots + slots) % slots * bins }
        let previous = slot(1), riseBase = slot(riseFrames + 1)
        let decayTarget = slot(decayFrames), decayBase = slot(decayFrames + riseFrames + 1)
        let newest = slot(slots)  // the oldest slot, overwritten by this frame
        let binRise = Float(settings.binRiseDB)
        // The narrower bands' sums: the running sums as the bins pass each band's top.
        var sums: [(rise: Float, band: Float, live: Int, broadRise: Int, risen: Int, fallen: Int)] = []
        sums.reserveCapacity(tracks.count)
        let boundaries = narrowerBins
        power.withUnsafeBufferPointer { power in
            history.withUnsafeMutableBufferPointer { history in
                recentPeak.withUnsafeMutableBufferPointer { recentPeak in
                    for offset in 0..<bins {
                        while sums.count < boundaries.count && offset == boundaries[sums.count] {
                            sums.append((rise, bandSum, live, broadRise, risen, fallen))
                        }
                        let value = power[bandStart + offset]
                        bandSum += value
                        let raw = FastMath.decibels(max(value, 1e-12))
                        let held = recentPeak[offset] - decay
                        let peak = max(raw, held)
                        let level = max(raw, held - whitening)
                        recentPeak[offset] = peak
                        if peak > loudest { loudest = peak }
                        // The slot this frame fills is none of those read below.
                        history[newest + offset] = level
                        guard peak >= liveFloor else { continue }
                        live += 1
                        let difference = level - history[previous + offset]
                        if difference > 0 { rise += min(difference, 30) }
                        // Rise since `riseFrames + 1` frames ago, bin by bin.
                        if level - history[riseBase + offset] >= binRise { broadRise += 1 }
                        // The frame `decayFrames` ago: of its bins that had just risen, how many
                        // have fallen back since.
                        let then = history[decayTarget + offset]
                        if then - history[decayBase + offset] >= binRise {
                            risen += 1
                            if then - level >= binRise { fallen += 1 }
                        }
                    }
                }
            }
            recentLoudest = loudest
            for k in lowBins { lowSum += power[k] }
            func append(_ bands: [Range<Int>], to column: inout [Float]) {
                for band in bands {
                    var sum: Float = 0
                    for k in band { sum += power[k] }
                    column.append(sum)
                }
            }
            append(shapeBands, to: &shape)
            append(riseBands, to: &risePower)
        }
        ringNewest = (ringNewest + 1) % slots
        while sums.count < tracks.count { sums.append((rise, bandSum, live, broadRise, risen, fallen)) }
        let normaliser = Float(window.count) * Float(window.count) / 4
        let completesDecay = count >= decayFrames
        for t in tracks.indices {
            let sum = sums[t]
            // This frame completes the decay of the one `decayFrames` before it, if there was one.
            if completesDecay { tracks[t].decayFraction.append(sum.risen > 0 ? Float(sum.fallen) / Float(sum.risen) : 0) }
            tracks[t].flux.append(sum.live > 0 ? sum.rise / Float(sum.live) : 0)
            tracks[t].riseFraction.append(sum.live > 0 ? Float(sum.broadRise) / Float(sum.live) : 0)
            tracks[t].bandDB.append(10 * log10(max(sum.band / normaliser, 1e-12)))
        }
        frameObserver?(live)
        lowDB.append(10 * log10(max(lowSum / normaliser, 1e-12)))
    }

    /// Searches blocks `searchedBlock..<toBlock` for candidate onsets (all remaining frames when
    /// `final`). Frame indices are global; the arrays start at `base`.
    private func search(toBlock: Int, final: Bool) {
        let count = self.count
        guard count > 4 else { return }
        let lastBlock = final ? (count + blockFrames - 1) / blockFrames : toBlock
        guard lastBlock > searchedBlock else { return }
        // A lone onset's partner is looked for within a dwell time and two spreads of it: at most
        // the longest dwell time, and twice the largest spread the dwell times decoded between
        // `releaseMinimumSeconds` and `releaseMaximumSeconds` can have.
        let reach = Int(((settings.releaseMaximumSeconds + 2 * 1.4826 * (settings.releaseMaximumSeconds - settings.releaseMinimumSeconds)) / hopSeconds).rounded(.up)) + 2
        for t in tracks.indices {
            let found = search(tracks[t], index: t, toBlock: lastBlock)
            tracks[t].candidates += found.candidates
            tracks[t].peaks += found.peaks
            tracks[t].prunePeaks(before: lastBlock * blockFrames - reach, reach: reach)
        }
        searchedBlock = lastBlock
    }

    /// The candidate onsets of blocks `searchedBlock..<lastBlock` in one band, and the onset
    /// function's peaks there (``Track/peaks``).
    private func search(_ track: Track, index trackIndex: Int, toBlock lastBlock: Int) -> (candidates: [Candidate], peaks: [Peak]) {
        let count = self.count
        var candidates: [Candidate] = [], peaks: [Peak] = []
        let flux = track.flux, bandDB = track.bandDB, lowDB = self.lowDB, riseFraction = track.riseFraction, base = self.base
        let decayFraction = track.decayFraction
        @inline(__always) func fallenBack(_ i: Int) -> Float { i - base < decayFraction.count ? decayFraction[i - base] : 0 }
        @inline(__always) func f(_ i: Int) -> Float { flux[i - base] }
        @inline(__always) func band(_ i: Int) -> Float { bandDB[i - base] }
        // Local statistics of the onset function and the band floor, in 0.1 s blocks.
        var thresholds = [Float](repeating: 0, count: lastBlock - searchedBlock)
        var floors = thresholds, faintThresholds = thresholds
        for block in searchedBlock..<lastBlock {
            let lo = max(0, (block - reach) * blockFrames), hi = min(count, (block + reach + 1) * blockFrames)
            var values = Array(flux[(lo - base)..<(hi - base)])
            let median = FastMath.select(&values, values.count / 2)
            for i in values.indices { values[i] = abs(values[i] - median) }
            let mad = max(FastMath.select(&values, values.count / 2), 0.05)
            thresholds[block - searchedBlock] = median + Float(settings.thresholdMADs) * mad
            faintThresholds[block - searchedBlock] = median + Float(min(settings.faintThresholdMADs, settings.thresholdMADs)) * mad
            let floorLo = max(0, (block - 4 * reach) * blockFrames), floorHi = min(count, (block + 4 * reach + 1) * blockFrames)
            var levels = Array(bandDB[(floorLo - base)..<(floorHi - base)])
            floors[block - searchedBlock] = FastMath.select(&levels, levels.count / 10)
        }
        let first = max(1, searchedBlock * blockFrames), end = min(count - 1, lastBlock * blockFrames)
        let share = min(1, max(0, settings.faintTestShare))
        if first < end {
            for i in first..<end {
                guard f(i) >= f(i - 1), f(i) > f(i + 1) || (f(i) == f(i + 1)) else { continue }
                let block = i / blockFrames - searchedBlock
                if settings.lonePartnerEvidence, f(i) > 0.3 * faintThresholds[block] {
                    peaks.append(Peak(index: Int32(clamping: i), height: f(i) / thresholds[block]))
                }
                // (Onsets between the two thresholds are faint: see `faint` below.)
                guard f(i) > faintThresholds[block] else { continue }
                // Impulsive: the band level jumps within a few ms, well above the floor.
                let next = band(min(count - 1, i + 1))
                let peakLevel = next > band(i) ? next : band(i)
                let before = band(max(0, i - riseFrames - 1))
                // Over speech the band is already loud and its total level hardly moves; a click
                // still lifts most bins of the band at once (speech lifts its formant regions).
                let broadRise = max(riseFraction[i - base], riseFraction[min(count - 1, i + 1) - base])
                // The rise test at a share of its bars (1: the test itself).
                func rises(_ bars: Double) -> Bool {
                    Double(peakLevel - before) >= bars * settings.minimumRiseDB || Double(broadRise) >= bars * settings.minimumRiseFraction
                }
                // Short of the rise test but passing it at `faintTestShare` of its bars: faint.
                var faint = !rises(1)
                guard !faint || rises(share), Double(peakLevel - floors[block]) >= settings.minimumAboveFloorDB else { continue }
                // Desk knocks and thumps: mostly low-frequency — low-frequency energy that arrives
                // with the transient (voiced speech under the typing has plenty of its own).
                let lowRise = lowDB[i - base] - lowDB[max(base, i - riseFrames - 1) - base]
                guard Double(lowDB[i - base] - peakLevel) < settings.knockMarginDB || Double(lowRise) < settings.minimumRiseDB
                else { continue }
                // What sounded before it (band power): the decay below is measured against it,
                // and whether its release could be heard.
                var priorSum: Float = 0
                let prior = backgroundFrames(before: i)
                for j in prior { priorSum += pow(10, band(j) / 10) }
                let background = priorSum / Float(prior.count)
                // A click dies away within tens of milliseconds; speech sounds (fricatives,
                // aspirated plosives, vowels) sustain their high-band energy.
                let decayFrom = i + Int(0.02 / hopSeconds), decayTo = min(count, i + Int(0.04 / hopSeconds))
                if decayFrom < decayTo {
                    var sum: Float = 0
                    for j in decayFrom..<decayTo { sum += pow(10, band(j) / 10) }
                    // Measured on the energy the click adds to what was sounding before it (speech
                    // under the typing keeps the band up; the click's own energy still dies away).
                    let after = sum / Float(decayTo - decayFrom)
                    let peak = pow(10, peakLevel / 10)
                    let decay = 10 * log10(max(peak - background, 1e-12) / max(after - background, 1e-12))
                    // Or bin by bin: most of the bins the click lifted have fallen back 30 ms later
                    // (speech moving on underneath can keep the band's total up).
                    let fallen = max(fallenBack(i), fallenBack(min(count - 1, i + 1)))
                    // The decay test at a share of its bars (1: the test itself).
                    func decays(_ bars: Double) -> Bool {
                        Double(decay) >= bars * settings.minimumDecayDB || Double(fallen) >= bars * settings.minimumFallenFraction
                    }
                    // Short of the decay test but passing it at `faintTestShare` of its bars: faint.
                    if !decays(1) {
                        guard decays(share) else { continue }
                        faint = true
                    }
                }
                // The onset time: back from the flux peak to where the rise starts (within 4 ms).
                var start = i
                while start > 0 && i - start < 2 && f(start - 1) > 0.25 * f(i) { start -= 1 }
                let click = clickShape(at: i, bandDB: bandDB)
                candidates.append(Candidate(index: i, start: start, strength: f(i), level: peakLevel,
                                            background: 10 * log10(max(background, 1e-12)),
                                            margin: f(i) - thresholds[block], faint: faint || f(i) <= thresholds[block],
                                            impulsiveness: impulsiveness(track: trackIndex, frame: start),
                                            shape: click.shape, observed: click.observed, addedLevel: click.level,
                                            bandRise: click.rise, bandAdded: click.added))
            }
        }
        return (candidates, peaks)
    }

    /// What sounded just before a click at frame `i` (the frames before its rise began): the
    /// background its decay and its spectral shape are measured against.
    private func backgroundFrames(before i: Int) -> Range<Int> {
        max(base, i - riseFrames - 4)..<max(base + 1, i - riseFrames)
    }

    /// The spectral shape of the click at frame `i`: per shape band, the power it adds (the
    /// loudest of its first frames minus what sounded just before it), in dB about the mean.
    private func clickShape(at i: Int, bandDB: [Float]) -> (shape: [Float], level: Float, rise: [Float], added: [Float], observed: [Bool]) {
        var peak = i
        for j in i...min(count - 1, i + 2) where bandDB[j - base] > bandDB[peak - base] { peak = j }
        let before = backgroundFrames(before: i)
        // A band's power at the click's peak, and its mean over the frames before the click.
        func peakAndBackground(_ column: [Float], _ bands: Int, _ band: Int) -> (value: Float, background: Float) {
            var background: Float = 0
            for j in before { background += column[(j - base) * bands + band] }
            return (column[(peak - base) * bands + band], background / Float(before.count))
        }
        // Per 1 kHz band: how far it rises (dB), and the power it adds (dB).
        var rise = [Float](repeating: 0, count: riseBands.count), added = rise
        for band in riseBands.indices {
            let (value, background) = peakAndBackground(risePower, riseBands.count, band)
            rise[band] = 10 * log10(max(value, 1e-14) / max(background, 1e-14))
            added[band] = 10 * log10(max(value - background, 1e-14))
        }
        let observedRatio = Float(pow(10, settings.typicalityObservedRiseDB / 10))
        var observed = [Bool](repeating: false, count: shapeBands.count)
        let levels = shapeBands.indices.map { band in
            let (value, background) = peakAndBackground(shape, shapeBands.count, band)
            observed[band] = value >= observedRatio * background
            return 10 * log10(max(value - background, 1e-3 * value, 1e-14))
        }
        let mean = levels.reduce(0, +) / Float(levels.count)
        return (levels.map { $0 - mean }, mean, rise, added, observed)
    }

    /// This keyboard's echo delays (frames, at most two; the mean gap of each peak's three
    /// frames — onsets at ±1.5 frames of it are its echoes): see ``KeystrokeSettings/echoMaximumSeconds``.
    private func echoDelays(_ onsets: [Candidate], minimumGap: Int) -> [Double] {
        let maximumGap = Int((settings.echoMaximumSeconds / hopSeconds).rounded())
        guard maximumGap > minimumGap + 2, onsets.count > 1 else { return [] }
        // Gaps to a quieter next onset, counted out to `flank` frames beyond the longest delay
        // so that a peak near it has flanks on both sides.
        let flank = 5
        var histogram = [Int](repeating: 0, count: maximumGap + flank + 1)
        for k in 1..<onsets.count {
            let gap = onsets[k].index - onsets[k - 1].index
            if gap < histogram.count, Double(onsets[k - 1].level - onsets[k].level) >= settings.echoMarginDB { histogram[gap] += 1 }
        }
        var delays: [Double] = []
        for _ in 0..<2 {
            // The peak: the most gaps within ±1 frame of one delay…
            var best = 0, bestCount = 0
            for centre in minimumGap...maximumGap {
                let count = histogram[centre - 1] + histogram[centre] + histogram[centre + 1]
                if count > bestCount { (best, bestCount) = (centre, count) }
            }
            // …against each side of it (2…5 frames away; only gaps that can occur — two onsets
            // closer than `minimumGap` are one): the denser side's rate over three frames is what
            // the peak must beat, so that the edge of a spread (releases after their presses
            // begin a dwell time later) is no peak. Then: how unlikely is its count by chance?
            func rate(_ frames: [Int]) -> Double {
                frames.isEmpty ? 0 : Double(frames.reduce(0) { $0 + histogram[$1] }) * 3 / Double(frames.count)
            }
            let around = max(rate((best - flank...best - 2).filter { $0 >= minimumGap }), rate(Array(best + 2...best + flank)))
            guard bestCount >= settings.echoMinimumCount,
                  Self.poissonTail(bestCount, mean: max(around, 0.5)) < settings.echoSignificance else { break }
            delays.append(Double((best - 1) * histogram[best - 1] + best * histogram[best] + (best + 1) * histogram[best + 1])
                          / Double(bestCount))
            for gap in best - 1...best + 1 { histogram[gap] = 0 }
        }
        return delays
    }

    /// Median and robust spread (1.4826 × the median absolute deviation) of `values` (not empty).
    static func medianAndSpread(_ values: [Float]) -> (median: Double, spread: Double) {
        var values = values
        let median = FastMath.select(&values, values.count / 2)
        for i in values.indices { values[i] = abs(values[i] - median) }
        return (Double(median), 1.4826 * Double(FastMath.select(&values, values.count / 2)))
    }

    /// P(X ≥ k) for X Poisson-distributed with this mean.
    static func poissonTail(_ k: Int, mean: Double) -> Double {
        guard k > 0 else { return 1 }
        var term = exp(Double(k) * log(mean) - mean - lgamma(Double(k + 1)))
        var sum = 0.0, i = k
        while term > 1e-15 * sum, i < k + 10_000 {
            sum += term
            i += 1
            term *= mean / Double(i)
        }
        return min(1, sum)
    }

    /// Picks key presses. (Speech is told apart later: the keyboard detector counts unlogged
    /// clicks only outside the candidate's speech.)
    public func finish() -> [Keystroke] {
        search(toBlock: 0, final: true)
        var chosen = tracks.count - 1
        var (presses, paired) = label(tracks[chosen].candidates, peaks: tracks[chosen].peaks)
        // Where do the clicks heard with their releases rise? The narrowest band reaching that.
        if paired.count >= max(settings.shapeModelMinimumPairs, 1), !riseBands.isEmpty {
            let rises = riseBands.indices.map { k in Self.medianAndSpread(paired.map { $0.bandRise[k] }).median }
            let added = riseBands.indices.map { k in Self.medianAndSpread(paired.map { $0.bandAdded[k] }).median }
            let strongest = added.max() ?? 0
            // A band holds the clicks where they rise in it, by power not far below what they add
            // in their strongest band (a codec's stopband "rises" from digital silence to its
            // numerical floor, 90 dB and more below).
            let top = riseBands.indices.last { rises[$0] >= settings.clickBandRiseDB && added[$0] >= strongest - settings.clickBandMarginDB }
                .map { riseBandTops_Hz[$0] }
            clickBandTop_Hz = top
            // Shape bands above the clicks hold only what sounds over them (speech, or a codec's
            // numerical floor): the press/release shapes and the press template are learnt from
            // the bands below.
            let below = top.map { top in max(2, shapeBandFloors_Hz.filter { $0 < top }.count) } ?? shapeBands.count
            let narrowest = top.flatMap { top in tracks.firstIndex { $0.top_Hz >= top } } ?? chosen
            // Transients that rise where the clicks do not, nearly as strongly as in the band
            // below, are sounds of their own (speech mixed in over a narrower-band keyboard).
            let firstAbove = top.map { top in riseBandTops_Hz.firstIndex { $0 > top } ?? riseBands.count } ?? riseBands.count
            var candidates = tracks[narrowest].candidates
            if let margin = settings.aboveClickBandMarginDB, firstAbove < riseBands.count {
                // How far below what it adds in the clicks' band a transient adds power where it
                // also rises above it (dB; infinite where it rises nowhere above).
                let riseDB = Float(settings.clickBandRiseDB)
                func gap(_ candidate: Candidate) -> Float {
                    let clicks = candidate.bandAdded[..<firstAbove].max()!
                    let above = riseBands.indices[firstAbove...].filter { candidate.bandRise[$0] >= riseDB }.map { candidate.bandAdded[$0] }.max()
                    return above.map { clicks - $0 } ?? .infinity
                }
                // The bar stays below where this recording's own presses reach.
                var gaps = paired.map(gap)
                let quantile = FastMath.select(&gaps, Int(settings.aboveClickBandPressQuantile * Double(gaps.count)))
                let bar = min(margin, Double(quantile) - settings.aboveClickBandPressMarginDB)
                candidates.removeAll { Double(gap($0)) < bar }
                aboveClickBandCount = tracks[narrowest].candidates.count - candidates.count
            }
            if narrowest < chosen || below < shapeBands.count || aboveClickBandCount > 0 {
                chosen = narrowest
                (presses, paired) = label(candidates.map { $0.restricted(toShapeBands: below) }, peaks: tracks[narrowest].peaks)
            }
        }
        onsetBandTop_Hz = tracks[chosen].top_Hz
        return presses
    }

    /// The evidence (log likelihood ratio, release over press) that a higher onset-function peak
    /// a dwell time after a lone onset than before it gives, from how often that is so for the
    /// lone onsets surely presses (`presses`) and surely not (`others`): each share drawn towards
    /// their pooled share (rule of succession) by `priorCount` examples' worth; 0 with fewer
    /// than `minimumSure` of either, and never above 0 (it only ever counts for a press).
    static func partnerAfterEvidence(presses: (after: Int, all: Int), others: (after: Int, all: Int), priorCount: Double,
                                     minimumSure: Int) -> Double {
        guard presses.all >= max(minimumSure, 1), others.all >= max(minimumSure, 1) else { return 0 }
        let pooled = Double(presses.after + others.after + 1) / Double(presses.all + others.all + 2)
        let pressAfter = (Double(presses.after) + priorCount * pooled) / (Double(presses.all) + priorCount)
        let otherAfter = (Double(others.after) + priorCount * pooled) / (Double(others.all) + priorCount)
        return min(0, log(otherAfter / pressAfter))
    }

    /// Labels one band's onsets: the presses, and the onsets decoded as presses with their releases
    /// amid typing (see ``KeystrokeSettings/learningContextSeconds``).
    /// `peaks`: that band's onset-function peaks (``Track/peaks``).
    private func label(_ candidates: [Candidate], peaks: [Peak]) -> (presses: [Keystroke], paired: [Candidate]) {
        let time = { (i: Int) in self.firstFrame_s + Double(i) * self.hopSeconds }
        // One onset per `minimumInterOnsetSeconds`, keeping the strongest; the faint ones apart.
        let minimumGap = Int(settings.minimumInterOnsetSeconds / hopSeconds)
        func strongest(_ candidates: [Candidate]) -> [Candidate] {
            var onsets: [Candidate] = []
            for candidate in candidates {
                if let last = onsets.last, candidate.index - last.index < minimumGap {
                    if candidate.strength > last.strength { onsets[onsets.count - 1] = candidate }
                } else {
                    onsets.append(candidate)
                }
            }
            return onsets
        }
        var onsets = strongest(candidates.filter { !$0.faint })
        let faintOnsets = strongest(candidates.filter(\.faint))
        // A quieter transient at this keyboard's echo delay after another is part of that
        // sound, not a key of its own. An echo sooner than any key is held (`echoFoldSeconds`)
        // is folded into the sound before decoding; a later one could be a release, so the
        // decoding decides, and it is only kept from counting as a press of its own.
        let delays = echoDelays(onsets, minimumGap: minimumGap)
        echoDelays_s = delays.map { $0 * hopSeconds }
        let shortest = settings.echoFoldSeconds / hopSeconds
        func isEcho(_ onset: Candidate, after last: Candidate, _ delays: [Double]) -> Bool {
            Double(last.level - onset.level) >= settings.echoMarginDB
                && delays.contains { abs(Double(onset.index - last.index) - $0) <= 1.5 }
        }
        let shortDelays = delays.filter { $0 < shortest }, longDelays = delays.filter { $0 >= shortest }
        if !shortDelays.isEmpty {
            var sounds: [Candidate] = []
            for onset in onsets {
                if let last = sounds.last, isEcho(onset, after: last, shortDelays) { continue }
                sounds.append(onset)
            }
            onsets = sounds
        }
        // Releases: the second click of a press–release pair. A greedy left-to-right pairing
        // goes out of phase after one missed press (each release then taken for a press, each
        // press for a release) for the rest of the burst, so the labelling is decoded for the
        // whole sequence at once: pairs whose gap looks like this typist's dwell time (centre
        // and spread estimated from the plausible pairs) score, an onset may stay unpaired, and
        // a press may pair across one other sound.
        let releaseMin = settings.releaseMinimumSeconds
        var releaseMax = settings.releaseMaximumSeconds
        let n = onsets.count
        let times = onsets.map { time($0.index) }
        var gaps: [Double] = []
        for i in 0..<max(0, n - 1) {
            let gap = times[i + 1] - times[i]
            if gap >= releaseMin && gap <= releaseMax { gaps.append(gap) }
        }
        gaps.sort()
        var dwell = gaps.isEmpty ? 0.09 : gaps[gaps.count / 2]
        let deviations = gaps.map { abs($0 - dwell) }.sorted()
        var spread = max(0.015, 1.4826 * (deviations.isEmpty ? 0.03 : deviations[deviations.count / 2]))
        // Onsets at a later echo delay after a louder one: not a press of their own if left lone.
        let echoLike = onsets.indices.map { i in i > 0 && !longDelays.isEmpty && isEcho(onsets[i], after: onsets[i - 1], longDelays) }
        // Log-likelihood units: a pair within about two spreads of the typical dwell beats
        // leaving both onsets unpaired.
        let pairBonus = 2.0
        // log(first spread / spread): what the log density at the dwell time gains where the
        // spread is learnt again narrower (`relearnDwell`).
        var spreadGain = 0.0
        // A key's press and release are struck alike (one key, one finger, one distance to the
        // microphone), so how much louder its release is than its press varies far less than
        // how loud keys are. Once learnt (`levelPairs`), a pair loses score when the level its
        // release adds, against its press's, fits this keyboard's worse than two unrelated
        // clicks' would, and gains where it fits better (log ratio; a gain only with
        // `levelPairGain`; bounded, as the pair model is a mixture with `levelPairOutliers` of
        // the unrelated one).
        var levelPairs: (mean: Double, spread: Double, unrelated: Double)?
        func levelTerm(_ i: Int, _ j: Int) -> Double {
            guard let model = levelPairs else { return 0 }
            let difference = Double(onsets[j].addedLevel - onsets[i].addedLevel)
            func density(_ x: Double, _ sd: Double) -> Double { exp(-0.5 * x * x / (sd * sd)) / sd }
            let unrelated = density(difference, model.unrelated)
            let outliers = settings.levelPairOutliers
            let ratio = log(((1 - outliers) * density(difference - model.mean, model.spread) + outliers * unrelated) / unrelated)
            return settings.levelPairGain ? ratio : min(0, ratio)
        }
        // How well a press and a click `gap` seconds after it fit as a pair by timing alone.
        func timingScore(_ gap: Double) -> Double? {
            guard gap >= releaseMin && gap <= releaseMax else { return nil }
            let z = (gap - dwell) / spread
            return pairBonus + spreadGain - 0.5 * z * z
        }
        func pairScore(_ i: Int, _ j: Int) -> Double? {
            guard j < n, let timing = timingScore(times[j] - times[i]) else { return nil }
            return timing + levelTerm(i, j)
        }
        // Each onset is a press, a release (of the press before it, or of the one before that
        // when another sound — speech, a mouse — falls in between), or a sound of its own.
        // `evidence[i]`: how much likelier onset i's spectral shape is as a release than as a
        // press (log ratio; 0 without a model). A pair gains its press's and release's evidence;
        // a lone onset is whichever of the two it resembles — less `loneReleaseCost[i]` if a
        // release (one whose press was not heard). Returns, per onset, the distance to its
        // release (0: none).
        func decode(_ evidence: [Double], loneReleaseCost: [Double]? = nil) -> [Int] {
            func lone(_ i: Int) -> Double { max(-evidence[i], evidence[i] - 2 * (loneReleaseCost?[i] ?? 0)) / 2 }
            var best = [Double](repeating: 0, count: n + 3)
            var releaseAt = [Int](repeating: 0, count: n)
            if n > 0 {
                for i in stride(from: n - 1, through: 0, by: -1) {
                    var value = best[i + 1] + lone(i)
                    for distance in 1...2 {
                        guard var score = pairScore(i, i + distance) else { continue }
                        score += (evidence[i + distance] - evidence[i]) / 2
                        if distance == 2 { score += lone(i + 1) }
                        if score + best[i + distance + 1] > value {
                            value = score + best[i + distance + 1]
                            releaseAt[i] = distance
                        }
                    }
                    best[i] = value
                }
            }
            return releaseAt
        }
        // The press/release discriminant (none until learnt below).
        var model: PressReleaseModel?
        // Decoded as above, then again with a release-shaped onset left lone amid clear typing
        // costing `loneReleaseCostAmidTyping` (``KeystrokeSettings/loneReleaseCostAmidTyping``):
        // there a press is seldom not heard, and a key whose press sounds like a release (and
        // its release) would otherwise both be left lone as releases — on the one keyboard
        // measured, four keys in sixty. Amid clear typing: within `learningContextSeconds` of
        // `loneReleaseContextPairs` presses of pairs the first decoding found whose release's
        // evidence exceeds its press's by at least half what the discriminant can give.
        func decodeLabels(_ evidence: [Double]) -> [Int] {
            let first = decode(evidence)
            let cost = settings.loneReleaseCostAmidTyping
            guard cost > 0, let model, n > 0 else { return first }
            let clear = model.evidenceBound / 2
            // The presses of the pairs the first decoding found (its path, not every choice the
            // dynamic programme weighed) whose release is clearly release-shaped against them.
            let clearPresses = pairs(first).filter { evidence[$0.release] - evidence[$0.press] >= clear }.map { times[$0.press] }
            let context = settings.learningContextSeconds
            let costs = times.map { at -> Double in
                let from = clearPresses.partitionIndex { $0 < at - context }, to = clearPresses.partitionIndex { $0 <= at + context }
                return to - from >= settings.loneReleaseContextPairs ? cost : 0
            }
            return costs.contains { $0 > 0 } ? decode(evidence, loneReleaseCost: costs) : first
        }
        // The (press, release) onset pairs of a labelling, in order.
        func pairs(_ releaseAt: [Int]) -> [(press: Int, release: Int)] {
            var pairs: [(press: Int, release: Int)] = []
            var index = 0
            while index < n {
                if releaseAt[index] > 0 { pairs.append((index, index + releaseAt[index])) }
                index += releaseAt[index] + 1
            }
            return pairs
        }
        // The onsets a labelling leaves lone, in order (the sound between a press and its
        // release one sound later among them).
        func loneOnsets(_ releaseAt: [Int]) -> [Int] {
            var lone: [Int] = []
            var index = 0
            while index < n {
                if releaseAt[index] != 1 { lone.append(releaseAt[index] == 0 ? index : index + 1) }
                index += releaseAt[index] + 1
            }
            return lone
        }
        // The pairs amid typing (another pair's press within `learningContextSeconds`), in order:
        // those the recording's keyboard is learnt from.
        func amidTyping(_ pairs: [(press: Int, release: Int)]) -> [(press: Int, release: Int)] {
            let context = settings.learningContextSeconds
            guard context > 0 else { return pairs }
            return pairs.indices.filter { k in
                let at = times[pairs[k].press]
                return (k > 0 && at - times[pairs[k - 1].press] <= context)
                    || (k + 1 < pairs.count && times[pairs[k + 1].press] - at <= context)
            }.map { pairs[$0] }
        }
        var evidence = [Double](repeating: 0, count: n)
        var releaseAt = decodeLabels(evidence)
        // The pairs found by timing alone teach this keyboard's press and release shapes; the
        // labelling is then decoded again with that evidence (a release whose press was masked
        // is no longer taken for a press, nor a pair decoded out of phase).
        var timed = amidTyping(pairs(releaseAt))
        let withLevel = settings.shapeModelUsesLevel
        // The discriminant on the timed pairs (`timed`: those it learns from), each click
        // described by `describe`, asking `minimumSeparation` (default: the settings'). A pair
        // whose press has no other onset `releaseMaximumSeconds` before it cannot be swapped.
        func discriminant(minimumSeparation: Double? = nil, minimumPairs: Int? = nil,
                          _ describe: (Candidate) -> Candidate) -> PressReleaseModel? {
            let unswapped = settings.correctSwappedPairs
                ? timed.map { $0.press == 0 || times[$0.press] - times[$0.press - 1] > releaseMax } : nil
            return PressReleaseModel(presses: timed.map { describe(onsets[$0.press]).features(withLevel: withLevel) },
                                     releases: timed.map { describe(onsets[$0.release]).features(withLevel: withLevel) },
                                     minimumPairs: minimumPairs ?? settings.shapeModelMinimumPairs,
                                     minimumSeparation: minimumSeparation ?? settings.shapeModelMinimumSeparation,
                                     unswapped: unswapped, minimumUnswapped: settings.swapEstimateMinimumPairs,
                                     confusionBeyondOverlap: settings.confusionBeyondOverlap)
        }
        model = discriminant { $0 }
        // Too weak to be used as it is, a discriminant that still separates presses from
        // releases a little (`shapeModelSeedSeparation`) seeds the refinement below, and is kept
        // only if refined to `shapeModelRefineBelow`.
        var seeded = false
        rejectedSeedSeparation = nil
        if model == nil, settings.shapeModelRefineBelow > 0, settings.shapeModelSeedSeparation < settings.shapeModelMinimumSeparation {
            model = discriminant(minimumSeparation: settings.shapeModelSeedSeparation) { $0 }
            seeded = model != nil
        }
        // The discriminant as first learnt (before any refinement) and what from: reported.
        var learnt = model.map { (first: $0, source: ShapeModelSource.timing) }
        let labelledByTiming = releaseAt, timedByTiming = timed
        // A click observed in some bands only (`releaseObservedShare`) is told apart on those:
        // by the discriminant refitted on the timed pairs' shapes over the same bands (cached
        // per set of bands). Where those do not separate presses from releases, on all bands.
        var observedModels: [[Bool]: PressReleaseModel?] = [:]
        func releaseEvidence(_ onset: Candidate) -> Double {
            guard let model else { return 0 }
            let bands = onset.observed
            guard PressTemplate.measuredOnObserved(bands, minimumShare: settings.releaseObservedShare)
            else { return model.releaseEvidence(onset.features(withLevel: withLevel)) }
            let observedModel: PressReleaseModel?
            if let cached = observedModels[bands] {
                observedModel = cached
            } else {
                observedModel = discriminant { $0.restricted(to: bands) }
                observedModels[bands] = .some(observedModel)
            }
            guard let observedModel else { return model.releaseEvidence(onset.features(withLevel: withLevel)) }
            return observedModel.releaseEvidence(onset.restricted(to: bands).features(withLevel: withLevel))
        }
        var refinements = 0
        // Labels decoded with the discriminant `first`, refined while weak; a seed (`seeded`)
        // not refined to `shapeModelRefineBelow` is rejected: the labelling by timing alone
        // stands. Returns whether it was kept (always, unless a seed).
        // (`refineAnyway`: refined whatever its own separation.)
        @discardableResult func learn(from first: PressReleaseModel, seeded: Bool, learntFromOthers: Bool = false,
                                      refineAnyway: Bool = false) -> Bool {
            model = first
            observedModels = [:]
            refinements = 0
            evidence = onsets.map(releaseEvidence)
            releaseAt = decodeLabels(evidence)
            // A weak first discriminant is refined on the pairs its evidence decodes
            // (`shapeModelRefineBelow`).
            var current = first
            // (A seed learnt from other examples than decoded pairs measured its separation on
            // those: its first refit is not held to it.)
            var bar = learntFromOthers ? -Double.infinity : first.separation
            while (first.separation < settings.shapeModelRefineBelow || refineAnyway)
                    && refinements < settings.shapeModelMaximumRefinements {
                let previous = timed
                timed = amidTyping(pairs(releaseAt))
                guard let refit = discriminant({ $0 }), refit.separation > bar else {
                    timed = previous
                    break
                }
                current = refit
                bar = refit.separation
                model = refit
                observedModels = [:]
                refinements += 1
                evidence = onsets.map(releaseEvidence)
                let again = decodeLabels(evidence)
                if again == releaseAt { break }
                releaseAt = again
            }
            guard seeded && current.separation < settings.shapeModelRefineBelow else { return true }
            // Not refined far enough: the labelling by timing alone stands.
            rejectedSeedSeparation = first.separation
            model = nil
            observedModels = [:]
            refinements = 0
            evidence = [Double](repeating: 0, count: n)
            releaseAt = labelledByTiming
            timed = timedByTiming
            return false
        }
        if let first = model, !learn(from: first, seeded: seeded) { learnt = nil }
        // Where timing leaves no discriminant at all (none, or a seed not refined far enough),
        // the pairs it decoded whose release is quieter than their press (`levelSeed`): about
        // half as often out of phase. Their separation, measured on pairs chosen by level,
        // overstates it: refined on the pairs decoded whatever it is.
        if model == nil, settings.levelSeed {
            timed = timedByTiming.filter { onsets[$0.release].level < onsets[$0.press].level }
            if let fromLevels = discriminant({ $0 }) {
                learn(from: fromLevels, seeded: false, learntFromOthers: true, refineAnyway: true)
                learnt = (fromLevels, .levels)
            } else {
                timed = timedByTiming
            }
        }
        // Where not even those give one, the bursts of typing teach one: a burst's
        // first sound (nothing `burstSeedGapSeconds` before it) is a press, its last (nothing
        // as long after it) a release — whatever order the keys between were pressed and
        // released in. Held to the bar a discriminant learnt from timing is, on held-out
        // bursts, and refined like one (its first refit not held to the bursts' separation:
        // that was measured on other examples).
        if model == nil, settings.burstSeedGapSeconds > 0 {
            let gap = settings.burstSeedGapSeconds
            // (At least four onsets: two keys' presses and releases.)
            var ends: [(press: Int, release: Int)] = []
            var first = 0
            for i in 0..<n where i + 1 == n || times[i + 1] - times[i] > gap {
                if i - first + 1 >= 4 { ends.append((first, i)) }
                first = i + 1
            }
            timed = ends
            if let fromBursts = discriminant(minimumPairs: settings.burstSeedMinimumPairs, { $0 }) {
                learn(from: fromBursts, seeded: false, learntFromOthers: true)
                learnt = (fromBursts, .bursts)
            } else {
                timed = timedByTiming
            }
        }
        shapeModelRefinements = refinements
        // The dwell time learnt again from the pairs decoded amid typing (`relearnDwell`): the
        // first estimate took every plausible gap, speech sounds' among them.
        if settings.relearnDwell {
            let decoded = amidTyping(pairs(releaseAt))
            if decoded.count >= settings.shapeModelMinimumPairs {
                let learnt = Self.medianAndSpread(decoded.map { Float(times[$0.release] - times[$0.press]) })
                let learntSpread = max(0.015, learnt.spread)
                spreadGain = log(spread / learntSpread)
                dwell = learnt.median
                spread = learntSpread
                // A typist who holds keys longer than `releaseMaximumSeconds` allows for (its
                // pairs' gaps cut off there): the range reaches three spreads past the centre.
                releaseMax = max(settings.releaseMaximumSeconds, dwell + 3 * spread)
                releaseAt = decodeLabels(evidence)
            }
        }
        dwellSeconds = (dwell, spread)
        // The pairs decoded so far teach how the levels of a key's press and release compare,
        // against the spread of any two clicks' levels (√2 × the spread of one click's); where
        // that tells pairs apart, the labelling is decoded once more with it.
        if settings.levelPairOutliers < 1 {
            let differences = amidTyping(pairs(releaseAt)).map { onsets[$0.release].addedLevel - onsets[$0.press].addedLevel }
            if differences.count >= settings.shapeModelMinimumPairs {
                let pairs = Self.medianAndSpread(differences), single = Self.medianAndSpread(onsets.map(\.addedLevel))
                let unrelated = 2.squareRoot() * single.spread
                // Only where it tells a pair from a release followed by the next press: the
                // release distinctly quieter (or louder) than its press, by more than that varies.
                if pairs.spread > 0, pairs.spread < unrelated, abs(pairs.median) > pairs.spread {
                    levelPairs = (pairs.median, max(pairs.spread, 1), unrelated)
                    releaseAt = decodeLabels(evidence)
                }
            }
        }
        // (`learnt` is nil exactly where `model` is: none learnt, or a seed rejected.)
        shapeModelSeparation = learnt?.first.separation
        shapeModelSource = learnt?.source
        swappedPairShare = learnt?.first.swapped
        // The pairs decoded (amid typing) teach how much quieter this keyboard's releases are than
        // its presses, and what its presses sound like.
        let allDecoded = pairs(releaseAt), decoded = amidTyping(allDecoded)
        let drops = decoded.map { onsets[$0.release].level - onsets[$0.press].level }, confirmed = decoded.map { onsets[$0.press].shape }
        // …and how widely that varies from stroke to stroke: releases are told from presses by
        // level only when they are quieter by more.
        let dropStatistics = drops.count >= settings.shapeModelMinimumPairs ? Self.medianAndSpread(drops) : nil
        let releaseDrop = dropStatistics.map { Float($0.median) }, releaseDropSpread = dropStatistics.map { Float($0.spread) }
        releaseDropDB = releaseDrop.map(Double.init)
        let template = PressTemplate(presses: confirmed, minimumPresses: settings.shapeModelMinimumPairs)
        func typicalityOf(_ onset: Candidate) -> Double? {
            template?.typicality(onset.shape, observed: onset.observed, minimumObservedShare: settings.typicalityObservedShare)
        }
        let confirmedLevels = decoded.count >= settings.shapeModelMinimumPairs
            ? decoded.map { onsets[$0.press].addedLevel }.sorted() : []
        var presses: [Keystroke] = []
        func loudness(_ onset: Candidate) -> Double? {
            confirmedLevels.isEmpty ? nil
                : Double(confirmedLevels.partitionIndex { $0 < onset.addedLevel }) / Double(confirmedLevels.count)
        }
        func press(_ index: Int, releaseHeard: Bool, onRelease: Bool = false) {
            press(onsets[index], releaseHeard: releaseHeard, onRelease: onRelease)
        }
        // `measured`: the onset's typicality and loudness, when already measured.
        func press(_ onset: Candidate, releaseHeard: Bool, onRelease: Bool = false, faint: Bool = false,
                   measured: (typicality: Double?, loudness: Double?)? = nil) {
            // A faint press's is half what its height alone gives: below 0.5 (the keyboard
            // detector's bar for heard-but-not-logged evidence).
            let confidence = Double(1 / (1 + exp(-Double(onset.margin) / 0.5))) * (faint ? 0.5 : 1)
            // Its release, as much quieter as this keyboard's usually are, would not have stood
            // `minimumRiseDB` above what was sounding before the press.
            let masked = releaseDrop.map { Double(onset.level + $0 - onset.background) < settings.minimumRiseDB } ?? false
            presses.append(Keystroke(time_s: time(onset.start), confidence: confidence, strength: Double(onset.strength),
                                     releaseHeard: releaseHeard, releaseMasked: masked,
                                     typicality: measured.map { $0.typicality } ?? typicalityOf(onset),
                                     loudness: measured.map { $0.loudness } ?? loudness(onset),
                                     impulsiveness: onset.impulsiveness.map(Double.init), pressedOnRelease: onRelease, faint: faint))
        }
        // Where a lone onset's partner would be — its release a dwell time after it, or its
        // press a dwell time before it (within two spreads, at least one onset away) — the
        // higher peak of the onset function: +1 after, −1 before, 0 neither
        // (`lonePartnerEvidence`).
        func highestPeak(from lo: Double, to hi: Double) -> Float {
            let lowest = Int((lo / hopSeconds).rounded(.up))
            let first = peaks.partitionIndex { Int($0.index) < lowest }
            var highest: Float = 0
            for k in first..<peaks.count {
                guard Double(peaks[k].index) * hopSeconds <= hi else { break }
                highest = max(highest, peaks[k].height)
            }
            return highest
        }
        var partnerSide = [Int](repeating: 0, count: n)
        let reach = 2 * spread, nearest = Double(minimumGap) * hopSeconds
        func side(_ onset: Candidate) -> Int {
            let at = Double(onset.index) * hopSeconds
            let after = highestPeak(from: at + max(dwell - reach, nearest), to: at + dwell + reach)
            let before = highestPeak(from: at - dwell - reach, to: at - max(dwell - reach, nearest))
            return after > before ? 1 : (before > after ? -1 : 0)
        }
        if settings.lonePartnerEvidence {
            for i in loneOnsets(releaseAt) where !echoLike[i] { partnerSide[i] = side(onsets[i]) }
        }
        // How often the higher peak is after the lone onsets that are surely presses, and after
        // those surely not (in the outer half of the evidence the discriminant can give either
        // way): the evidence of a higher peak after, counted only for a press.
        let sureEvidence = model.map { $0.evidenceBound / 2 } ?? .infinity
        var surePresses = (after: 0, all: 0), sureOthers = (after: 0, all: 0)
        for i in 0..<n where partnerSide[i] != 0 {
            if evidence[i] <= -sureEvidence { surePresses.all += 1; if partnerSide[i] > 0 { surePresses.after += 1 } }
            if evidence[i] >= sureEvidence { sureOthers.all += 1; if partnerSide[i] > 0 { sureOthers.after += 1 } }
        }
        let afterEvidence = Self.partnerAfterEvidence(presses: surePresses, others: sureOthers, priorCount: settings.partnerPriorCount,
                                                      minimumSure: settings.partnerMinimumSure)
        partnerAfterEvidence = afterEvidence
        partnerSureCounts = (surePresses.all, sureOthers.all)
        func partnerEvidence(_ i: Int) -> Double { partnerSide[i] > 0 ? afterEvidence : 0 }
        // A lone onset shaped like a release is the release of a press that was not heard —
        // or, one dwell time after a release, the release of a press that landed on that
        // release (fast typing: one onset, two events), which is then reported too.
        // On a keyboard whose releases are clearly quieter than its presses, a release that was
        // also a press carries the press's sound: it must be nearer the level of a press than of a
        // release (louder than its own press less half the usual drop), or a second sound after a
        // release — a speech sound, a key's rattle — would make every such release a press.
        var lastPress = -1, lastRelease = -1, landedOn: [Int] = [], lonePresses = Set<Int>()
        func alsoPressed(_ release: Int) -> Bool {
            guard settings.pressesOnReleasesLevelGate, let drop = releaseDrop, let spread = releaseDropSpread, drop < -spread,
                  lastPress >= 0 else { return true }
            return onsets[release].level - onsets[lastPress].level > drop / 2
        }
        func lone(_ index: Int) {
            if echoLike[index] { return }
            if evidence[index] + partnerEvidence(index) <= settings.lonePressEvidenceBar {
                lonePresses.insert(index)
                return press(index, releaseHeard: false)
            }
            guard settings.pressesOnReleases, lastRelease >= 0, lastRelease == index - 1 || lastRelease == index - 2,
                  let score = pairScore(lastRelease, index), score > 0, alsoPressed(lastRelease) else { return }
            landedOn.append(lastRelease)
        }
        var index = 0
        while index < n {
            if releaseAt[index] > 0 {
                press(index, releaseHeard: true)
                lastPress = index
                lastRelease = index + releaseAt[index]
                if releaseAt[index] == 2 { lone(index + 1) }  // the sound in between
            } else {
                lone(index)
            }
            index += releaseAt[index] + 1
        }
        // Releases that were presses too, as far as this typist's flight times make that likely.
        let window = Double(minimumGap) * hopSeconds
        let flights = zip(allDecoded, allDecoded.dropFirst()).map { times[$1.press] - times[$0.release] }
        let first = flights.filter { $0 >= window && $0 < 2 * window }.count, second = flights.filter { $0 >= 2 * window && $0 < 3 * window }.count
        let landings = Double(max(0, 2 * first - second))
        expectedLandings = landings
        landingCandidates = landedOn.count
        // (Those, and faint presses below, are added out of order.)
        var unordered = false
        if !settings.pressesOnReleasesByFlightTimes || 2 * landings >= Double(landedOn.count) {
            for release in landedOn { press(release, releaseHeard: true, onRelease: true) }
            unordered = !landedOn.isEmpty
        }
        // Faint onsets that sound like a press on their own: not release-shaped, apart from the
        // onsets decoded (no nearer one than a release follows its press, nor at an echo delay
        // after a louder one), and passing one of the tests a press without its release must
        // pass (`faintPressTests`: typical, loud, joint or impulsive).
        if model != nil, !faintOnsets.isEmpty {
            let indices = onsets.map(\.index)
            let apart = Int((settings.releaseMinimumSeconds / hopSeconds).rounded())
            for onset in faintOnsets {
                let next = indices.partitionIndex { $0 < onset.index }
                if next < n && indices[next] - onset.index < apart { continue }
                if next > 0 && (onset.index - indices[next - 1] < apart || isEcho(onset, after: onsets[next - 1], delays)) { continue }
                if settings.faintReleasesOfLonePresses, next > 0, lonePresses.contains(next - 1),
                   let score = timingScore(time(onset.index) - times[next - 1]), score > 0 { continue }
                guard releaseEvidence(onset) + (afterEvidence < 0 && side(onset) > 0 ? afterEvidence : 0) <= 0 else { continue }
                let measured = (typicality: typicalityOf(onset), loudness: loudness(onset))
                guard settings.faintPressTests.passed(typicality: measured.typicality, loudness: measured.loudness,
                                                      impulsiveness: onset.impulsiveness.map(Double.init)) != nil
                else { continue }
                press(onset, releaseHeard: false, faint: true, measured: measured)
                unordered = true
            }
        }
        if unordered { presses.sort { $0.time_s < $1.time_s } }
        releaseLikePresses = 0
        // (Without a press template or loudness — too few pairs — no press has both shares.)
        if model == nil, settings.releaseLikeJointShare > 0 {
            presses = dropReleaseLike(presses, bar: settings.releaseLikeJointShare) { timingScore($0).map { $0 > 0 } ?? false }
        }
        return (presses, decoded.map { onsets[$0.press] })
    }

    /// `presses` (in time order) less those a dwell time after the last one kept (`atDwell`
    /// of the gap) whose typicality and loudness together are less likely of a press than `bar`
    /// (``KeystrokeSettings/releaseLikeJointShare``). A press landing on a release is left alone
    /// (it is at a dwell time by what it is); so is one without both shares. Counted in
    /// `releaseLikePresses`.
    private func dropReleaseLike(_ presses: [Keystroke], bar: Double, atDwell: (Double) -> Bool) -> [Keystroke] {
        var kept: [Keystroke] = []
        kept.reserveCapacity(presses.count)
        for press in presses {
            if let last = kept.last, !press.pressedOnRelease, atDwell(press.time_s - last.time_s),
               let typicality = press.typicality, let loudness = press.loudness,
               PressTemplate.jointShare(typicality, loudness) < bar {
                releaseLikePresses += 1
                continue
            }
            kept.append(press)
        }
        return kept
    }
}

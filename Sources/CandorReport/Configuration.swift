import Foundation

/// Every threshold Candor uses, in one value with documented defaults (`candor config
/// defaults`). Detectors read it; the report echoes it. A configuration file may set any
/// subset; missing keys keep their defaults; unknown or mistyped keys are errors naming the key.
public struct Configuration: Sendable, Equatable, Codable {
    public static let schema = "candor.config/1"

    public struct Speech: Sendable, Equatable, Codable {
        public var onsetMarginDB: Double = 12
        public var offsetMarginDB: Double = 8
        public var absoluteMinimumDBFS: Double = -60
        public var gateDBFS: Double = -90
        public var minimumSpeechSeconds: Double = 0.2
        public var minimumSilenceSeconds: Double = 0.3
        public var bleedMarginDB: Double = 12
        public init() {}
        enum CodingKeys: String, CodingKey {
            case onsetMarginDB = "onset_margin_db", offsetMarginDB = "offset_margin_db"
            case absoluteMinimumDBFS = "absolute_minimum_dbfs", gateDBFS = "gate_dbfs"
            case minimumSpeechSeconds = "minimum_speech_s", minimumSilenceSeconds = "minimum_silence_s"
            case bleedMarginDB = "bleed_margin_db"
        }
        public static let documentation: [String: String] = [
            "onset_margin_db": "speech starts this far above the local noise floor (dB)",
            "offset_margin_db": "speech continues while this far above the noise floor (dB)",
            "absolute_minimum_dbfs": "never speech below this speech-band level (dBFS)",
            "gate_dbfs": "frames below this are digital silence from noise suppression (dBFS)",
            "minimum_speech_s": "shorter speech bursts are dropped (s)",
            "minimum_silence_s": "shorter pauses inside speech are bridged (s)",
            "bleed_margin_db": "two-source recordings: speech this far below the other source, relative to each source's own speech level, is crosstalk (dB)",
        ]
    }

    public struct Latency: Sendable, Equatable, Codable {
        /// An answer starting later than this after the question's end is slow.
        public var slowAnswerSeconds: Double = 2.5
        /// The detector flags when the median latency reaches this…
        public var flagMedianSeconds: Double = 2.0
        /// …and at least this fraction of answers are slow (consistency, not one hard question).
        public var flagSlowFraction: Double = 0.5
        /// Fewer question–answer pairs than this is inconclusive.
        public var minimumPairs: Int = 4
        /// Candidate speech shorter than this (with its continuation) is a backchannel, not an answer…
        public var minimumAnswerSeconds: Double = 1.0
        /// …where the continuation is more candidate speech within this many seconds with no
        /// interviewer speech in between (a short first sentence, a pause, then the rest).
        public var answerContinuationSeconds: Double = 1.5
        /// An interviewer turn shorter than this is not a question (without question markers).
        public var minimumQuestionSeconds: Double = 0.5
        /// Answers later than this after a question are not paired with it.
        public var maximumLatencySeconds: Double = 15
        public init() {}
        enum CodingKeys: String, CodingKey {
            case slowAnswerSeconds = "slow_answer_s", flagMedianSeconds = "flag_median_s"
            case flagSlowFraction = "flag_slow_fraction", minimumPairs = "minimum_pairs"
            case minimumAnswerSeconds = "minimum_answer_s", minimumQuestionSeconds = "minimum_question_s"
            case maximumLatencySeconds = "maximum_latency_s", answerContinuationSeconds = "answer_continuation_s"
        }
        public static let documentation: [String: String] = [
            "slow_answer_s": "an answer starting later than this after the question ends is slow (s); conversational gaps are ~0.2 s in person, ~0.5–1 s over video",
            "flag_median_s": "flag when the median answer latency reaches this (s)…",
            "flag_slow_fraction": "…and at least this fraction of answers are slow",
            "minimum_pairs": "fewer question–answer pairs is inconclusive",
            "minimum_answer_s": "shorter candidate speech, with its continuation, is a backchannel, not an answer (s)",
            "answer_continuation_s": "candidate speech continues an answer when it follows within this, with no interviewer speech between (s)",
            "minimum_question_s": "shorter interviewer turns are not questions when the log has no question markers (s)",
            "maximum_latency_s": "later answers are not paired with the question (s)",
        ]
    }

    public struct Keyboard: Sendable, Equatable, Codable {
        /// A logged key and a heard one this close (after alignment) are the same keystroke.
        public var matchToleranceSeconds: Double = 0.05
        /// The clock offset between log and media is searched within ± this.
        public var offsetSearchSeconds: Double = 10
        /// At least this many matched keys to trust an offset estimated from keystrokes.
        public var minimumMatchedKeys: Int = 20
        /// Unmatched keys closer together than this form one window.
        public var windowGapSeconds: Double = 3
        /// A mismatch window needs at least this many unmatched keys…
        public var minimumWindowKeys: Int = 8
        /// …and at most this fraction of keys in it matched.
        public var maximumWindowMatchFraction: Double = 0.2
        /// Logged-but-not-heard needs this fraction of logged keys heard outside the windows.
        public var minimumAudibleFraction: Double = 0.5
        /// Heard keystrokes below this confidence do not count towards heard-but-not-logged.
        public var minimumConfidence: Double = 0.5
        /// Windows with at least this many keys are medium, and at least this many high severity.
        public var mediumSeverityKeys: Int = 20
        public var highSeverityKeys: Int = 50
        /// Within the candidate's speech (± `speechMarginSeconds`), a transient counts as a key
        /// press only when its release is heard too: plosive bursts are lone transients.
        public var requireReleaseInSpeech = true
        /// Heard-but-not-logged evidence: presses inside the candidate's speech count when heard
        /// with their releases amid typing (`typingContextKeys` others within
        /// `typingContextSeconds`); `false`: only presses outside speech count.
        public var unloggedPairedInSpeech = true
        public var speechMarginSeconds: Double = 0.2
        /// …and with `typingContextKeys` other such presses within this many seconds (typing
        /// comes in bursts; speech through a voice codec makes a pair-like sound now and then,
        /// and two of them within a second by chance).
        public var typingContextSeconds: Double = 1
        public var typingContextKeys: Int = 2
        /// The rule is off when this keyboard's releases are not heard: at least
        /// `releaseEvidenceKeys` presses outside speech, fewer than this fraction with a release.
        public var minimumReleaseFraction: Double = 0.3
        public var releaseEvidenceKeys: Int = 10
        /// Inside speech, a press without a release still counts when its release would have been
        /// too quiet to hear over the speech (this keyboard's releases are quieter than its
        /// presses by more than the press stood above the speech), another press is heard within
        /// `typingContextSeconds`, and its spectral shape is no less typical of this keyboard's
        /// presses than this share of them (0…1; 1 turns the exception off).
        public var minimumPressTypicality: Double = 0.05
        /// Inside speech, a press without a release also counts, whatever its release would have
        /// sounded like, when another press is heard within `typingContextSeconds` and its spectral
        /// shape is no less typical of this keyboard's presses than this share of them (0…1; 1
        /// turns it off). Speech's own transients are rarely typical of a keyboard's presses
        /// (measured: a median typicality under 0.1, against about 0.45 for presses), so this bar
        /// is higher than `minimumPressTypicality`, where the masked release already speaks for a key.
        public var lonePressTypicality: Double = 0.25
        /// Inside speech, a press without a release also counts when another press is heard within
        /// `typingContextSeconds`, it is at least as loud as this share of this keyboard's presses
        /// heard with their releases (by the power it adds over what sounded before it: 0.5, as
        /// loud as the median press), and its spectral shape is no less typical of them than
        /// `minimumPressTypicality` (0…1; 1 turns it off). Speech's lone transients add far less
        /// power in the key band than presses do (measured: a median below the quietest 5 % of
        /// the presses, against 0.13–0.55 for the presses the shape bar sets aside).
        public var loudPressShare: Double = 0.5
        /// Inside speech, a press without a release also counts when another press is heard within
        /// `typingContextSeconds`, at least this share of its energy in the onset band (from 5 ms
        /// before it to 20 ms after) arrives within its loudest 2 ms (``Keystroke/impulsiveness``),
        /// and it is no quieter than `impulsivePressLoudness` of this keyboard's presses heard with
        /// their releases (0…1; 1 turns it off). A key's impact delivers its energy at once;
        /// speech's sounds spread theirs (measured on the benchmark's eight real keyboards: about
        /// three of four lone presses amid typing at 0.7 or more, against one in four of speech's
        /// lone transients there, which are also mostly quieter than the keyboard's quietest presses).
        public var impulsivePressShare: Double = 0.7
        public var impulsivePressLoudness: Double = 0.05
        /// Inside speech, a press without a release also counts when another press is heard within
        /// `typingContextSeconds` and its typicality and loudness (shares of this keyboard's
        /// presses heard with their releases) taken together are no less likely of a press than
        /// this: Fisher's combination, a·b·(1 − ln(a·b)) (``PressTemplate/jointShare(_:_:)``;
        /// 0…1, 1 turns it off). A quiet press under speech is often middling on both where
        /// speech's lone transients are low on both.
        public var jointPressShare: Double = 0.05
        /// The recording's own speech sets a bar for lone presses inside it (a constant
        /// false-alarm rate): the lone transients inside speech at least
        /// `speechTransientDistanceSeconds` from any press kept are the speech's own sounds (away
        /// from typing). With at least `speechTransientMinimumCount` of them, a lone press inside
        /// speech kept by one of the rules above is kept only if it is more key-like than
        /// `speechTransientShare` of them — key-likeness being the product of its typicality,
        /// loudness and impulsiveness (each from no lower than 0.01: the order Fisher's
        /// combination of the three would give). An interview is mostly talk, and its speech
        /// sounds amid the typing pass the rules now and then; the speech away from typing
        /// shows how often, recording by recording. 0: off.
        public var speechTransientShare: Double = 0.95
        public var speechTransientDistanceSeconds: Double = 3
        public var speechTransientMinimumCount: Int = 10
        /// The key-press detector's onset band (Hz, of 48 kHz audio) and adaptive threshold
        /// (local median + this many median absolute deviations of the onset function). Tuned
        /// on the Model M; a duller keyboard's clicks hold less of their energy above 2 kHz.
        public var onsetBandLowHz: Double = 2000
        public var onsetBandHighHz: Double = 20000
        public var onsetThresholdMADs: Double = 6
        /// Faint onsets, below that threshold down to this many MADs, are left out of the
        /// press/release decoding and reported as presses only when they sound like this
        /// recording's presses on their own: not release-shaped, apart from other onsets, and at
        /// least `faintPressTypicality` typical of its presses heard with their releases, or as
        /// impulsive and loud as `impulsivePressShare` and `impulsivePressLoudness` ask, or as
        /// loud and typical as `loudPressShare` and `minimumPressTypicality` ask, or typical and loud
        /// enough taken together (`jointPressShare`)
        /// (``KeystrokeSettings/faintThresholdMADs``). `onsetThresholdMADs` or more turns this off.
        public var faintOnsetThresholdMADs: Double = 3.5
        public var faintPressTypicality: Double = 0.4
        /// Onsets that fall short of the rise or the decay test but pass it at this share of its
        /// bars are faint too (``KeystrokeSettings/faintTestShare``). 1 turns this off.
        public var faintTestShare: Double = 0.5
        /// A press's typicality is measured on the shape bands where it stands out of what
        /// sounded before it, when they are at least this share of the bands
        /// (``KeystrokeSettings/typicalityObservedShare``). 1: always on all of them.
        public var typicalityObservedShare: Double = 0.75
        /// Likewise whether a click sounds like a press or a release
        /// (``KeystrokeSettings/releaseObservedShare``). 1: always on all bands.
        public var releaseObservedShare: Double = 0.75
        /// The press/release discriminant is corrected for the share of the pairs it learns from
        /// that were decoded out of phase (``KeystrokeSettings/correctSwappedPairs``).
        public var correctSwappedPairs = true
        /// The recording's keyboard (press and release shapes and levels, press template,
        /// loudness, the clicks' band) is learnt from the press–release pairs amid typing only:
        /// another pair's press within this many seconds
        /// (``KeystrokeSettings/learningContextSeconds``). 0: from every pair.
        public var learningContextSeconds: Double = 1
        /// A press/release discriminant learnt from timing alone that separates them by less than
        /// this many deviations is refined on the pairs decoded with it
        /// (``KeystrokeSettings/shapeModelRefineBelow``). 0: never.
        public var shapeModelRefineBelow: Double = 1.35
        /// Where neither timing nor the level seed gives a press/release discriminant, one is
        /// learnt from the bursts of typing — each one's first sound a press, its last a
        /// release — bursts being runs of onsets with none this many seconds before or after
        /// (``KeystrokeSettings/burstSeedGapSeconds``). 0: never.
        public var burstSeedGapSeconds: Double = 0.5
        /// Where timing gives no press/release discriminant (tried before the bursts), the pairs
        /// timing decoded whose release is quieter than their press seed one, refined on the
        /// pairs it decodes (``KeystrokeSettings/levelSeed``). `false`: never.
        public var levelSeed = true
        /// The typist's dwell time is learnt again from the pairs decoded amid typing and the
        /// labelling decoded once more
        /// (``KeystrokeSettings/relearnDwell``). `false`: the first estimate stays.
        public var relearnDwell = true
        /// The discriminant's evidence counts as confusion only the wrong-side share beyond its
        /// Gaussians' own overlap (``KeystrokeSettings/confusionBeyondOverlap``). `false`: the
        /// whole share.
        public var confusionBeyondOverlap = true
        /// Amid clear typing, a release-shaped onset left lone costs this much against pairing it
        /// (``KeystrokeSettings/loneReleaseCostAmidTyping``). 0: no cost.
        public var loneReleaseCost: Double = 1
        /// …amid clear typing: within `learningContextSeconds` of this many clear pairs
        /// (``KeystrokeSettings/loneReleaseContextPairs``).
        public var loneReleaseContextPairs: Int = 3
        /// A lone onset is reported as a press while its release evidence is at most this
        /// (``KeystrokeSettings/lonePressEvidenceBar``). 0: whichever its shape says.
        public var lonePressReleaseEvidence: Double = 0.5
        /// Without a press/release discriminant, a press a dwell time after the last one is
        /// reported only if its typicality and loudness together are at least this likely of
        /// this keyboard's presses: otherwise it is probably a release decoded as a press
        /// (``KeystrokeSettings/releaseLikeJointShare``). 0: never left out.
        public var releaseLikeJointShare: Double = 0.1
        /// Inside speech, a lone press's typing around it starts from a press heard with its
        /// release only if that one is credible as a key: outside speech, amid typing, or
        /// passing one of the lone-press tests itself (speech makes pair-like sounds now and
        /// then). `false`: any press heard with its release.
        public var testedContextPairs = true
        /// Onsets are also measured in narrower bands (to 9 and 13 kHz), and the narrowest still
        /// holding this recording's clicks is used: a keyboard heard through a meeting app's voice
        /// codec has nothing above 8 or 12 kHz, and speech mixed in afterwards fills the band above
        /// (``KeystrokeSettings/narrowerBandTopsHz``). `false`: the onset band as set.
        public var adaptiveOnsetBand = true
        /// Once the clicks' band is known, a transient that also rises above it, adding power
        /// there within this many dB of what it adds in the band (and nearer than this
        /// recording's own presses come), is set aside as a sound of its own — speech mixed in
        /// over a keyboard heard through a narrower channel
        /// (``KeystrokeSettings/aboveClickBandMarginDB``). 0 turns this off.
        public var aboveClickBandMarginDB: Double = 20
        public init() {}
        enum CodingKeys: String, CodingKey {
            case matchToleranceSeconds = "match_tolerance_s", offsetSearchSeconds = "offset_search_s"
            case minimumMatchedKeys = "minimum_matched_keys", windowGapSeconds = "window_gap_s"
            case minimumWindowKeys = "minimum_window_keys", maximumWindowMatchFraction = "maximum_window_match_fraction"
            case minimumAudibleFraction = "minimum_audible_fraction", minimumConfidence = "minimum_confidence"
            case mediumSeverityKeys = "medium_severity_keys", highSeverityKeys = "high_severity_keys"
            case requireReleaseInSpeech = "require_release_in_speech", speechMarginSeconds = "speech_margin_s"
            case unloggedPairedInSpeech = "unlogged_paired_in_speech"
            case minimumReleaseFraction = "minimum_release_fraction", releaseEvidenceKeys = "release_evidence_keys"
            case typingContextSeconds = "typing_context_s", typingContextKeys = "typing_context_keys"
            case minimumPressTypicality = "minimum_press_typicality"
            case lonePressTypicality = "lone_press_typicality", loudPressShare = "loud_press_share"
            case impulsivePressShare = "impulsive_press_share", impulsivePressLoudness = "impulsive_press_loudness"
            case jointPressShare = "joint_press_share"
            case speechTransientShare = "speech_transient_share", speechTransientDistanceSeconds = "speech_transient_distance_s"
            case speechTransientMinimumCount = "speech_transient_minimum_count"
            case onsetBandLowHz = "onset_band_low_hz", onsetBandHighHz = "onset_band_high_hz"
            case onsetThresholdMADs = "onset_threshold_mads", adaptiveOnsetBand = "adaptive_onset_band"
            case faintOnsetThresholdMADs = "faint_onset_threshold_mads", faintPressTypicality = "faint_press_typicality"
            case faintTestShare = "faint_test_share"
            case typicalityObservedShare = "typicality_observed_share", releaseObservedShare = "release_observed_share"
            case aboveClickBandMarginDB = "above_click_band_margin_db"
            case correctSwappedPairs = "correct_swapped_pairs", learningContextSeconds = "learning_context_s"
            case shapeModelRefineBelow = "shape_model_refine_below", burstSeedGapSeconds = "burst_seed_gap_s"
            case levelSeed = "level_seed", relearnDwell = "relearn_dwell", confusionBeyondOverlap = "confusion_beyond_overlap"
            case loneReleaseCost = "lone_release_cost", loneReleaseContextPairs = "lone_release_context_pairs"
            case lonePressReleaseEvidence = "lone_press_release_evidence"
            case releaseLikeJointShare = "release_like_joint_share", testedContextPairs = "tested_context_pairs"
        }
        public static let documentation: [String: String] = [
            "match_tolerance_s": "a logged and a heard key this close after alignment are one keystroke (s)",
            "offset_search_s": "the log-to-media clock offset is searched within ± this (s)",
            "minimum_matched_keys": "matched keys needed to trust a keystroke-based clock offset; else the session header is used",
            "window_gap_s": "unmatched keys closer than this form one window (s)",
            "minimum_window_keys": "a mismatch window needs at least this many unmatched keys",
            "maximum_window_match_fraction": "…and at most this fraction of its keys matched",
            "minimum_audible_fraction": "logged-not-heard needs this fraction of logged keys heard elsewhere",
            "minimum_confidence": "heard keystrokes below this confidence do not count as heard-not-logged",
            "unlogged_paired_in_speech": "inside the candidate's speech, presses heard with their releases amid typing (typing_context_keys others within typing_context_s) count as heard-not-logged evidence; other presses there never do — plosives are transients too (false: only presses outside speech count)",
            "medium_severity_keys": "windows with this many keys are medium severity",
            "high_severity_keys": "windows with this many keys are high severity",
            "require_release_in_speech": "within the candidate's speech a transient counts as a key press only if its release is heard too (plosives are lone transients)",
            "speech_margin_s": "how far either side of the candidate's speech that rule applies (s)",
            "typing_context_s": "…and there a press also needs typing_context_keys other presses with their releases within this distance: typing comes in bursts (s)",
            "typing_context_keys": "…how many (speech through a voice codec makes a press-and-release-like pair of sounds now and then, and two of them within a second by chance; 1: any other); a faint press inside speech needs as many presses around it",
            "minimum_release_fraction": "the rule is off when fewer than this fraction of presses outside speech have a release heard (a keyboard with silent releases)…",
            "release_evidence_keys": "…out of at least this many",
            "lone_press_typicality": "inside speech a press without a release also counts, whatever its release would have sounded like, if another press is heard within typing_context_s and its spectral shape is no less typical of this keyboard's presses heard with releases than this share of them (0–1; 1 turns this off)",
            "loud_press_share": "inside speech a press without a release also counts if another press is heard within typing_context_s, it adds at least as much power as this share of this keyboard's presses heard with releases (0.5: as loud as the median press), and its spectral shape is no less typical of them than minimum_press_typicality (0–1; 1 turns this off)",
            "impulsive_press_share": "inside speech a press without a release also counts if another press is heard within typing_context_s and at least this share of its onset-band energy (5 ms before it to 20 ms after) arrives within its loudest 2 ms — a key's impact, not a speech sound — and it is no quieter than impulsive_press_loudness of this keyboard's presses heard with releases (0–1; 1 turns this off)",
            "joint_press_share": "inside speech a press without a release also counts if another press is heard within typing_context_s and its typicality and loudness (shares of this keyboard's presses heard with releases) taken together — Fisher's combination, a·b·(1 − ln(a·b)) — are no less likely of a press than this (0–1; 1 turns this off); faint onsets pass the same test",
            "speech_transient_share": "the recording's own speech sets a bar for lone presses inside it: with at least speech_transient_minimum_count lone transients inside speech speech_transient_distance_s or more from any press kept (the speech's own sounds, away from typing), a lone press inside speech kept by the rules above is kept only if it is more key-like — the product of its typicality, loudness and impulsiveness, each from no lower than 0.01 — than this share of them (0–1; 0 turns this off)",
            "speech_transient_distance_s": "…how far from any press kept a lone transient inside speech must be to count as the speech's own (s)",
            "speech_transient_minimum_count": "…how many of those the bar needs (fewer: no bar)",
            "impulsive_press_loudness": "…the share of this keyboard's presses heard with releases it must be at least as loud as (0–1)",
            "minimum_press_typicality": "inside speech a press without a release still counts if its release would have been too quiet to hear over the speech, another press is heard within typing_context_s, and its spectral shape is no less typical of this keyboard's presses heard with releases than this share of them (0–1; 1 turns this off)",
            "onset_band_low_hz": "key presses are found from sharp rises of this band's level (Hz; speech fills the band below 2 kHz)…",
            "onset_band_high_hz": "…to this frequency (Hz, at most 24000: the detector hears 48 kHz audio)",
            "adaptive_onset_band": "also find onsets in narrower bands (to 9 and 13 kHz) and use the narrowest that still holds this recording's clicks (a keyboard heard through a voice codec, speech mixed in afterwards; false: the band as set)",
            "above_click_band_margin_db": "a transient that also rises above the band this recording's clicks reach (click_band_top_hz), adding power there within this many dB of what it adds below (and 3 dB closer than 95 % of this recording's presses heard with their releases), is set aside as a sound of its own: speech mixed in over a keyboard heard through a voice codec (dB; 0 turns this off)",
            "onset_threshold_mads": "an onset must rise this many median absolute deviations above the onset function's local median (lower finds quieter keys and more speech sounds)",
            "faint_onset_threshold_mads": "onsets below onset_threshold_mads down to this many are faint: left out of the press/release decoding and reported as presses only when, on their own, they are not release-shaped, lie apart from other onsets, and are at least faint_press_typicality typical of this keyboard's presses heard with releases, or as impulsive and loud as impulsive_press_share and impulsive_press_loudness ask, or as loud and typical as loud_press_share and minimum_press_typicality ask, or pass joint_press_share (faint_presses; onset_threshold_mads or more turns this off)",
            "typicality_observed_share": "a press's typicality is measured on the shape bands where it stands 3 dB out of what sounded before it (a quiet press under speech: the other bands are the speech's), when they are at least this share of the bands; with fewer, on all of them (0–1; 1: always all of them)",
            "correct_swapped_pairs": "the press/release discriminant learns from the pairs timing alone decodes, some of them out of phase (press taken for release and release for press; in fast typing a release is often followed by the next press within a dwell time), which makes presses and releases look more alike than they are: the share swapped is measured against the pairs whose press has no other click in the 0.2 s before it (they cannot be), at least 40 of them, and the discriminant's class means, spread and confusion corrected for it (false: taken as they are)",
            "learning_context_s": "what the recording teaches about its keyboard (press and release shapes and levels, the press template and loudness, the band its clicks reach) is learnt from the press–release pairs with another pair's press within this distance only: speech through a voice codec makes press–release-like pairs of its own, one at a time, and a recording that is mostly talk would otherwise teach its speech as the keyboard (s; 0: every pair)",
            "tested_context_pairs": "inside speech, the typing around a lone press (another press within typing_context_s) starts from a press heard with its release only if that one is credible as a key: outside speech, amid typing (typing_context_keys others), its release masked, or passing one of the lone-press tests itself — speech makes pair-like sounds now and then (false: any press heard with its release)",
            "level_seed": "where timing alone leaves no press/release discriminant (fast typing through a voice codec, a short stretch of typing amid talk can), before the bursts are tried, the pairs timing decoded whose release is quieter than their press seed one: a press bottoms out and its release does not, while a press taken for the release of the key before is quieter only half the time, so those pairs are about half as often out of phase; held to the bar a discriminant from timing is, then refined on the pairs it decodes whatever its own separation (chosen by level, it overstates it) (press_release_learnt_from: levels; false: never)",
            "relearn_dwell": "the typist's dwell time (how long a key is held: the centre and spread a press-release pair's gap is scored by) is first estimated from every gap of 30–200 ms between clicks, speech sounds' and the flights from a release to the next press among them, which makes it too wide where there is much speech; it is learnt again from the pairs decoded amid typing (with the press/release discriminant where one was learnt, by timing alone where none was) and the labelling decoded once more, a pair scoring by the log density of its gap (a narrower spread also raises the score of a pair that fits it) and a release looked for up to three spreads past the learnt centre where that is past 0.2 s (a typist who holds keys long) (false: the first estimate stays)",
            "confusion_beyond_overlap": "the press/release discriminant's evidence models each class as a mixture with some of the other (keys whose press sounds like another key's release, pairs decoded wrongly), which bounds what one click can say: that share is the share of its held-out clicks on the wrong side of its midpoint beyond what its two Gaussian classes' own overlap puts there (at least 0.02). false: the whole wrong-side share, which counts the overlap twice — a discriminant separating presses from releases by one deviation then gave a click one deviation past its midpoint 0.35 instead of 1, too faint to outweigh timing where timing misleads (a typist's keys rolled over or landing on the last key's release)",
            "lone_release_cost": "amid clear typing (within learning_context_s — 1 s — of three pairs whose release's shape evidence exceeds its press's by half the most one click can give), a release-shaped onset left lone — a release whose press was not heard — costs this much (log-likelihood units) against pairing it: there presses are seldom not heard, and a key whose press sounds like a release would otherwise be left lone with its release (0: no cost)",
            "lone_release_context_pairs": "…how many clear pairs (a release's shape evidence exceeding its press's by half the most one click can give) make clear typing for lone_release_cost: within learning_context_s of that many of their presses (at least 1)",
            "lone_press_release_evidence": "an onset the decoding leaves lone (no release paired with it) is reported as a press while its release evidence — how much likelier its shape is of a release than of a press, log ratio, with the trace of a release after it — is at most this: lone presses outnumber lone releases, and on the benchmark the two are equally common among lone onsets at evidence about 0.5 (0: whichever its shape says)",
            "release_like_joint_share": "without a press/release discriminant (press_release_learnt_from null), a press a dwell time after the last one reported — where that one's release would be — is reported only if its typicality and loudness taken together are at least this likely of this keyboard's presses (as joint_press_share measures it); else it is probably a release decoded as a press (counted in release_like_presses; 0: never left out)",
            "burst_seed_gap_s": "where neither timing alone nor the level seed gives a press/release discriminant, one is learnt from the bursts of typing — runs of at least four onsets with none this many seconds before or after: each one's first sound a press, its last a release, whatever order the keys between went down and up in — held to the bar a discriminant from timing is and refined like one (press_release_learnt_from: bursts; 0: never) (s)",
            "shape_model_refine_below": "a press/release discriminant learnt from the pairs timing alone decodes that separates presses from releases by less than this many deviations on held-out pairs (it alone would mislabel more than a quarter of the clicks) is refitted on the pairs decoded with its evidence, and the labelling decoded again, up to six times while the refit separates them further: in fast typing (the next press within a dwell time of a release) timing alone decodes many pairs out of phase and the first discriminant is weak (press_release_refinements; press_release_separation stays the first's; 0: never)",
            "release_observed_share": "whether a click sounds like a press or a release is judged on the shape bands where it stands 3 dB out of what sounded before it, by the press/release discriminant refitted on those bands, when they are at least this share of the bands; with fewer, on all of them (0–1; 1: always all of them)",
            "faint_test_share": "onsets that fall short of the rise test or the decay test but pass it at this share of its bars are faint too (0–1; 1 turns this off)",
            "faint_press_typicality": "…how typical of this keyboard's presses heard with releases a faint onset must be (0–1; 1 turns that test off)",
        ]
    }

    public struct Voice: Sendable, Equatable, Codable {
        /// Each voice must hold at least this much of the candidate's speech to be flagged.
        public var minimumVoiceSeconds: Double = 20
        /// Less candidate speech than this is inconclusive.
        public var minimumSpeechSeconds: Double = 30
        /// Speaker-embedding window, in seconds of speech (windows do not overlap).
        public var windowSeconds: Double = 3
        /// A change of voice needs the two sides to differ by this effect size: the mean
        /// difference of their speaker statistics in units of the session's own
        /// window-to-window spread (≈ standard deviations)…
        public var minimumEffect: Double = 1.0
        /// …and to be significant at this level against the session's own null: the same
        /// statistic on the session's windows in shuffled order (a permutation test, which
        /// calibrates the change-point penalty per session).
        public var maximumPValue: Double = 0.01
        /// Shuffles in the permutation test.
        public var permutations: Int = 300
        /// Same-speaker threshold on the voiceprint similarity (0…1) for --reference and scan
        /// links. Calibrated on real voices (`bench/voice.py`, 30 s prints): same-speaker pairs
        /// across sessions scored 0.72–0.95, different speakers at most 0.55; 0.65 sits in the
        /// gap, nearer the same-speaker side so that a different person is not taken for the
        /// candidate. (0.8 rejected 11 % of same-speaker pairs.)
        public var referenceThreshold: Double = 0.65
        public init() {}
        enum CodingKeys: String, CodingKey {
            case minimumVoiceSeconds = "minimum_voice_s", minimumSpeechSeconds = "minimum_speech_s"
            case windowSeconds = "window_s", minimumEffect = "minimum_effect", maximumPValue = "maximum_p_value"
            case permutations = "permutations", referenceThreshold = "reference_threshold"
        }
        public static let documentation: [String: String] = [
            "minimum_voice_s": "each of two voices must hold this much candidate speech to be flagged (s)",
            "minimum_speech_s": "less candidate speech is inconclusive (s)",
            "window_s": "speaker-embedding window, in seconds of speech (windows do not overlap)",
            "minimum_effect": "a change of voice needs the two sides' speaker statistics to differ by this many within-session standard deviations",
            "maximum_p_value": "…and a permutation-test p-value at most this (the session's own windows, shuffled)",
            "permutations": "shuffles in the permutation test",
            "reference_threshold": "voiceprint similarity (0–1) at or above which --reference is the same speaker",
        ]
    }

    public struct Typing: Sendable, Equatable, Codable {
        /// An insert of at least this many characters is a paste worth reporting.
        public var largePasteCharacters: Int = 40
        /// A large paste this soon after a question starts or ends is medium severity.
        public var pasteAfterQuestionSeconds: Double = 60
        /// Rhythm checks need at least this many keys.
        public var minimumKeys: Int = 50
        /// Inter-key intervals with a coefficient of variation below this are scripted (human typing: about 0.5–1).
        public var scriptedMaximumCV: Double = 0.15
        /// Key hold times with a coefficient of variation below this are synthetic.
        public var holdMaximumCV: Double = 0.1
        /// This fraction of intervals within 1 ms of a multiple of 10 or 12 ms is a timer, not a hand.
        public var timerLockFraction: Double = 0.8
        /// Median inter-key interval changing by this factor between the first and last third of
        /// the typing (with a two-sample test at p < 0.001) is a change of typist.
        public var rhythmChangeRatio: Double = 1.6
        /// Out-of-focus time during open questions at or above this is medium severity (s).
        public var focusLostMediumSeconds: Double = 30
        public init() {}
        enum CodingKeys: String, CodingKey {
            case largePasteCharacters = "large_paste_chars", pasteAfterQuestionSeconds = "paste_after_question_s"
            case minimumKeys = "minimum_keys", scriptedMaximumCV = "scripted_maximum_cv", holdMaximumCV = "hold_maximum_cv"
            case timerLockFraction = "timer_lock_fraction", rhythmChangeRatio = "rhythm_change_ratio"
            case focusLostMediumSeconds = "focus_lost_medium_s"
        }
        public static let documentation: [String: String] = [
            "large_paste_chars": "inserts of at least this many characters are reported as pastes",
            "paste_after_question_s": "a large paste this soon after a question is medium severity (s)",
            "minimum_keys": "rhythm checks need at least this many key presses",
            "scripted_maximum_cv": "inter-key interval variation (CV) below this is scripted typing (humans: ~0.5–1)",
            "hold_maximum_cv": "key hold-time variation (CV) below this is synthetic",
            "timer_lock_fraction": "this share of intervals on a 10/12 ms grid is a timer, not a hand",
            "rhythm_change_ratio": "median interval changing by this factor between first and last third of typing is a change of typist",
            "focus_lost_medium_s": "time out of the coding window while questions are open, medium severity from (s)",
        ]
    }

    public var speech = Speech()
    public var latency = Latency()
    public var keyboard = Keyboard()
    public var voice = Voice()
    public var typing = Typing()

    public init() {}

    public static let defaults = Configuration()

    /// Key → description, for `candor config defaults --explain`.
    public static var documentation: [(section: String, key: String, text: String)] {
        var rows: [(String, String, String)] = []
        for (section, docs) in [("speech", Speech.documentation), ("latency", Latency.documentation),
                                ("keyboard", Keyboard.documentation), ("voice", Voice.documentation),
                                ("typing", Typing.documentation)] {
            for key in docs.keys.sorted() { rows.append((section, key, docs[key]!)) }
        }
        return rows
    }

    /// The configuration as JSON (what the report echoes under `thresholds`).
    public var json: JSONValue { (try? JSONValue.from(self)) ?? .null }

    /// An error in a configuration file, naming the key.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let message: String
        public var description: String { "'\(path)': \(message)" }
    }

    /// Reads a configuration file: any subset of keys, checked against the defaults.
    public static func load(path: String) throws -> Configuration {
        // Read through a file handle: a pipe (`--config <(…)`) reports no size up front.
        guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() ?? Data() else {
            throw LoadError(path: path, message: "cannot read the configuration file; check the path")
        }
        try? handle.close()
        let user: JSONValue
        do { user = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw LoadError(path: path, message: "is not valid JSON (\(error.localizedDescription))")
        }
        return try merge(user, path: path)
    }

    /// Lays `user` over the defaults; every key must exist in the defaults with the same type.
    public static func merge(_ user: JSONValue, path: String) throws -> Configuration {
        guard case .object(var userObject) = user else {
            throw LoadError(path: path, message: "must hold a JSON object of sections (see `candor config defaults`)")
        }
        if let schema = userObject.removeValue(forKey: "schema"), schema != .string(schema_) {
            throw LoadError(path: path, message: "schema must be \"\(schema_)\"")
        }
        let merged = try overlay(defaults.json, JSONValue.object(userObject), keyPath: "", path: path)
        let data = try JSONEncoder().encode(merged)
        let configuration = try JSONDecoder().decode(Configuration.self, from: data)
        try configuration.validate(path: path)
        return configuration
    }

    /// Checks what single keys cannot: values that must agree with each other or lie in a range.
    func validate(path: String) throws {
        let band = (keyboard.onsetBandLowHz, keyboard.onsetBandHighHz)
        guard band.0 < band.1, band.1 <= 24000 else {
            throw LoadError(path: path, message: "'keyboard.onset_band_low_hz' (\(band.0)) must be below 'keyboard.onset_band_high_hz' (\(band.1)), which must be at most 24000 (half the 48 kHz rate keys are analysed at)")
        }
        guard keyboard.onsetThresholdMADs > 0 else {
            throw LoadError(path: path, message: "'keyboard.onset_threshold_mads' must be above 0")
        }
        guard keyboard.loneReleaseContextPairs >= 1 else {
            throw LoadError(path: path, message: "'keyboard.lone_release_context_pairs' must be at least 1 (lone_release_cost 0 turns the cost off)")
        }
        guard keyboard.typingContextKeys >= 1 else {
            throw LoadError(path: path, message: "'keyboard.typing_context_keys' must be at least 1 (1: any other press)")
        }
        // A pause between bursts is longer than any key is held (the keystroke detector's
        // `releaseMaximumSeconds`): a shorter one would split a key's press from its release.
        let held = 0.2
        guard keyboard.burstSeedGapSeconds == 0 || keyboard.burstSeedGapSeconds > held else {
            throw LoadError(path: path, message: "'keyboard.burst_seed_gap_s' must be 0 (off) or above \(held) s, the longest a key is held (got \(keyboard.burstSeedGapSeconds))")
        }
        // Shares of this keyboard's presses (0…1).
        for (key, value) in [("minimum_press_typicality", keyboard.minimumPressTypicality),
                             ("lone_press_typicality", keyboard.lonePressTypicality),
                             ("loud_press_share", keyboard.loudPressShare),
                             ("impulsive_press_share", keyboard.impulsivePressShare),
                             ("impulsive_press_loudness", keyboard.impulsivePressLoudness),
                             ("joint_press_share", keyboard.jointPressShare),
                             ("faint_press_typicality", keyboard.faintPressTypicality),
                             ("faint_test_share", keyboard.faintTestShare),
                             ("typicality_observed_share", keyboard.typicalityObservedShare),
                             ("release_observed_share", keyboard.releaseObservedShare),
                             ("release_like_joint_share", keyboard.releaseLikeJointShare),
                             ("speech_transient_share", keyboard.speechTransientShare)] where !(0...1).contains(value) {
            throw LoadError(path: path, message: "'keyboard.\(key)' (\(value)) must lie between 0 and 1")
        }
    }

    private static let schema_ = schema

    private static func overlay(_ base: JSONValue, _ user: JSONValue, keyPath: String, path: String) throws -> JSONValue {
        switch (base, user) {
        case (.object(var baseObject), .object(let userObject)):
            for (key, value) in userObject {
                let name = keyPath.isEmpty ? key : "\(keyPath).\(key)"
                guard let existing = baseObject[key] else {
                    let known = baseObject.keys.sorted().joined(separator: ", ")
                    throw LoadError(path: path, message: "unknown key '\(name)' (known here: \(known))")
                }
                baseObject[key] = try overlay(existing, value, keyPath: name, path: path)
            }
            return .object(baseObject)
        case (.number(let old), .number(let new)):
            if old == old.rounded(), isIntegerKey(keyPath), new != new.rounded() {
                throw LoadError(path: path, message: "'\(keyPath)' must be a whole number, not \(new)")
            }
            guard new.isFinite else { throw LoadError(path: path, message: "'\(keyPath)' must be a finite number") }
            if new < 0, !keyPath.hasSuffix("dbfs") {
                throw LoadError(path: path, message: "'\(keyPath)' must not be negative (got \(new))")
            }
            return user
        case (.bool, .bool), (.string, .string):
            return user
        default:
            throw LoadError(path: path, message: "'\(keyPath)' must be \(typeName(base)), not \(typeName(user))")
        }
    }

    private static func isIntegerKey(_ keyPath: String) -> Bool {
        keyPath.hasSuffix("minimum_pairs") || keyPath.hasSuffix("_context_pairs") || keyPath.hasSuffix("_count") || keyPath.hasSuffix("_keys")
            || keyPath.hasSuffix("permutations") || keyPath.hasSuffix("_chars")
    }

    private static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "true or false"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}

import CandorDSP
import CandorPipeline
import CandorReport
import Foundation
import Testing

@Suite("Detector settings from the configuration")
struct SettingsTests {
    /// Each of the `keyboard` keys that tune the key-press detector itself (the onset search and
    /// the press/release decoding; the others tune the matching against the log), set away from
    /// its default, reaches its settings: a key read but never passed on would be silently ignored.
    @Test("keyboard keys reach the key-press detector")
    func keyboardKeys() throws {
        let json = #"""
        {"keyboard": {"onset_band_low_hz": 3000, "onset_band_high_hz": 16000, "onset_threshold_mads": 7,
                      "faint_onset_threshold_mads": 4, "faint_test_share": 0.5, "typicality_observed_share": 0.6,
                      "release_observed_share": 0.7, "correct_swapped_pairs": false, "learning_context_s": 2,
                      "shape_model_refine_below": 1, "burst_seed_gap_s": 0.8, "level_seed": false, "relearn_dwell": false,
                      "confusion_beyond_overlap": false, "lone_release_cost": 2, "lone_release_context_pairs": 5, "lone_press_release_evidence": 0.25,
                      "release_like_joint_share": 0.2, "adaptive_onset_band": false, "above_click_band_margin_db": 0}}
        """#
        let user = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        let settings = Analysis.keystrokeSettings(try Configuration.merge(user, path: "c.json"))
        let defaults = KeystrokeSettings()
        #expect(settings.bandLowHz == 3000 && settings.bandHighHz == 16000)
        #expect(settings.thresholdMADs == 7 && settings.faintThresholdMADs == 4 && settings.faintTestShare == 0.5)
        #expect(settings.typicalityObservedShare == 0.6 && settings.releaseObservedShare == 0.7)
        #expect(!settings.correctSwappedPairs && !settings.levelSeed && !settings.relearnDwell && !settings.confusionBeyondOverlap)
        #expect(settings.learningContextSeconds == 2 && settings.shapeModelRefineBelow == 1 && settings.burstSeedGapSeconds == 0.8)
        #expect(settings.loneReleaseCostAmidTyping == 2 && settings.loneReleaseContextPairs == 5 && settings.lonePressEvidenceBar == 0.25)
        #expect(settings.releaseLikeJointShare == 0.2)
        #expect(settings.narrowerBandTopsHz.isEmpty && !defaults.narrowerBandTopsHz.isEmpty)
        #expect(settings.aboveClickBandMarginDB == nil)
        // The defaults, unchanged, are the detector's own.
        let unchanged = Analysis.keystrokeSettings(.defaults)
        #expect(unchanged.loneReleaseContextPairs == defaults.loneReleaseContextPairs)
        #expect(unchanged.lonePressEvidenceBar == defaults.lonePressEvidenceBar)
        #expect(unchanged.loneReleaseCostAmidTyping == defaults.loneReleaseCostAmidTyping)
        #expect(unchanged.thresholdMADs == defaults.thresholdMADs && unchanged.learningContextSeconds == defaults.learningContextSeconds)
    }
}

import Foundation

/// One key press heard in the audio.
public struct Keystroke: Sendable, Equatable, Codable {
    /// Media time of the press's onset.
    public var time_s: Double
    /// 0…1: how far the transient stands above the adaptive threshold.
    public var confidence: Double
    /// Strength of the transient (high-band spectral flux, dB summed over bins).
    public var strength: Double

    public init(time_s: Double, confidence: Double, strength: Double) {
        self.time_s = time_s
        self.confidence = confidence
        self.strength = strength
    }
}

/// Settings of ``KeystrokeDetector``.
public struct KeystrokeSettings: Sendable, Equatable, Codable {
    /// Analysis rate (Hz). Key transients carry energy to 12 kHz and beyond.
    public var sampleRateHz: Double = 48000
    /// The transient band: most keystroke energy lies between about 0.4 and 12 kHz; the lower
    /// part is shared with speech, so onsets are measured from `bandLowHz` up.
    public var bandLowHz: Double = 2000
    public var bandHighHz: Double = 12000
    /// Analysis step (s): onsets are placed to within about one step.
    public var hopSeconds: Double = 0.004
    /// A transient must rise this far (dB, band level) within `riseSeconds`.
    public var minimumRiseDB: Double = 9
    public var riseSeconds: Double = 0.006
    /// …and stand this far above the band's local floor (dB).
    public var minimumAboveFloorDB: Double = 12
    /// Adaptive threshold: local median + `thresholdMADs` × local median absolute deviation of
    /// the onset function, over ±`thresholdWindowSeconds`.
    public var thresholdMADs: Double = 6
    public var thresholdWindowSeconds: Double = 0.5
    /// Two onsets closer than this are one (keeps the stronger).
    public var minimumInterOnsetSeconds: Double = 0.025
    /// A key's release follows its press after this range of dwell times and is not a press.
    public var releaseMinimumSeconds: Double = 0.03
    public var releaseMaximumSeconds: Double = 0.2
    /// Low-frequency thumps (desk knocks) whose 50–400 Hz level exceeds the transient band's by
    /// this much are not keys (dB).
    public var knockMarginDB: Double = 6
    /// The band level 20–40 ms after the onset must be this far below the peak (dB).
    public var minimumDecayDB: Double = 6
    public init() {}
}

/// Finds key presses from their sound: sharp broadband transients (a few ms of attack) in the
/// 2–12 kHz band, picked against an adaptive threshold so speech, fan noise and coding
/// artefacts do not trigger it, with desk knocks (low-frequency) and key releases (a second
/// click 30–200 ms after a press) told apart.
///
/// Streaming: `process(_:)` takes blocks at `sampleRateHz`; per-frame onset measurements
/// (250 per second, 12 bytes each) are kept, and `finish()` picks the presses.
public final class KeystrokeDetector {
    public let settings: KeystrokeSettings
    private var framer: Framer
    private let fft: RealFFT
    private let window: [Float]
    private var buffer: [Float]
    private var power: [Float]
    private var previousLog: [Float]
    private var logBand: [Float]
    private let bandBins: Range<Int>
    private let lowBins: Range<Int>
    private let hopSeconds: Double
    private let firstFrame_s: Double
    /// Per frame: onset function (positive log-spectral flux in the band), band level, low level (dB).
    private var flux: [Float] = []
    private var bandDB: [Float] = []
    private var lowDB: [Float] = []

    public struct ParameterError: Error, CustomStringConvertible { public let description: String }

    public init(settings: KeystrokeSettings = .init()) throws(ParameterError) {
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
        window = Window.hann(frameSamples)
        buffer = [Float](repeating: 0, count: frameSamples)
        power = [Float](repeating: 0, count: frameSamples / 2 + 1)
        let binHz = rate / Double(frameSamples)
        bandBins = Int(settings.bandLowHz / binHz)..<Int(settings.bandHighHz / binHz)
        lowBins = max(1, Int(50 / binHz))..<max(2, Int(400 / binHz))
        previousLog = [Float](repeating: -120, count: bandBins.count)
        logBand = previousLog
        hopSeconds = Double(hopSamples) / rate
        firstFrame_s = Double(frameSamples) / 2 / rate
    }

    public func process(_ samples: [Float]) {
        framer.process(samples) { _, frame in analyse(frame) }
    }

    private func analyse(_ frame: UnsafeBufferPointer<Float>) {
        for i in 0..<frame.count { buffer[i] = frame[i] * window[i] }
        buffer.withUnsafeBufferPointer { b in power.withUnsafeMutableBufferPointer { fft.power(b, into: $0) } }
        var rise: Float = 0
        var bandSum: Float = 0
        var lowSum: Float = 0
        for (offset, k) in bandBins.enumerated() {
            let value = power[k]
            bandSum += value
            let level = 10 * log10(max(value, 1e-12))
            logBand[offset] = level
            let difference = level - previousLog[offset]
            if difference > 0 { rise += min(difference, 30) }
        }
        for k in lowBins { lowSum += power[k] }
        swap(&logBand, &previousLog)
        let normaliser = Float(window.count) * Float(window.count) / 4
        flux.append(rise / Float(bandBins.count))
        bandDB.append(10 * log10(max(bandSum / normaliser, 1e-12)))
        lowDB.append(10 * log10(max(lowSum / normaliser, 1e-12)))
    }

    /// Picks key presses. (Speech is told apart later: the keyboard detector counts unlogged
    /// clicks only outside the candidate's speech.)
    public func finish() -> [Keystroke] {
        let count = flux.count
        guard count > 4 else { return [] }
        let time = { (i: Int) in self.firstFrame_s + Double(i) * self.hopSeconds }
        // Local statistics of the onset function and the band floor, in 0.1 s blocks.
        let blockFrames = max(1, Int(0.1 / hopSeconds))
        let blocks = (count + blockFrames - 1) / blockFrames
        let reach = max(1, Int(settings.thresholdWindowSeconds / 0.1))
        var thresholds = [Float](repeating: 0, count: blocks)
        var floors = [Float](repeating: 0, count: blocks)
        for block in 0..<blocks {
            let lo = max(0, (block - reach) * blockFrames), hi = min(count, (block + reach + 1) * blockFrames)
            var values = Array(flux[lo..<hi])
            values.sort()
            let median = values[values.count / 2]
            var deviations = values.map { abs($0 - median) }
            deviations.sort()
            let mad = max(deviations[deviations.count / 2], 0.05)
            thresholds[block] = median + Float(settings.thresholdMADs) * mad
            let floorLo = max(0, (block - 4 * reach) * blockFrames), floorHi = min(count, (block + 4 * reach + 1) * blockFrames)
            var levels = Array(bandDB[floorLo..<floorHi])
            levels.sort()
            floors[block] = levels[levels.count / 10]
        }
        let riseFrames = max(1, Int((settings.riseSeconds / hopSeconds).rounded()))
        var candidates: [(index: Int, strength: Float, margin: Float)] = []
        for i in 1..<(count - 1) {
            guard flux[i] >= flux[i - 1], flux[i] > flux[i + 1] || (flux[i] == flux[i + 1]) else { continue }
            let block = i / blockFrames
            guard flux[i] > thresholds[block] else { continue }
            // Impulsive: the band level jumps within a few ms, well above the floor.
            let peakLevel = bandDB[min(count - 1, i + 1)] > bandDB[i] ? bandDB[min(count - 1, i + 1)] : bandDB[i]
            let before = bandDB[max(0, i - riseFrames - 1)]
            guard Double(peakLevel - before) >= settings.minimumRiseDB,
                  Double(peakLevel - floors[block]) >= settings.minimumAboveFloorDB else { continue }
            // Desk knocks and thumps: mostly low-frequency.
            guard Double(lowDB[i] - peakLevel) < settings.knockMarginDB else { continue }
            // A click dies away within tens of milliseconds; speech sounds (fricatives,
            // aspirated plosives, vowels) sustain their high-band energy.
            let decayFrom = i + Int(0.02 / hopSeconds), decayTo = min(count, i + Int(0.04 / hopSeconds))
            if decayFrom < decayTo {
                var sum: Float = 0
                for j in decayFrom..<decayTo { sum += pow(10, bandDB[j] / 10) }
                let after = 10 * log10(max(sum / Float(decayTo - decayFrom), 1e-12))
                guard Double(peakLevel - after) >= settings.minimumDecayDB else { continue }
            }
            candidates.append((i, flux[i], flux[i] - thresholds[block]))
        }
        // One onset per `minimumInterOnsetSeconds`, keeping the strongest.
        let minimumGap = Int(settings.minimumInterOnsetSeconds / hopSeconds)
        var onsets: [(index: Int, strength: Float, margin: Float)] = []
        for candidate in candidates {
            if let last = onsets.last, candidate.index - last.index < minimumGap {
                if candidate.strength > last.strength { onsets[onsets.count - 1] = candidate }
            } else {
                onsets.append(candidate)
            }
        }
        // Releases: the second click of a press–release pair.
        let releaseMin = settings.releaseMinimumSeconds, releaseMax = settings.releaseMaximumSeconds
        var presses: [Keystroke] = []
        var index = 0
        while index < onsets.count {
            let onset = onsets[index]
            let t = time(onset.index)
            // The onset time: back from the flux peak to where the rise starts (within 4 ms).
            var start = onset.index
            while start > 0 && onset.index - start < 2 && flux[start - 1] > 0.25 * flux[onset.index] { start -= 1 }
            let confidence = Double(1 / (1 + exp(-Double(onset.margin) / 0.5)))
            presses.append(Keystroke(time_s: time(start), confidence: confidence, strength: Double(onset.strength)))
            if index + 1 < onsets.count {
                let gap = time(onsets[index + 1].index) - t
                let third = index + 2 < onsets.count ? time(onsets[index + 2].index) - t : .infinity
                // Skip the next onset as this key's release, unless it is clearly the next press
                // (a third onset follows too soon for it to have had its own release).
                if gap >= releaseMin && gap <= releaseMax && third - gap >= releaseMin {
                    index += 2
                    continue
                }
            }
            index += 1
        }
        return presses
    }
}

import Foundation

/// Settings of ``SpeechFeatureExtractor``. Defaults suit 16 kHz speech: 25 ms Hann windows
/// every 10 ms in a 512-point FFT, 40 mel bands from 20 Hz to 7.6 kHz, 20 MFCCs, YIN pitch
/// 60–500 Hz every second frame.
public struct SpeechFeatureSettings: Sendable, Equatable {
    public var sampleRateHz: Double = 16000
    public var windowSeconds: Double = 0.025
    public var hopSeconds: Double = 0.010
    public var melCount = 40
    public var melMinHz: Double = 20
    public var melMaxHz: Double = 7600
    public var mfccCount = 20
    /// Speech band for the level that drives speech activity.
    public var speechBandHz: ClosedRange<Double> = 300...7600
    public var pitchMinHz: Double = 60
    public var pitchMaxHz: Double = 500
    /// Pitch is measured every this many frames (1 = every frame).
    public var pitchEveryFrames = 2
    public var activity = SpeechActivitySettings()
    /// Also keep full-band level, spectral flatness, centroid and flux per frame (16 bytes a
    /// frame more; no detector needs them, so analysis leaves them off).
    public var spectralShape = false
    public init() {}
}

/// Compact per-frame measurements of one audio source: what the detectors work from.
/// No audio samples are kept, and almost nothing per frame in memory: the level, MFCCs and
/// pitch live in fixed point in ``SpilledRows`` (44 bytes a frame, moved to an unlinked
/// temporary file a chunk at a time), so memory does not grow with the recording.
public struct SpeechFeatures: Sendable {
    public let settings: SpeechFeatureSettings
    /// Frames per second.
    public var framesPerSecond: Double { 1 / hopSeconds }
    public let hopSeconds: Double
    /// Media time of frame 0's window centre.
    public let firstFrame_s: Double
    /// Per frame: the MFCCs (``mfccStep`` units) and, in the last column, the speech-band
    /// level (0.01 dB units).
    internal var rows: SpilledRows
    /// Pitch measurements (0.1 Hz units), one every `settings.pitchEveryFrames` frames, the
    /// first centred `pitchOffset` frames in.
    internal var pitchRows: SpilledRows
    internal var pitchOffset = 0
    /// The fixed-point step of stored MFCCs.
    public static let mfccStep: Float = 1 / 48
    /// Full-band RMS level per frame, dBFS (only with `settings.spectralShape`).
    public internal(set) var totalDBFS: [Float] = []
    public internal(set) var flatness: [Float] = []
    public internal(set) var centroidHz: [Float] = []
    public internal(set) var flux: [Float] = []
    /// Speech segments from the adaptive speech-activity detector.
    public internal(set) var speech: [SpeechSegment] = []

    init(settings: SpeechFeatureSettings, hopSeconds: Double, firstFrame_s: Double) {
        self.settings = settings
        self.hopSeconds = hopSeconds
        self.firstFrame_s = firstFrame_s
        rows = SpilledRows(width: settings.mfccCount + 1)
        pitchRows = SpilledRows(width: 1)
    }

    /// Speech-band RMS level per frame, dBFS (to 0.005 dB).
    public var levelDBFS: FrameColumn {
        FrameColumn(rows: rows, column: settings.mfccCount, step: 0.01, offset: 0, every: 1, count: rows.count)
    }
    /// F0 per frame in Hz (0 = unvoiced; frames between pitch measurements repeat the last; to 0.05 Hz).
    public var f0Hz: FrameColumn {
        FrameColumn(rows: pitchRows, column: 0, step: 0.1, offset: pitchOffset, every: max(1, settings.pitchEveryFrames),
                    count: rows.count)
    }

    public var frameCount: Int { rows.count }
    public var mfccCount: Int { settings.mfccCount }

    /// Media time of frame `index`'s centre.
    public func time(ofFrame index: Int) -> Double { firstFrame_s + Double(index) * hopSeconds }
    /// The frame whose centre is nearest `time_s` (clamped).
    public func frame(at time_s: Double) -> Int {
        min(max(0, Int(((time_s - firstFrame_s) / hopSeconds).rounded())), max(0, frameCount - 1))
    }
    /// The frames a stretch of media time covers (those whose centres lie inside it, as for a
    /// speech segment or turn), or nil when it covers none.
    public func frames(from start_s: Double, to end_s: Double) -> ClosedRange<Int>? {
        let first = frame(at: start_s + 0.5 * hopSeconds), last = frame(at: end_s - 0.5 * hopSeconds)
        return first <= last ? first...last : nil
    }
    /// MFCC vector of frame `index`.
    public func mfcc(ofFrame index: Int) -> [Float] {
        (0..<mfccCount).map { mfcc(ofFrame: index, coefficient: $0) }
    }
    /// Coefficient `c` of frame `index`'s MFCCs.
    public func mfcc(ofFrame index: Int, coefficient c: Int) -> Float {
        Float(rows.value(row: index, column: c)) * SpeechFeatures.mfccStep
    }
    /// Frame `index`'s MFCCs into `row` (`mfccCount` long), as fixed-point values.
    public func mfccFixed(ofFrame index: Int, into row: UnsafeMutableBufferPointer<Int16>) {
        rows.read(row: index, into: row)
    }

    static func fixed(_ value: Float, step: Float) -> Int16 {
        let scaled = (value / step).rounded()
        return Int16(max(-32767, min(32767, scaled.isFinite ? scaled : -32767)))
    }

    func appendFrame(mfcc: [Float], levelDBFS: Float, scratch: inout [Int16]) {
        for (i, value) in mfcc.enumerated() { scratch[i] = SpeechFeatures.fixed(value, step: SpeechFeatures.mfccStep) }
        scratch[mfcc.count] = SpeechFeatures.fixed(levelDBFS, step: 0.01)
        scratch.withUnsafeBufferPointer { rows.append($0) }
    }

    func appendPitch(_ f0Hz: Float) {
        [SpeechFeatures.fixed(f0Hz, step: 0.1)].withUnsafeBufferPointer { pitchRows.append($0) }
    }

    /// Total speech in seconds.
    public var speechSeconds: Double { speech.reduce(0) { $0 + $1.duration_s } }
}

/// One per-frame measurement stored in fixed point in a ``SpilledRows`` column, read like an
/// array of `Float`. Frame `i` reads stored row `(i − offset) / every` (0 outside the rows).
public struct FrameColumn: RandomAccessCollection, Sendable {
    let rows: SpilledRows
    let column: Int
    let step: Float
    let offset: Int
    let every: Int
    public let count: Int
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(index: Int) -> Float {
        Float(rows.value(row: (index - offset) / every, column: column)) * step
    }
}

/// Streaming extraction of ``SpeechFeatures`` from blocks of mono samples: spectra, log-mel
/// MFCC, spectral shape, YIN pitch and speech activity in one pass over the audio.
public final class SpeechFeatureExtractor {
    public let settings: SpeechFeatureSettings
    public private(set) var features: SpeechFeatures
    private var framer: Framer
    private let fft: RealFFT
    private let window: [Float]
    private let windowPower: Float
    private let filterbank: MelFilterbank
    private let mfcc: MFCC
    private let yin: YIN
    private var pitchFramer: Framer
    private var frameBuffer: [Float]
    private var power: [Float]
    private var magnitude: [Float]
    private var previousMagnitude: [Float]
    private var mel: [Float]
    private var cepstrum: [Float]
    private var fixedRow: [Int16]
    private var lastF0: Float = 0
    private let binHz: Double

    public struct ParameterError: Error, CustomStringConvertible { public let description: String }

    public init(settings: SpeechFeatureSettings = .init()) throws(ParameterError) {
        self.settings = settings
        let rate = settings.sampleRateHz
        let windowSamples = Int((settings.windowSeconds * rate).rounded())
        let hopSamples = Int((settings.hopSeconds * rate).rounded())
        var fftSize = 16
        while fftSize < windowSamples { fftSize *= 2 }
        do {
            framer = try Framer(frameSamples: fftSize, hopSamples: hopSamples)
            fft = try RealFFT(size: fftSize)
            filterbank = try MelFilterbank(sampleRateHz: rate, fftSize: fftSize, melCount: settings.melCount,
                                           minHz: settings.melMinHz, maxHz: min(settings.melMaxHz, rate / 2))
            var pitchFrame = 16
            while Double(pitchFrame) < 2.2 * rate / settings.pitchMinHz { pitchFrame *= 2 }
            yin = try YIN(sampleRateHz: rate, frameSamples: pitchFrame, minHz: settings.pitchMinHz, maxHz: settings.pitchMaxHz)
            pitchFramer = try Framer(frameSamples: pitchFrame, hopSamples: hopSamples * max(1, settings.pitchEveryFrames))
        } catch let error as CustomStringConvertible {
            throw ParameterError(description: error.description)
        } catch {
            throw ParameterError(description: "\(error)")
        }
        window = Window.hann(windowSamples, paddedTo: fftSize)
        windowPower = window.reduce(0) { $0 + $1 * $1 }
        mfcc = MFCC(melCount: settings.melCount, coefficientCount: settings.mfccCount)
        let hopSeconds = Double(hopSamples) / rate
        let firstFrame = Double(fftSize) / 2 / rate
        features = SpeechFeatures(settings: settings, hopSeconds: hopSeconds, firstFrame_s: firstFrame)
        frameBuffer = [Float](repeating: 0, count: fftSize)
        power = [Float](repeating: 0, count: fftSize / 2 + 1)
        magnitude = power
        previousMagnitude = power
        mel = [Float](repeating: 0, count: settings.melCount)
        cepstrum = [Float](repeating: 0, count: settings.mfccCount)
        fixedRow = [Int16](repeating: 0, count: settings.mfccCount + 1)
        binHz = rate / Double(fftSize)
    }

    /// Adds the next block of samples (contiguous with the previous one).
    public func process(_ samples: [Float]) {
        pitchFramer.process(samples) { _, frame in
            let estimate = yin.estimate(frame)
            features.appendPitch(estimate.voiced ? estimate.f0Hz : 0)
        }
        framer.process(samples) { _, frame in analyse(frame) }
    }

    /// Finishes the stream: aligns pitch to the frame grid, finds speech, returns the features.
    public func finish() -> SpeechFeatures {
        // Pitch frames are centred where the spectral frames are; spread them over the grid.
        features.pitchOffset = (pitchFramer.frameSamples - framer.frameSamples) / 2 / framer.hopSamples
        features.speech = SpeechActivity(settings: settings.activity).segments(
            levelsDBFS: features.levelDBFS, voiced: features.f0Hz.lazy.map { $0 > 0 },
            framesPerSecond: features.framesPerSecond, firstFrame_s: features.firstFrame_s)
        return features
    }

    private func analyse(_ frame: UnsafeBufferPointer<Float>) {
        frameBuffer.withUnsafeMutableBufferPointer { buffer in
            window.withUnsafeBufferPointer { window in
                for i in 0..<min(frame.count, buffer.count) { buffer[i] = frame[i] * window[i] }
            }
            power.withUnsafeMutableBufferPointer { fft.power(UnsafeBufferPointer(buffer), into: $0) }
        }
        var level: Float = 0
        power.withUnsafeBufferPointer { power in
            // Mean square of the unwindowed signal from a one-sided power spectrum (Parseval).
            let scale = 2 / (Float(fft.size) * windowPower)
            let band = SpectralShape.bandEnergy(power, binHz: binHz, lowHz: settings.speechBandHz.lowerBound,
                                                highHz: settings.speechBandHz.upperBound)
            level = 10 * log10(max(band * scale, 1e-12))
            if settings.spectralShape {
                var total: Float = 0
                for value in power { total += value }
                features.totalDBFS.append(10 * log10(max(total * scale, 1e-12)))
                features.flatness.append(SpectralShape.flatness(power))
                features.centroidHz.append(SpectralShape.centroidHz(power, binHz: binHz))
                magnitude.withUnsafeMutableBufferPointer { magnitude in
                    for k in 0..<power.count { magnitude[k] = power[k].squareRoot() }
                    previousMagnitude.withUnsafeBufferPointer {
                        features.flux.append(SpectralShape.flux(magnitude: UnsafeBufferPointer(magnitude), previous: $0))
                    }
                }
            }
            mel.withUnsafeMutableBufferPointer { filterbank.apply(power, into: $0) }
        }
        mel.withUnsafeBufferPointer { mel in
            cepstrum.withUnsafeMutableBufferPointer { mfcc.apply(mel: mel, into: $0) }
        }
        features.appendFrame(mfcc: cepstrum, levelDBFS: level, scratch: &fixedRow)
        if settings.spectralShape { swap(&magnitude, &previousMagnitude) }
    }
}

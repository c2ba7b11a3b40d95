@testable import CandorDSP
import Foundation
import Testing

@Suite("FFT, framer, mel and MFCC")
struct SpectrumTests {
    @Test("a sine lands in its bin with magnitude N·A/2", arguments: [8, 37, 100])
    func sineBin(bin: Int) throws {
        let fft = try RealFFT(size: 512)
        let signal = (0..<512).map { Float(0.8 * cos(2 * Double.pi * Double(bin) * Double($0) / 512)) }
        let power = [Float](unsafeUninitializedCapacity: fft.binCount) { buffer, count in
            signal.withUnsafeBufferPointer { fft.power($0, into: buffer) }
            count = fft.binCount
        }
        let peak = power.indices.max { power[$0] < power[$1] }
        #expect(peak == bin)
        #expect(abs(power[bin].squareRoot() - 0.8 * 256) < 0.01)
        let leakage = power.enumerated().filter { $0.offset != bin }.map(\.element).max() ?? 0
        #expect(leakage < 1e-5 * power[bin], "leakage \(leakage) against a peak of \(power[bin])")  // below −50 dB
    }

    @Test func inverseRoundTrip() throws {
        let fft = try RealFFT(size: 1024)
        let signal = Signals.noise(count: 1024, amplitude: 0.5)
        var back = [Float](repeating: 0, count: 1024)
        signal.withUnsafeBufferPointer { input in
            fft.forward(input) { spectrum in
                let copy = Array(spectrum)
                copy.withUnsafeBufferPointer { s in back.withUnsafeMutableBufferPointer { fft.inverse(s, into: $0) } }
            }
        }
        #expect(zip(signal, back).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test("sizes that are not powers of two are refused by name", arguments: [0, 100, 1000, 1 << 20])
    func badSizes(size: Int) {
        let error = #expect(throws: RealFFT.SizeError.self) { try RealFFT(size: size) }
        #expect(error?.description.contains("\(size)") == true)
    }

    @Test("framing does not depend on how the stream is cut into blocks")
    func framerCarryOver() throws {
        let signal = (0..<5000).map { Float($0) }
        func frames(blockSize: Int) throws -> [[Float]] {
            var framer = try Framer(frameSamples: 512, hopSamples: 160)
            var result: [[Float]] = []
            var start = 0
            while start < signal.count {
                let end = min(signal.count, start + blockSize)
                framer.process(signal[start..<end]) { index, frame in
                    #expect(Int(index) == result.count)
                    result.append(Array(frame))
                }
                start = end
            }
            return result
        }
        let whole = try frames(blockSize: 5000)
        #expect(whole.count == (5000 - 512) / 160 + 1)
        #expect(whole[3].first == 480 && whole[3].last == 991)
        for size in [1, 7, 160, 511, 1000] { #expect(try frames(blockSize: size) == whole) }
        #expect(throws: Framer.ParameterError.self) { try Framer(frameSamples: 512, hopSamples: 0) }
    }

    @Test("MFCC matches librosa (Fixtures/mfcc_reference.json)")
    func mfccMatchesLibrosa() throws {
        let reference = try Signals.fixture("mfcc_reference.json")
        let expected = try #require(reference["frames"] as? [[Double]])
        let extractor = try SpeechFeatureExtractor()
        extractor.process(Signals.voiceLike())
        let features = extractor.finish()
        #expect(features.frameCount == expected.count)
        var worst = 0.0
        for (frame, row) in expected.enumerated() where frame < features.frameCount {
            for (c, value) in row.enumerated() {
                let ours = Double(features.mfcc(ofFrame: frame)[c])
                // Tolerance: 0.05 dB-cepstral units absolute, or 0.1 % of the value (float32 vs float64).
                worst = max(worst, abs(ours - value) / max(1, abs(value) * 0.02))
                #expect(abs(ours - value) <= max(0.05, 0.001 * abs(value)), "frame \(frame) c\(c): \(ours) vs \(value)")
            }
        }
        _ = worst
    }

    @Test("mel scale is Slaney's, as librosa's default")
    func melScale() {
        #expect(abs(MelFilterbank.hzToMel(1000) - 15) < 1e-9)
        #expect(abs(MelFilterbank.hzToMel(500) - 7.5) < 1e-9)
        for hz in [20.0, 440, 1000, 3000, 7600] { #expect(abs(MelFilterbank.melToHz(MelFilterbank.hzToMel(hz)) - hz) < 1e-6) }
    }

    @Test func deltasOfARamp() {
        let frames = (0..<10).map { [Float($0) * 2, 5] }
        let deltas = MFCC.deltas(frames, window: 2)
        #expect(abs(deltas[5][0] - 2) < 1e-6)
        #expect(abs(deltas[5][1]) < 1e-6)
        #expect(deltas[0][0] < 2)  // edges repeat the first frame
    }

    @Test("spectral shape: flatness, centroid and flux on known signals")
    func spectralShape() throws {
        let fft = try RealFFT(size: 512)
        func power(_ signal: [Float]) -> [Float] {
            var power = [Float](repeating: 0, count: fft.binCount)
            let window = Window.hann(512)
            let windowed = zip(signal, window).map { $0 * $1 }
            windowed.withUnsafeBufferPointer { s in power.withUnsafeMutableBufferPointer { fft.power(s, into: $0) } }
            return power
        }
        let tone = power(Signals.sine(1000, seconds: 512 / 16000.0))
        let noise = power(Signals.noise(count: 512, amplitude: 0.5))
        tone.withUnsafeBufferPointer { t in
            #expect(SpectralShape.flatness(t) < 0.01)
            #expect(abs(SpectralShape.centroidHz(t, binHz: 16000 / 512) - 1000) < 20)
            noise.withUnsafeBufferPointer { n in
                #expect(SpectralShape.flatness(n) > 0.4)
                #expect(SpectralShape.flux(magnitude: n, previous: t) > 0)
                #expect(abs(SpectralShape.centroidHz(n, binHz: 16000 / 512) - 4000) < 400)
                let band = SpectralShape.bandEnergy(t, binHz: 16000 / 512, lowHz: 900, highHz: 1100)
                let total = t.reduce(0, +)
                #expect(band / total > 0.99)
            }
        }
    }
}

@Suite("spilled rows")
struct SpilledRowsTests {
    @Test("rows read back the same from memory and from the temporary file, in any order")
    func roundTrip() {
        let rows = SpilledRows(width: 3, chunkRows: 7)
        for r in 0..<100 {
            let row: [Int16] = [Int16(r), Int16(-r), Int16(r * 3 % 1000)]
            row.withUnsafeBufferPointer { rows.append($0) }
        }
        #expect(rows.count == 100 && rows.spilled)
        for r in [99, 0, 50, 6, 7, 98, 13, 14, 1] {
            #expect(rows.value(row: r, column: 0) == Int16(r) && rows.value(row: r, column: 1) == Int16(-r))
            var out = [Int16](repeating: 9, count: 3)
            out.withUnsafeMutableBufferPointer { rows.read(row: r, into: $0) }
            #expect(out == [Int16(r), Int16(-r), Int16(r * 3 % 1000)])
        }
        #expect(rows.value(row: 100, column: 0) == 0 && rows.value(row: -1, column: 0) == 0)
        let kept = SpilledRows(width: 2, chunkRows: 4, spill: false)
        for r in 0..<10 { [Int16(r), 1].withUnsafeBufferPointer { kept.append($0) } }
        #expect(!kept.spilled && kept.value(row: 9, column: 0) == 9)
    }

    @Test("features keep MFCCs to within the fixed-point step")
    func mfccPrecision() throws {
        let extractor = try SpeechFeatureExtractor()
        extractor.process(Signals.voiceLike())
        let features = extractor.finish()
        let row = features.mfcc(ofFrame: 10)
        #expect(row.count == 20)
        for c in 0..<20 { #expect(abs(features.mfcc(ofFrame: 10, coefficient: c) - row[c]) == 0) }
    }
}

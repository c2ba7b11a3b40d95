#!/usr/bin/env python3
"""Writes the librosa reference values CandorDSP's tests compare against.

  pip install librosa==0.11.0 numpy
  Tests/CandorDSPTests/Fixtures/make_reference.py

mfcc_reference.json: MFCCs of a deterministic test signal (the same formula is evaluated in
the Swift test), computed with librosa's defaults for Candor's settings: n_fft=512,
win_length=400, hop_length=160, Hann window, center=False, 40 Slaney mel bands 20-7600 Hz,
power_to_db(ref=1, amin=1e-10, top_db=None), 20 coefficients (orthonormal DCT-II).

yin_reference.json: librosa.yin F0 of the same kind of signal with a gliding pitch.

yin_speech_reference.json: librosa.yin F0 of real voiced speech (Debian pocketsphinx-testdata,
cards/001.wav … 005.wav, BSD-2-Clause), 1024-sample frames every 160 samples, center=False, on
the voiced frames whose pitch is steady (70-300 Hz, within 2 % over five frames) — where a
frame-level comparison between two YIN implementations is meaningful.
"""
import json
import os

import librosa
import numpy as np

SR = 16000
HERE = os.path.dirname(os.path.abspath(__file__))


def test_signal(seconds=1.0):
    """Voice-like: harmonics of a 140 Hz fundamental with vowel-like formant weights, plus a tone burst."""
    n = np.arange(int(seconds * SR), dtype=np.float64)
    t = n / SR
    x = np.zeros_like(t)
    for h in range(1, 30):
        f = 140.0 * h
        if f >= SR / 2:
            break
        weight = 1.0 / h * (1.0 + 2.0 * np.exp(-((f - 700) / 200) ** 2) + 1.5 * np.exp(-((f - 1200) / 250) ** 2))
        x += 0.05 * weight * np.sin(2 * np.pi * f * t + 0.1 * h)
    x += 0.1 * np.sin(2 * np.pi * 3000 * t) * (t > 0.5)
    return x.astype(np.float32)


def glide_signal(seconds=1.0):
    """A harmonic tone whose F0 glides from 110 to 220 Hz (phase-continuous)."""
    n = np.arange(int(seconds * SR), dtype=np.float64)
    f0 = 110.0 * 2 ** (n / len(n))
    phase = 2 * np.pi * np.cumsum(f0) / SR
    x = sum(0.2 / h * np.sin(h * phase) for h in range(1, 6))
    return x.astype(np.float32)


def main():
    x = test_signal()
    mel = librosa.feature.melspectrogram(y=x, sr=SR, n_fft=512, win_length=400, hop_length=160,
                                         window="hann", center=False, power=2.0, n_mels=40,
                                         fmin=20, fmax=7600, htk=False, norm="slaney")
    mfcc = librosa.feature.mfcc(S=librosa.power_to_db(mel, ref=1.0, amin=1e-10, top_db=None), n_mfcc=20, dct_type=2,
                                norm="ortho")
    with open(os.path.join(HERE, "mfcc_reference.json"), "w") as handle:
        json.dump({"librosa": librosa.__version__, "frames": [[round(float(v), 4) for v in frame] for frame in mfcc.T],
                   "log_mel_frame_10": [round(float(v), 4) for v in librosa.power_to_db(mel[:, 10], amin=1e-10, top_db=None)]},
                  handle)
    g = glide_signal()
    f0 = librosa.yin(g, fmin=60, fmax=500, sr=SR, frame_length=1024, hop_length=160, center=False)
    with open(os.path.join(HERE, "yin_reference.json"), "w") as handle:
        json.dump({"librosa": librosa.__version__, "frame_length": 1024, "hop_length": 160,
                   "f0_hz": [round(float(v), 3) for v in f0]}, handle)


def speech_reference():
    clips = {}
    for index in range(1, 6):
        name = f"cards/00{index}.wav"
        y, _ = librosa.load(os.path.join("/usr/share/pocketsphinx/test/data", name), sr=SR)
        f0 = librosa.yin(y, fmin=60, fmax=500, sr=SR, frame_length=1024, hop_length=160, center=False)
        frames = []
        for i in range(2, len(f0) - 2):
            steady = all(abs(f0[k] / f0[i] - 1) < 0.02 for k in range(i - 2, i + 3))
            if steady and 70 <= f0[i] <= 300:
                frames.append([i, round(float(f0[i]), 3)])
        clips[name] = frames
    with open(os.path.join(HERE, "yin_speech_reference.json"), "w") as handle:
        json.dump({"librosa": librosa.__version__, "frame_length": 1024, "hop_length": 160, "clips": clips}, handle)


if __name__ == "__main__":
    main()
    speech_reference()

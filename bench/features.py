#!/usr/bin/env python3
"""Feature-extraction benchmark: Candor's DSP core against the equivalent librosa pipeline.

Input (generated once into bench/work/): 10 minutes of real speech at 16 kHz mono WAV — the
bundled sample interview's two tracks, mixed and repeated.

Candor: `candor features FILE` (libsndfile read, spectra, 40-band mel, 20 MFCCs, YIN pitch
every 20 ms, speech activity, diarization).
librosa: soundfile read, mfcc (same STFT and mel settings), yin (1024-sample frames every 20 ms). Reported: real-time factor of each (audio seconds per second, one core)
and Candor's time as a ratio of librosa's (target: < 1, i.e. faster; Candor target >= 500x).

Usage: bench/features.py [--runs N] [--candor PATH] [--json PATH]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

from benchlib import ROOT, WORK, ffmpeg, stats, write_json
LIBROSA = r'''
import sys, time, soundfile, librosa, numpy
start = time.perf_counter()
y, sr = soundfile.read(sys.argv[1], dtype="float32")
mfcc = librosa.feature.mfcc(y=y, sr=sr, n_fft=512, win_length=400, hop_length=160, n_mels=40, fmin=20, fmax=7600,
                            n_mfcc=20, center=False)
f0 = librosa.yin(y, fmin=60, fmax=500, sr=sr, frame_length=1024, hop_length=320, center=False)
print(time.perf_counter() - start)
'''


def make_input():
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, "speech-10min-16k.wav")
    if not os.path.exists(path):
        sample = os.path.join(ROOT, "testmedia", "sample-interview.mkv")
        ffmpeg("-stream_loop", "14", "-i", sample, "-filter_complex", "[0:a:0][0:a:1]amix=inputs=2:normalize=0[m]",
               "-map", "[m]", "-t", "600", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", path)
    return path, 600.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--candor", default=os.path.join(ROOT, ".build", "release", "candor"))
    parser.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "features.json"))
    options = parser.parse_args()
    path, seconds = make_input()
    candor_times, librosa_times = [], []
    for _ in range(options.runs):
        start = time.perf_counter()
        subprocess.run(["taskset", "-c", "0", options.candor, "features", path], check=True, stdout=subprocess.DEVNULL)
        candor_times.append(time.perf_counter() - start)
        out = subprocess.run(["taskset", "-c", "0", sys.executable, "-c", LIBROSA, path], check=True,
                             capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1",
                                                                   "OPENBLAS_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"})
        librosa_times.append(float(out.stdout.strip().splitlines()[-1]))
    ratios = [c / l for c, l in zip(candor_times, librosa_times)]
    row = {
        "audio_s": seconds, "runs": options.runs,
        "candor_s": stats(candor_times), "librosa_s": stats(librosa_times),
        "candor_realtime_factor": seconds / statistics.median(candor_times),
        "librosa_realtime_factor": seconds / statistics.median(librosa_times),
        "ratio": stats(ratios),
    }
    print(f"10 min speech: candor {row['candor_s']['median']:.2f} s ({row['candor_realtime_factor']:.0f}x real time), "
          f"librosa {row['librosa_s']['median']:.2f} s ({row['librosa_realtime_factor']:.0f}x), "
          f"ratio {row['ratio']['median']:.2f} ({row['ratio']['min']:.2f}-{row['ratio']['max']:.2f})")
    write_json(options.json, {"benchmark": "features", "rows": [row]})


if __name__ == "__main__":
    main()

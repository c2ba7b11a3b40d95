#!/usr/bin/env python3
"""Voiceprint benchmark: equal error rate of same/different-speaker decisions.

Speakers: espeak-ng voice variants (synthetic — the Debian packages ship too little real speech
per speaker for 30 s tests), each reading two different texts (two "sessions"). For each
speaker and session, `candor voiceprint` is computed on 3 s and on 30 s of speech; every pair of
voiceprints from different sessions is scored with Candor's voiceprint similarity, and the EER
is where false accepts equal false rejects.

Usage: bench/voice.py [--candor PATH] [--json PATH]
"""
import argparse
import itertools
import json
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VOICES = ["en-us+m1", "en-us+m3", "en-us+m5", "en-us+m7", "en-gb+m2", "en-gb+m4", "en-gb-x-rp+m6", "en-us+f1",
          "en-us+f3", "en-gb+f2", "en-gb+f4", "en-029+m3"]
TEXTS = [
    "In my last role I worked on a payment service that handled several thousand requests per second. The hardest "
    "problem was a race condition in the retry logic, which sometimes charged a customer twice. I reproduced it with "
    "a load test, added idempotency keys, and wrote a migration that backfilled them for old transactions.",
    "A process has its own address space, while threads share the memory of their process, so threads are cheaper to "
    "create and to switch between, but they need synchronisation around the data they share. I usually start with a "
    "simple design, measure it under load, and only then add caches or queues where the profile shows a need.",
]


def similarity(a, b):
    total, count = 0.0, 0
    for ma, sa, mb, sb in zip(a["mean"], a["spread"], b["mean"], b["spread"]):
        if None in (ma, sa, mb, sb):
            continue
        scale = sa * sa + sb * sb
        if scale <= 1e-9:
            continue
        total += (ma - mb) ** 2 / scale
        count += 1
    return 1 / (1 + total / count) if count else 0


def eer(same, different):
    best = (1.0, 0.0)
    for threshold in sorted(set(same + different)):
        false_reject = sum(s < threshold for s in same) / len(same)
        false_accept = sum(d >= threshold for d in different) / len(different)
        gap = abs(false_reject - false_accept)
        if gap < best[0]:
            best = (gap, (false_reject + false_accept) / 2)
    return best[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--candor", default=os.path.join(ROOT, ".build", "release", "candor"))
    parser.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "voice.json"))
    options = parser.parse_args()
    folder = tempfile.mkdtemp()
    prints = {}
    for voice in VOICES:
        for session, text in enumerate(TEXTS):
            wav = os.path.join(folder, f"{voice}-{session}.wav")
            subprocess.run(["espeak-ng", "-v", voice, "-s", "160", "-w", wav, (text + " ") * 3], check=True)
            for seconds in (3, 30):
                clip = os.path.join(folder, f"{voice}-{session}-{seconds}.wav")
                subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", "1", "-t", str(seconds * 1.25), "-i", wav, clip], check=True)
                out = clip + ".voiceprint.json"
                result = subprocess.run([options.candor, "voiceprint", clip, "--candidate", "a:0", "-o", out], capture_output=True, text=True)
                if result.returncode == 0:
                    prints[(voice, session, seconds)] = json.load(open(out))
    rows = {}
    for seconds in (3, 30):
        same, different = [], []
        keys = [k for k in prints if k[2] == seconds]
        for a, b in itertools.combinations(keys, 2):
            if a[1] == b[1]:
                continue  # compare across sessions only
            score = similarity(prints[a], prints[b])
            (same if a[0] == b[0] else different).append(score)
        rows[f"{seconds}s"] = {"same_pairs": len(same), "different_pairs": len(different),
                               "eer": eer(same, different) if same and different else None}
        print(f"{seconds:>2} s of speech: EER {rows[f'{seconds}s']['eer']:.3f} "
              f"({len(same)} same-speaker, {len(different)} different-speaker pairs)")
    os.makedirs(os.path.dirname(options.json), exist_ok=True)
    with open(options.json, "w") as handle:
        json.dump({"benchmark": "voice", "speakers": VOICES, "rows": rows}, handle, indent=2)


if __name__ == "__main__":
    main()

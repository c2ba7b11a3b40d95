#!/usr/bin/env python3
"""Voiceprint benchmark: equal error rate of same/different-speaker decisions.

Real speech: six professional voices from Debian's Asterisk prompt packages (Allison, en-US;
June, fr-CA; Carlo, it-IT; the ru-RU voice; Armelle, fr; the es-CO voice — installed by
`scripts/install-deps.sh bench`, never committed). Each speaker's prompts are shuffled and split
into two disjoint halves, two "sessions"; from each session, segments of 3 s and 30 s of speech
(prompts joined with 0.4 s pauses, through Opus at 32 kb/s like a meeting recording).
Synthetic speech: twelve espeak-ng voice variants, each reading two different texts.
For every segment `candor voiceprint` is computed; every pair of segments from different
sessions (or different speakers) is scored with Candor's voiceprint similarity, and the EER is
where false accepts equal false rejects. Caveat: the real speakers also differ in language
(but June and Armelle both speak French), which makes different-speaker pairs easier than in
a same-language evaluation such as VoxCeleb.

Usage: bench/voice.py [--candor PATH] [--json PATH]
"""
import argparse
import glob
import itertools
import random
import json
import os
import subprocess
import tempfile

from benchlib import ROOT, ffmpeg, load_mono, write_json
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


REAL = [("Allison en-US", "en_US_f_Allison", "g722"), ("June fr-CA", "fr_CA_f_June", "g722"),
        ("Carlo it-IT", "it_IT_m_Carlo", "g722"), ("ru-RU voice", "ru_RU_f_IvrvoiceRU", "g722"),
        ("Armelle fr", "fr", "gsm"), ("es-CO voice", "es", "gsm")]
SEGMENTS = {3: 8, 30: 3}  # segments per session at each length


def real_segments(folder):
    """(speaker, session, seconds, path) for the Asterisk voices that are installed."""
    import numpy
    import soundfile
    result = []
    for name, directory, ext in REAL:
        files = sorted(glob.glob(f"/usr/share/asterisk/sounds/{directory}/*.{ext}"))
        if len(files) < 40:
            print(f"skipping {name}: not installed (scripts/install-deps.sh bench)")
            continue
        random.Random(7).shuffle(files)
        halves = [files[: len(files) // 2], files[len(files) // 2:]]
        for session, prompts in enumerate(halves):
            queue = iter(prompts)
            for seconds, count in SEGMENTS.items():
                for index in range(count):
                    parts, speech = [], 0.0
                    for prompt in queue:
                        x = load_mono(prompt, 16000)
                        parts += [x, numpy.zeros(6400, numpy.float32)]
                        speech += len(x) / 16000
                        if speech >= seconds:
                            break
                    if speech < seconds:
                        break
                    wav = os.path.join(folder, f"{directory}-{session}-{seconds}-{index}.wav")
                    soundfile.write(wav, numpy.concatenate(parts), 16000)
                    webm = wav[:-4] + ".webm"
                    ffmpeg("-i", wav, "-c:a", "libopus", "-b:a", "32k", webm)
                    result.append((name, session, seconds, webm))
    return result


def similarity(a, b):
    """Candor's voiceprint similarity (Sources/CandorDetectors/Voiceprint.swift), for scoring
    trials; None when neither print has two windows (no spread to compare against)."""
    fa, fb = max(0, a["windows"] - 1), max(0, b["windows"] - 1)
    if fa + fb == 0:
        return None
    total, count = 0.0, 0
    for ma, sa, mb, sb in zip(a["mean"], a["spread"], b["mean"], b["spread"]):
        if None in (ma, sa, mb, sb):
            continue
        va = sa * sa * a["windows"] / fa if fa else 0.0
        vb = sb * sb * b["windows"] / fb if fb else 0.0
        scale = 2 * (fa * va + fb * vb) / (fa + fb)
        if scale <= 1e-9:
            continue
        total += (ma - mb) ** 2 / scale
        count += 1
    return 1 / (1 + total / count) if count else 0.0


def eer(same, different):
    best = (1.0, 0.0)
    for threshold in sorted(set(same + different)):
        false_reject = sum(s < threshold for s in same) / len(same)
        false_accept = sum(d >= threshold for d in different) / len(different)
        gap = abs(false_reject - false_accept)
        if gap < best[0]:
            best = (gap, (false_reject + false_accept) / 2)
    return best[1]


def voiceprint(candor, media):
    out = media + ".voiceprint.json"
    result = subprocess.run([candor, "voiceprint", media, "--candidate", "a:0", "-o", out], capture_output=True, text=True)
    return json.load(open(out)) if result.returncode == 0 else None


def score(prints, label):
    rows = {}
    for seconds in (3, 30):
        same, different, undecidable = [], [], 0
        keys = [k for k in prints if k[2] == seconds]
        for a, b in itertools.combinations(keys, 2):
            if a[0] == b[0] and a[1] == b[1]:
                continue  # same speaker and session: not a trial
            value = similarity(prints[a], prints[b])
            if value is None:
                undecidable += 1
                continue
            (same if a[0] == b[0] else different).append(value)
        rows[f"{seconds}s"] = {"same_pairs": len(same), "different_pairs": len(different), "undecidable_pairs": undecidable,
                               "eer": eer(same, different) if same and different else None}
        value = rows[f"{seconds}s"]["eer"]
        print(f"{label}: {seconds:>2} s against {seconds:>2} s: EER {'n/a' if value is None else f'{value:.3f}'} "
              f"({len(same)} same-speaker, {len(different)} different-speaker pairs; {undecidable} pairs of one-window prints left out)",
              flush=True)
    # A 30 s enrolment (an earlier interview) against 3 s of new speech.
    same, different = [], []
    for a in [k for k in prints if k[2] == 30]:
        for b in [k for k in prints if k[2] == 3]:
            if a[0] == b[0] and a[1] == b[1]:
                continue
            (same if a[0] == b[0] else different).append(similarity(prints[a], prints[b]))
    rows["30s_vs_3s"] = {"same_pairs": len(same), "different_pairs": len(different),
                         "eer": eer(same, different) if same and different else None}
    value = rows["30s_vs_3s"]["eer"]
    print(f"{label}: 30 s against  3 s: EER {'n/a' if value is None else f'{value:.3f}'} "
          f"({len(same)} same-speaker, {len(different)} different-speaker pairs)", flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--candor", default=os.path.join(ROOT, ".build", "release", "candor"))
    parser.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "voice.json"))
    options = parser.parse_args()
    folder = tempfile.mkdtemp()
    real = {}
    for speaker, session, seconds, media in real_segments(folder):
        print_ = voiceprint(options.candor, media)
        if print_:
            real[(speaker, session, seconds, media)] = print_
    synthetic = {}
    for voice in VOICES:
        for session, text in enumerate(TEXTS):
            wav = os.path.join(folder, f"{voice}-{session}.wav")
            subprocess.run(["espeak-ng", "-v", voice, "-s", "160", "-w", wav, (text + " ") * 3], check=True)
            for seconds in (3, 30):
                clip = os.path.join(folder, f"{voice}-{session}-{seconds}.wav")
                ffmpeg("-ss", "1", "-t", str(seconds * 1.25), "-i", wav, clip)
                print_ = voiceprint(options.candor, clip)
                if print_:
                    synthetic[(voice, session, seconds, clip)] = print_
    results = {"real": score(real, "real voices") if real else None, "synthetic": score(synthetic, "espeak-ng voices")}
    write_json(options.json, {"benchmark": "voice", "real_speakers": [r[0] for r in REAL], "synthetic_speakers": VOICES,
                              "rows": results})


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A/B runs of the key-press detector on the keyboard benchmark's recordings: precision, recall
and F1 at ±30 ms by family, for one Candor binary (and configuration), optionally against an
earlier run's results — the measurement behind each step of bench/README.md's step log.

The recordings are those bench/keyboard.py left in bench/work/keyboard/ (run it once first; it
makes every case anew). No recording is made here: the true presses are rebuilt from each
case's events log, which holds them on a clock 1.3 s behind the media with 4 ms of jitter drawn
from a random stream of the seed's own (seed + 1000), so each true press is the logged time plus
1.3 s less that same draw. The log clamps presses in its first 1.3 s to 0, so presses (true and
found) before 1.45 s are left out of every score: the figures differ from the benchmark's
(whole recordings) in the third decimal.

Usage: bench/keyboard_ab.py [--candor PATH] [--cases REGEX] [--seeds 1,2] [--config FILE]
                            [--jobs N] [--json OUT] [--against EARLIER.json]
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy

from benchlib import write_json
from keyboard import OFFSET, ROOT, WORK, score

FIRST = 1.45
TOLERANCE = 0.03

# Families of cases (regular expressions over case names), as the step log reports them.
FAMILIES = [
    ("every case", r"."),
    ("the Model M", r"^(?!real-|stroke-)"),
    ("eight real keyboards", r"^real-"),
    ("six stroke keyboards", r"^stroke-"),
    ("keebsound", r"keebsound"),
    ("interviews", r"sparse-typing"),
    ("interviews, other speech", r"other-speech-interview"),
    ("other speech", r"other-speech-wideband"),
    ("a typist's timing", r"typist"),
    ("10 dB quieter", r"quieter"),
    ("typed fast", r"fast"),
    ("low rate", r"low-rate"),
    ("full-band voice mode", r"-full-band$"),
    ("WebRTC", r"webrtc"),
    ("AAC", r"-aac$"),
    ("keys through the codec", r"coded-keys"),
]


def truth_of(log, seed):
    """The true presses of a case's events log (see the module's docstring), from FIRST on."""
    jitter = numpy.random.default_rng(seed + 1000)
    presses = []
    with open(log) as handle:
        for line in handle:
            event = json.loads(line)
            if event.get("type") == "key" and event.get("action") == "down":
                presses.append(event["t"] + OFFSET - jitter.normal(0, 0.004))
    return [t for t in presses if t >= FIRST]


def media_of(stem):
    """The recording beside a log: the coded file where there is one, else the WAV."""
    for extension in (".webm", ".m4a", ".wav"):
        if os.path.exists(stem + extension):
            return stem + extension
    return None


def hits(found, truth):
    """How many found times match true ones, one to one within ±30 ms (bench/keyboard.py's
    scoring)."""
    return round(score(found, truth, TOLERANCE)["precision"] * len(found))


def families(rows):
    """{family: (recordings, precision, recall, F1)} over the rows of one run."""
    out = {}
    for name, pattern in FAMILIES:
        chosen = [row for row in rows if re.search(pattern, row["case"])]
        if not chosen:
            continue
        matched = sum(row["hits"] for row in chosen)
        found = sum(len(row["found"]) for row in chosen)
        true = sum(len(row["truth"]) for row in chosen)
        precision = matched / found if found else 0.0
        recall = matched / true if true else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[name] = (len(chosen), precision, recall, f1)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candor", default=os.path.join(ROOT, ".build", "release", "candor"))
    parser.add_argument("--cases", default=".", help="a regular expression over case names (default: all)")
    parser.add_argument("--seeds", default="1,2", help="comma-separated seeds (default 1,2)")
    parser.add_argument("--config", help="a Candor configuration file passed to analyze")
    parser.add_argument("--jobs", type=int, default=2, help="analyses at once (default 2)")
    parser.add_argument("--json", help="write each recording's presses found and true here")
    parser.add_argument("--against", help="an earlier --json result: print both and the change")
    options = parser.parse_args()
    if options.jobs < 1:
        parser.error(f"--jobs must be at least 1, not {options.jobs}")
    try:
        seeds = [int(seed) for seed in options.seeds.split(",")]
        pattern = re.compile(options.cases)
    except (ValueError, re.error) as error:
        parser.error(f"--seeds / --cases: {error}")
    # The configuration is read once (a pipe, `--config <(…)`, can be read only once) and given
    # to every analysis on its standard input.
    config = None
    if options.config:
        try:
            with open(options.config) as handle:
                config = handle.read()
        except OSError as error:
            sys.exit(f"keyboard_ab.py: {options.config}: {error.strerror}")
    if not os.access(options.candor, os.X_OK):
        sys.exit(f"keyboard_ab.py: {options.candor}: no candor binary there (swift build -c release, or --candor)")
    tasks = []
    for seed in seeds:
        for log in sorted(glob.glob(os.path.join(WORK, f"*-{seed}.events.jsonl"))):
            name = os.path.basename(log)[: -len(f"-{seed}.events.jsonl")]
            media = media_of(log[: -len(".events.jsonl")])
            if pattern.search(name) and media:
                tasks.append((name, seed, media, log))
    if not tasks:
        sys.exit(f"keyboard_ab.py: no recordings of seeds {options.seeds} matching {options.cases!r} in {WORK} "
                 "(run bench/keyboard.py first)")

    def run(task):
        name, seed, media, log = task
        command = [options.candor, "analyze", media, "--candidate", "a:0", "--events", log, "--format", "json", "--quiet"]
        if config is not None:
            command += ["--config", "/dev/stdin"]
        done = subprocess.run(command, input=config, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"keyboard_ab.py: {media}: candor failed ({done.returncode}): {done.stderr.strip()}")
        found = [t for t in json.loads(done.stdout)["detectors"]["keyboard"]["acoustic_keystrokes_s"] if t >= FIRST]
        truth = truth_of(log, seed)
        return {"case": name, "seed": seed, "found": found, "truth": truth, "hits": hits(found, truth)}

    with ThreadPoolExecutor(options.jobs) as pool:
        rows = list(pool.map(run, tasks))
    if options.json:
        write_json(options.json, {"benchmark": "keyboard A/B", "first_s": FIRST, "tolerance_s": TOLERANCE, "rows": rows})
    now = families(rows)
    before = None
    if options.against:
        try:
            with open(options.against) as handle:
                earlier = json.load(handle)["rows"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            sys.exit(f"keyboard_ab.py: {options.against}: not an earlier --json result ({error})")
        keys = {(row["case"], row["seed"]) for row in rows}
        before = families([row for row in earlier if (row["case"], row["seed"]) in keys])
    print(f"{len(rows)} recordings (seeds {options.seeds}, first {FIRST} s left out)")
    for name, (count, precision, recall, f1) in now.items():
        line = f"{name:26s} {count:4d}  P {precision:.4f}  R {recall:.4f}  F1 {f1:.4f}"
        if before and name in before:
            line += f"   before F1 {before[name][3]:.4f} ({f1 - before[name][3]:+.4f})"
        print(line)


if __name__ == "__main__":
    main()

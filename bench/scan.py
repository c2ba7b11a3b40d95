#!/usr/bin/env python3
"""Archive-scan benchmark: recordings per minute of `candor scan` at --jobs 1 and --jobs 2,
beside the peer a team would otherwise run: `candor analyze` over the same files one after
another in a shell loop.

Input (generated once into bench/work/scan-archive/): 8 two-track AAC interviews of 5 minutes
(the bundled sample looped), each with an event log. Every scan starts from an empty database.
Reported: recordings per minute (median of --runs, min-max), the ratio of scan --jobs 1 to the
loop (the cost of child processes, hashing and the store; ~1.0 is the target) and the speed-up
of --jobs 2 over --jobs 1 (at most 2 on 2 cores).

Usage: bench/scan.py [--runs N] [--candor PATH] [--json PATH]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

import benchlib
from benchlib import ROOT, ffmpeg, measure, stats, write_atomically, write_json

WORK = os.path.join(benchlib.WORK, "scan-archive")
COUNT = 8
MINUTES = 5


def make_archive():
    os.makedirs(WORK, exist_ok=True)
    sample = os.path.join(ROOT, "testmedia", "sample-interview.mkv")
    events = os.path.join(ROOT, "testmedia", "sample-interview.events.jsonl")
    paths = []
    for index in range(COUNT):
        path = os.path.join(WORK, f"interview-{index:02d}.mp4")
        if not os.path.exists(path):
            write_atomically(path, lambda temporary: ffmpeg(
                "-stream_loop", "8", "-i", sample, "-map", "0:a:0", "-map", "0:a:1", "-t", str(MINUTES * 60),
                "-c:a", "aac", "-b:a", "64k", "-metadata:s:a:0", "handler_name=Interviewer",
                "-metadata:s:a:1", "handler_name=Candidate", temporary))
            shutil.copyfile(events, os.path.join(WORK, f"interview-{index:02d}.events.jsonl"))
        paths.append(path)
    return paths


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--candor", default=os.path.join(ROOT, ".build", "release", "candor"))
    parser.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "scan.json"))
    options = parser.parse_args()
    paths = make_archive()
    loop, jobs1, jobs2 = [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(options.runs):
            def loop_once():
                for path in paths:
                    subprocess.run([options.candor, "analyze", path, "--events", path.replace(".mp4", ".events.jsonl"),
                                    "--format", "json", "--quiet"], check=True, stdout=subprocess.DEVNULL)
            start = time.perf_counter()
            loop_once()
            loop.append(time.perf_counter() - start)
            for jobs, times in ((1, jobs1), (2, jobs2)):
                db = os.path.join(scratch, f"scan-{run}-{jobs}.db")
                times.append(measure([options.candor, "scan", WORK, "--db", db, "--jobs", str(jobs), "--quiet"])[0])
    per_minute = lambda seconds: COUNT * 60 / seconds
    row = {
        "recordings": COUNT, "minutes_each": MINUTES, "runs": options.runs,
        "analyze_loop_s": stats(loop), "scan_jobs1_s": stats(jobs1), "scan_jobs2_s": stats(jobs2),
        "recordings_per_minute": {"analyze_loop": per_minute(statistics.median(loop)),
                                  "scan_jobs1": per_minute(statistics.median(jobs1)),
                                  "scan_jobs2": per_minute(statistics.median(jobs2))},
        "ratio_scan_jobs1_to_loop": stats([a / b for a, b in zip(jobs1, loop)]),
        "speedup_jobs2": stats([a / b for a, b in zip(jobs1, jobs2)]),
    }
    rpm = row["recordings_per_minute"]
    print(f"{COUNT} x {MINUTES}-min interviews: analyze loop {rpm['analyze_loop']:.1f}/min, "
          f"scan --jobs 1 {rpm['scan_jobs1']:.1f}/min (ratio to loop {row['ratio_scan_jobs1_to_loop']['median']:.2f}, "
          f"{row['ratio_scan_jobs1_to_loop']['min']:.2f}-{row['ratio_scan_jobs1_to_loop']['max']:.2f}), "
          f"scan --jobs 2 {rpm['scan_jobs2']:.1f}/min (speed-up {row['speedup_jobs2']['median']:.2f}, "
          f"{row['speedup_jobs2']['min']:.2f}-{row['speedup_jobs2']['max']:.2f})")
    write_json(options.json, {"benchmark": "scan", "rows": [row]})


if __name__ == "__main__":
    main()

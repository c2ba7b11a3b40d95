#!/usr/bin/env python3
"""Full-analysis benchmark: `candor analyze` on long interviews, beside ffmpeg decoding the
same files.

Inputs (generated once into bench/work/, not committed):
  - a 60-minute two-track AAC interview (the bundled sample's real speech, looped), audio only;
  - the same with 720p H.264 video at 25 fps (a moving test pattern; one minute encoded with
    libx264 and looped by stream copy) in an mp4;
  - a 3-hour two-track AAC recording (the hour, three times, by stream copy);
  - the 1-hour and 3-hour audio again in Matroska (stream copy), to separate Candor's own
    memory from the MP4 demuxer's sample tables, which grow with length in every program.
Measured, each run interleaved, everything pinned to one core (`taskset -c 0`):
  - analyze, audio-only hour: real-time factor (target >= 200x) and ratio to
    `ffmpeg -i FILE -map 0:a -f null -` (decoding both audio tracks only);
  - analyze, hour with video: ratio to `ffmpeg -i FILE -f null -` decoding the same file
    (audio and video; target <= 0.5: Candor must not pay for full-rate video);
  - peak resident memory of analyze for 1 h and 3 h (target < 150 MB, not growing with length),
    beside ffmpeg's.
Prints a table (median of --runs, min-max) and writes bench/results/analyze.json.

Usage: bench/analyze.py [--runs N] [--candor PATH] [--json PATH] [--only NAME]
"""
import argparse
import os
import statistics

from benchlib import ROOT, WORK, ffmpeg, measure, stats, write_atomically, write_json


def generated(path, make):
    if not os.path.exists(path):
        write_atomically(path, make)
    return path


def make_inputs():
    os.makedirs(WORK, exist_ok=True)
    sample = os.path.join(ROOT, "testmedia", "sample-interview.mkv")
    hour = generated(os.path.join(WORK, "analyze-60min-2track.m4a"), lambda out: ffmpeg(
        "-stream_loop", "-1", "-i", sample, "-map", "0:a:0", "-map", "0:a:1", "-t", "3600", "-c:a", "aac", "-b:a", "64k",
        "-metadata:s:a:0", "handler_name=Interviewer", "-metadata:s:a:1", "handler_name=Candidate", out))
    minute = generated(os.path.join(WORK, "analyze-1min-720p.mp4"), lambda out: ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-t", "60", "-c:v", "libx264", "-preset", "veryfast",
        "-g", "250", "-pix_fmt", "yuv420p", out))
    video = generated(os.path.join(WORK, "analyze-60min-2track-720p.mp4"), lambda out: ffmpeg(
        "-stream_loop", "-1", "-i", minute, "-i", hour, "-map", "0:v", "-map", "1:a", "-c", "copy", "-t", "3600",
        "-metadata:s:a:0", "handler_name=Interviewer", "-metadata:s:a:1", "handler_name=Candidate", out))
    long = generated(os.path.join(WORK, "analyze-3h-2track.m4a"), lambda out: ffmpeg(
        "-stream_loop", "2", "-i", hour, "-map", "0:a", "-c", "copy", out))
    # The same audio in Matroska, whose index is a few cue points: MP4's sample tables (every
    # packet's size and time, loaded by libavformat up front) grow with length in any program.
    titles = ["-metadata:s:a:0", "title=Interviewer", "-metadata:s:a:1", "title=Candidate"]
    hour_mka = generated(os.path.join(WORK, "analyze-60min-2track.mka"), lambda out: ffmpeg(
        "-i", hour, "-map", "0:a", "-c", "copy", *titles, out))
    long_mka = generated(os.path.join(WORK, "analyze-3h-2track.mka"), lambda out: ffmpeg(
        "-i", long, "-map", "0:a", "-c", "copy", *titles, out))
    return hour, video, long, hour_mka, long_mka


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--candor", default=os.path.join(ROOT, ".build", "release", "candor"))
    parser.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "analyze.json"))
    parser.add_argument("--only", help="run only the inputs whose name contains this")
    options = parser.parse_args()
    if not os.path.exists(options.candor):
        raise SystemExit(f"{options.candor} not found: run `swift build -c release` first")
    hour, video, long, hour_mka, long_mka = make_inputs()
    null = ["ffmpeg", "-nostdin", "-v", "error", "-threads", "1"]
    cases = [
        ("1 h audio-only", 3600, hour, null + ["-i", hour, "-map", "0:a", "-f", "null", "-"]),
        ("1 h with 720p video", 3600, video, null + ["-i", video, "-f", "null", "-"]),
        ("3 h audio-only", 3 * 3600, long, null + ["-i", long, "-map", "0:a", "-f", "null", "-"]),
        ("1 h audio-only, mka", 3600, hour_mka, null + ["-i", hour_mka, "-map", "0:a", "-f", "null", "-"]),
        ("3 h audio-only, mka", 3 * 3600, long_mka, null + ["-i", long_mka, "-map", "0:a", "-f", "null", "-"]),
    ]
    if options.only:
        # "1h" finds "1 h audio-only" too.
        wanted = options.only.replace(" ", "")
        cases = [case for case in cases if wanted in case[0].replace(" ", "")]
        if not cases:
            parser.error(f"--only {options.only!r} matches no input")
    rows = []
    for name, seconds, path, peer in cases:
        runs = options.runs if "3 h" not in name else max(1, options.runs // 2)
        candor, ffmpeg_runs = [], []
        for _ in range(runs):
            candor.append(measure([options.candor, "analyze", path, "--format", "json", "--quiet"], core=0))
            ffmpeg_runs.append(measure(peer, core=0))
        ratios = [c[0] / f[0] for c, f in zip(candor, ffmpeg_runs)]
        row = {
            "input": name, "audio_s": seconds, "runs": runs,
            "candor_s": stats([c[0] for c in candor]), "ffmpeg_s": stats([f[0] for f in ffmpeg_runs]),
            "ratio": stats(ratios),
            "candor_realtime_factor": seconds / statistics.median([c[0] for c in candor]),
            "candor_peak_mb": max(c[1] for c in candor), "ffmpeg_peak_mb": max(f[1] for f in ffmpeg_runs),
        }
        rows.append(row)
        print(f"{name:22s} candor {row['candor_s']['median']:6.2f} s ({row['candor_realtime_factor']:4.0f}x real time)  "
              f"ffmpeg {row['ffmpeg_s']['median']:6.2f} s  ratio {row['ratio']['median']:.2f} "
              f"({row['ratio']['min']:.2f}-{row['ratio']['max']:.2f})  peak RSS {row['candor_peak_mb']:.0f} / "
              f"{row['ffmpeg_peak_mb']:.0f} MB", flush=True)
    write_json(options.json, {"benchmark": "analyze", "rows": rows})


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Decode benchmark: Candor against ffmpeg on the same files, in the same run.

Generates its inputs (cached in bench/work/): a 10-minute two-track AAC interview (mp4),
a 10-minute Opus recording (webm) and a 3-hour Opus recording. For each it times
`candor extract` decoding to 16 kHz mono against `ffmpeg -i FILE -ac 1 -ar 16000 -f f32le -`
and reports the median time ratio (Candor / ffmpeg; target <= 1.0) with min-max, and peak
resident memory (target: under 100 MB and not growing with length).

Usage: bench/decode.py [--runs N] [--candor PATH] [--json PATH]
"""
import argparse
import os
import platform
import subprocess

from benchlib import ROOT, WORK, ffmpeg, measure, stats, write_json

def make_inputs():
    os.makedirs(WORK, exist_ok=True)
    inputs = {}
    # Speech-like test signal: pink noise amplitude-modulated at syllable rate, plus a tone.
    voice = "anoisesrc=color=pink:sample_rate=48000:amplitude=0.3:seed={seed},volume='0.5+0.5*sin(2*PI*3*t)':eval=frame"
    two_track = os.path.join(WORK, "interview-10min-2track-aac.mp4")
    if not os.path.exists(two_track):
        ffmpeg("-f", "lavfi", "-t", "600", "-i", voice.format(seed=1),
               "-f", "lavfi", "-t", "600", "-i", voice.format(seed=2),
               "-map", "0:a", "-map", "1:a", "-c:a", "aac", "-b:a", "96k",
               "-metadata:s:a:0", "title=Interviewer", "-metadata:s:a:1", "title=Candidate", two_track)
    inputs["10 min two-track AAC (a:0)"] = (two_track, ["a:0"], ["-map", "0:a:0"])
    inputs["10 min two-track AAC (both tracks, one pass)"] = (two_track, ["a:0", "a:1"], ["-map", "0:a:0", "-map", "0:a:1"])
    opus = os.path.join(WORK, "interview-10min-opus.webm")
    if not os.path.exists(opus):
        ffmpeg("-f", "lavfi", "-t", "600", "-i", voice.format(seed=3), "-c:a", "libopus", "-b:a", "32k", opus)
    inputs["10 min Opus webm"] = (opus, ["a:0"], ["-map", "0:a:0"])
    long = os.path.join(WORK, "interview-3h-opus.webm")
    if not os.path.exists(long):
        ffmpeg("-f", "lavfi", "-t", str(3 * 3600), "-i", voice.format(seed=4), "-c:a", "libopus", "-b:a", "24k", long)
    inputs["3 h Opus webm"] = (long, ["a:0"], ["-map", "0:a:0"])
    return inputs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--candor", default=os.path.join(ROOT, ".build", "release", "candor"))
    parser.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "decode.json"))
    options = parser.parse_args()
    if not os.path.exists(options.candor):
        raise SystemExit(f"{options.candor} not found: run `swift build -c release` first")
    inputs = make_inputs()
    rows = []
    for name, (path, specs, maps) in inputs.items():
        runs = options.runs if "3 h" not in name else max(1, options.runs // 2)
        candor_command = [options.candor, "extract", path, "--rate", "16000"]
        for spec in specs:
            candor_command += ["--source", spec]
        ffmpeg_command = ["ffmpeg", "-nostdin", "-v", "error", "-threads", "1", "-i", path, *maps,
                          "-ac", "1", "-ar", "16000", "-f", "f32le", "-"]
        if len(specs) > 1:  # ffmpeg writes one output per track
            ffmpeg_command = ["ffmpeg", "-nostdin", "-y", "-v", "error", "-threads", "1", "-i", path]
            for index in range(len(specs)):
                ffmpeg_command += ["-map", f"0:a:{index}", "-ac", "1", "-ar", "16000", "-f", "f32le", os.devnull]
        candor_times, ffmpeg_times, ratios, candor_rss, ffmpeg_rss = [], [], [], [], []
        for _ in range(runs):  # interleaved, so both see the same machine state
            t_ffmpeg, m_ffmpeg = measure(ffmpeg_command)
            t_candor, m_candor = measure(candor_command)
            ffmpeg_times.append(t_ffmpeg)
            candor_times.append(t_candor)
            ratios.append(t_candor / t_ffmpeg)
            candor_rss.append(m_candor)
            ffmpeg_rss.append(m_ffmpeg)
        row = {
            "input": name, "runs": runs,
            "candor_s": stats(candor_times), "ffmpeg_s": stats(ffmpeg_times), "ratio": stats(ratios),
            "candor_peak_rss_mb": max(candor_rss), "ffmpeg_peak_rss_mb": max(ffmpeg_rss),
        }
        rows.append(row)
        print(f"{name:46} candor {row['candor_s']['median']:7.2f} s  ffmpeg {row['ffmpeg_s']['median']:7.2f} s  "
              f"ratio {row['ratio']['median']:.2f} ({row['ratio']['min']:.2f}-{row['ratio']['max']:.2f})  "
              f"peak RSS candor {row['candor_peak_rss_mb']:.0f} MB, ffmpeg {row['ffmpeg_peak_rss_mb']:.0f} MB",
              flush=True)
    machine = {"platform": platform.platform(), "cpus": os.cpu_count(),
               "ffmpeg": subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.splitlines()[0]}
    write_json(options.json, {"benchmark": "decode", "machine": machine, "rows": rows})
    print(f"wrote {options.json}")


if __name__ == "__main__":
    main()

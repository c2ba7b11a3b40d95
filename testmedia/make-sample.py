#!/usr/bin/env python3
"""Builds testmedia/sample-interview.mkv, the sample `make demo` analyses.

A two-track interview as OBS or a meeting recorder writes it: Matroska with the
interviewer and the candidate on separate Opus tracks (titled "Interviewer" and
"Candidate"), plus a small test-pattern video track. Speech is real, from Debian's
pocketsphinx-testdata (BSD-2-Clause, CMU; the librivox clips are public-domain
LibriVox readings). Needs: pocketsphinx-testdata, ffmpeg. Deterministic.

Usage: testmedia/make-sample.py [OUTPUT] [--answer-gap SECONDS]
  (default: testmedia/sample-interview.mkv, answers 0.6 s after each question clip; a gap of
  3-4 s makes a "relayed answers" variant for tests)
Writes OUTPUT.turns.json beside it with the true turn times: each clip's placement
(start_s, end_s) and where its speech really starts and ends (speech_start_s, speech_end_s),
and NAME.events.jsonl, the platform's event log with a question marker around each question.
"""
import array
import json
import os
import subprocess
import sys
import tempfile
import wave

DATA = "/usr/share/pocketsphinx/test/data"
RATE = 16000

# (role, clip, start time in seconds or None). The interviewer (one CMU speaker) asks short
# questions; the candidate (one LibriVox reader) answers at length, 0.6 s after each question
# ends; the next question follows 1.0 s after the answer.
TURNS = [
    ("interviewer", "cards/001.wav", 1.0),
    ("candidate", "librivox/sense_and_sensibility_01_austen_64kb-0880.wav", None),
    ("interviewer", "cards/002.wav", None),
    ("candidate", "librivox/sense_and_sensibility_01_austen_64kb-0930.wav", None),
    ("interviewer", "cards/003.wav", None),
    ("candidate", "librivox/sense_and_sensibility_01_austen_64kb-0890.wav", None),
    ("interviewer", "cards/004.wav", None),
    ("candidate", "librivox/sense_and_sensibility_01_austen_64kb-0920.wav", None),
    ("interviewer", "cards/005.wav", None),
    ("candidate", "librivox/sense_and_sensibility_01_austen_64kb-0870.wav", None),
]
ANSWER_GAP_S = 0.6
NEXT_QUESTION_GAP_S = 1.0
TAIL_S = 1.5


def read_clip(name):
    path = os.path.join(DATA, name)
    if name.endswith(".raw"):  # 16 kHz 16-bit little-endian mono
        samples = array.array("h")
        with open(path, "rb") as handle:
            samples.frombytes(handle.read())
        return samples
    with wave.open(path, "rb") as handle:
        assert handle.getframerate() == RATE and handle.getnchannels() == 1 and handle.getsampwidth() == 2, path
        samples = array.array("h")
        samples.frombytes(handle.readframes(handle.getnframes()))
        return samples


def speech_extent(samples):
    """First and last 10 ms frame more than 20 dB above the clip's own noise floor (its
    5th-percentile frame level), in seconds from the clip start. Checked by eye against
    the clips' printed energy envelopes."""
    import math
    hop = RATE // 100
    levels = []
    for start in range(0, len(samples) - hop + 1, hop):
        frame = samples[start:start + hop]
        mean_square = sum(v * v for v in frame) / hop / 32768.0 ** 2
        levels.append(10 * math.log10(mean_square + 1e-12))
    floor = sorted(levels)[len(levels) // 20]
    loud = [i for i, level in enumerate(levels) if level > floor + 20]
    return loud[0] / 100, (loud[-1] + 1) / 100


def main():
    arguments = sys.argv[1:]
    answer_gap = ANSWER_GAP_S
    if "--answer-gap" in arguments:
        index = arguments.index("--answer-gap")
        answer_gap = float(arguments[index + 1])
        del arguments[index:index + 2]
    output = arguments[0] if arguments else os.path.join(os.path.dirname(__file__), "sample-interview.mkv")
    placed, end_s = [], 0.0
    for role, clip, start in TURNS:
        samples = read_clip(clip)
        start = start if start is not None else end_s + (answer_gap if role == "candidate" else NEXT_QUESTION_GAP_S)
        duration = len(samples) / RATE
        placed.append((role, clip, start, samples))
        end_s = start + duration
    total = int((end_s + TAIL_S) * RATE)
    tracks = {"interviewer": array.array("h", bytes(2 * total)), "candidate": array.array("h", bytes(2 * total))}
    turns = []
    for role, clip, start, samples in placed:
        offset = int(round(start * RATE))
        tracks[role][offset:offset + len(samples)] = samples
        first, last = speech_extent(samples)
        turns.append({"role": role, "clip": clip, "start_s": round(start, 3), "end_s": round(start + len(samples) / RATE, 3),
                      "speech_start_s": round(offset / RATE + first, 3), "speech_end_s": round(offset / RATE + last, 3)})
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for role, samples in tracks.items():
            paths[role] = os.path.join(folder, role + ".wav")
            with wave.open(paths[role], "wb") as handle:
                handle.setnchannels(1)
                handle.setsampwidth(2)
                handle.setframerate(RATE)
                handle.writeframes(samples.tobytes())
        duration = total / RATE
        subprocess.run([
            "ffmpeg", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size=160x90:rate=5:duration={duration}",
            "-i", paths["interviewer"], "-i", paths["candidate"],
            "-map", "0:v", "-map", "1:a", "-map", "2:a",
            "-c:v", "libx264", "-preset", "veryslow", "-crf", "40", "-pix_fmt", "yuv420p",
            "-c:a", "libopus", "-b:a", "24k",
            "-metadata:s:a:0", "title=Interviewer", "-metadata:s:a:1", "title=Candidate",
            "-metadata", "title=Candor sample interview", "-bitexact", output,
        ], check=True)
    with open(output + ".turns.json", "w") as handle:
        json.dump({"media": os.path.basename(output), "turns": turns}, handle, indent=2)
        handle.write("\n")
    # The platform's event log: question markers around each question's speech (the platform's
    # clock matches the media here; no typing happens in this interview).
    log = output.rsplit(".", 1)[0] + ".events.jsonl"
    with open(log, "w") as handle:
        handle.write(json.dumps({"type": "session", "schema": "candor.events/1", "recording_start": "2026-11-02T14:00:00Z",
                                 "candidate_id": "sample-candidate", "interview_id": "sample-interview"}) + "\n")
        questions = [t for t in turns if t["role"] == "interviewer"]
        for number, turn in enumerate(questions, 1):
            handle.write(json.dumps({"t": round(turn["speech_start_s"] - 0.2, 3), "type": "question", "id": f"q{number}", "action": "start"}) + "\n")
            handle.write(json.dumps({"t": round(turn["speech_end_s"] + 0.2, 3), "type": "question", "id": f"q{number}", "action": "end"}) + "\n")


if __name__ == "__main__":
    main()

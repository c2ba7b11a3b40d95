#!/usr/bin/env python3
"""Builds Candor's labelled evaluation corpus (candor.manifest/1) reproducibly.

Cases cover honest interviews, relayed (late) answers, a voice swap mid-interview, typing
logged but not heard, typing heard but not logged, keyboard inaudible throughout, and mixed
recordings, in several containers (mkv two-track, mp4 with video, webm/Opus, stereo wav, m4a).

Sources, all installed from Debian at build time and never committed:
  - voices: espeak-ng (GPL-3 program; its synthetic speech is generated here, not shipped)
  - key sounds: bucklespring-data (GPL-2+, real IBM Model M recordings)
Needs python3 (standard library only), ffmpeg, espeak-ng, bucklespring-data.

Usage: testmedia/make-corpus.py [OUTPUT_DIR]   (default: testmedia/corpus, git-ignored)
Then:  candor evaluate OUTPUT_DIR/manifest.json
"""
import array
import glob
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import wave

RATE = 48000
KEYS = "/usr/share/buckle/wav"
QUESTIONS = [
    "Tell me about a project you are proud of.",
    "How would you design a rate limiter for an API?",
    "What happens when you type a URL into the browser?",
    "Describe a time you disagreed with a colleague.",
    "How do you find a memory leak in a long running service?",
    "What is the difference between a process and a thread?",
]
ANSWERS = [
    "Last year I rebuilt our billing pipeline. It was a batch job that took six hours, and I turned it into a streaming service "
    "with idempotent writes, so a failure no longer meant rerunning the whole day.",
    "I would use a token bucket per client, stored in a fast shared cache, with the refill computed lazily from the timestamp "
    "of the last request, and I would return the remaining budget in the response headers.",
    "The browser resolves the name through the resolver cache and then DNS, opens a TCP connection and a TLS session, sends "
    "the request, and renders the response while it fetches the other resources in parallel.",
    "We disagreed about adding a new database. I wrote down both options with their costs, we tried a small prototype, and "
    "in the end we kept the existing one with a different index, which solved the problem.",
    "First I confirm the growth with metrics, then I take heap snapshots some minutes apart and compare them, and the objects "
    "that keep growing usually point to a cache without eviction or listeners that are never removed.",
    "A process has its own address space, while threads share the memory of their process, so threads are cheaper to create "
    "and to switch between, but they need synchronisation around the data they share.",
]


def speak(voice, text, path):
    subprocess.run(["espeak-ng", "-v", voice, "-s", "160", "-w", path, text], check=True, stdout=subprocess.DEVNULL)


def read_wav(path, rate=RATE):
    """Any audio file → mono float list at `rate` (through ffmpeg)."""
    raw = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"],
                         check=True, capture_output=True).stdout
    samples = array.array("h")
    samples.frombytes(raw)
    return [v / 32768.0 for v in samples]


def extent(samples, rate=RATE):
    """First and last 10 ms frame 20 dB above the clip's quietest frames (its speech)."""
    hop = rate // 100
    levels = []
    for start in range(0, len(samples) - hop + 1, hop):
        frame = samples[start:start + hop]
        levels.append(10 * math.log10(sum(v * v for v in frame) / hop + 1e-12))
    floor = sorted(levels)[len(levels) // 20]
    loud = [i for i, level in enumerate(levels) if level > max(floor + 20, -60)]
    return loud[0] / 100, (loud[-1] + 1) / 100


def write_wav(path, channels):
    frames = len(channels[0])
    data = array.array("h")
    for i in range(frames):
        for channel in channels:
            data.append(max(-32767, min(32767, int(channel[i] * 32767))))
    with wave.open(path, "wb") as handle:
        handle.setnchannels(len(channels))
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(data.tobytes())


class Interview:
    """Two tracks built turn by turn, with the truth recorded as it is made."""

    def __init__(self, folder, seconds):
        self.folder = folder
        self.interviewer = [0.0] * int(seconds * RATE)
        self.candidate = [0.0] * int(seconds * RATE)
        self.latencies = []
        self.questions = []
        self.change_points = []
        self.keys = []

    def place(self, track, samples, at, gain=1.0):
        offset = int(at * RATE)
        for i, v in enumerate(samples):
            if offset + i < len(track):
                track[offset + i] += v * gain

    def turns(self, interviewer_voice, candidate_voices, answer_gap, start=1.0, cache=None):
        t = start
        for index, (question, answer) in enumerate(zip(QUESTIONS, ANSWERS)):
            voice = candidate_voices[index] if isinstance(candidate_voices, list) else candidate_voices
            q = cache(interviewer_voice, question)
            a = cache(voice, answer)
            q_start, q_end = extent(q)
            a_start, a_end = extent(a)
            self.place(self.interviewer, q, t)
            self.questions.append((f"q{index + 1}", t + q_start, t + q_end))
            answer_at = t + q_end + answer_gap - a_start
            self.place(self.candidate, a, answer_at)
            self.latencies.append(round(answer_gap, 3))
            if isinstance(candidate_voices, list) and index > 0 and candidate_voices[index] != candidate_voices[index - 1]:
                self.change_points.append(round(answer_at + a_start, 3))
            t = answer_at + a_end + 1.0
        return t

    def typing(self, start, end, rng, audible=True):
        presses = sorted(glob.glob(os.path.join(KEYS, "*-0.wav")))[:40]
        t = start
        while t < end:
            for _ in range(rng.randint(10, 25)):
                if t >= end:
                    break
                press = rng.choice(presses)
                if audible:
                    sound = key_sound(press)
                    onset = first_above(sound)
                    gain = 10 ** (rng.uniform(-12, -6) / 20)
                    self.place(self.candidate, sound, t - onset / RATE, gain)
                    release = key_sound(press.replace("-0.wav", "-1.wav"))
                    self.place(self.candidate, release, t + rng.uniform(0.06, 0.13) - first_above(release) / RATE, gain * 0.8)
                self.keys.append(round(t, 4))
                t += rng.uniform(0.15, 0.4)
            t += rng.uniform(1.0, 2.5)


_key_cache = {}


def key_sound(path):
    if path not in _key_cache:
        _key_cache[path] = read_wav(path)
    return _key_cache[path]


def first_above(samples):
    peak = max(abs(v) for v in samples)
    return next(i for i, v in enumerate(samples) if abs(v) > 0.2 * peak)


def write_log(path, keys, questions, offset, extra_keys=(), drop=lambda t: False):
    lines = [json.dumps({"type": "session", "schema": "candor.events/1", "recording_start": "2026-11-02T14:00:00Z"})]
    events = [(t - offset, {"type": "key", "action": "down"}) for t in list(keys) + list(extra_keys) if not drop(t)]
    for qid, start, end in questions:
        events.append((start - offset, {"type": "question", "id": qid, "action": "start"}))
        events.append((end - offset, {"type": "question", "id": qid, "action": "end"}))
    for t, event in sorted(events, key=lambda e: e[0]):
        if t >= 0:
            lines.append(json.dumps({"t": round(t, 4), **event}))
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")


def mux(folder, name, interview, container):
    """Two-track (or stereo, or mono) file in the given container, roles titled."""
    with tempfile.TemporaryDirectory() as scratch:
        iv, cd = os.path.join(scratch, "i.wav"), os.path.join(scratch, "c.wav")
        write_wav(iv, [interview.interviewer])
        write_wav(cd, [interview.candidate])
        out = os.path.join(folder, name)
        base = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
        titles = ["-metadata:s:a:0", "title=Interviewer", "-metadata:s:a:1", "title=Candidate"]
        if container == "mkv":
            cmd = base + ["-i", iv, "-i", cd, "-map", "0:a", "-map", "1:a", "-c:a", "libopus", "-b:a", "48k"] + titles + [out]
        elif container == "mp4":
            seconds = len(interview.interviewer) / RATE
            cmd = base + ["-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=10:duration={seconds}", "-i", iv, "-i", cd,
                          "-map", "0:v", "-map", "1:a", "-map", "2:a", "-c:v", "libx264", "-preset", "veryfast", "-crf", "35",
                          "-c:a", "aac", "-b:a", "96k", "-metadata:s:a:0", "handler_name=Interviewer",
                          "-metadata:s:a:1", "handler_name=Candidate"] + titles + [out]
        elif container == "webm":
            cmd = base + ["-i", iv, "-i", cd, "-map", "0:a", "-map", "1:a", "-c:a", "libopus", "-b:a", "32k"] + titles + [out]
        elif container == "stereo-wav":
            cmd = base + ["-i", iv, "-i", cd, "-filter_complex", "[0:a][1:a]join=inputs=2:channel_layout=stereo[a]",
                          "-map", "[a]", "-c:a", "pcm_s16le", out]
        elif container == "mono-m4a":
            cmd = base + ["-i", iv, "-i", cd, "-filter_complex", "[0:a][1:a]amix=inputs=2:normalize=0[a]", "-map", "[a]",
                          "-c:a", "aac", "-b:a", "64k", out]
        subprocess.run(cmd, check=True)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    os.makedirs(folder, exist_ok=True)
    speech_cache = {}
    scratch = tempfile.mkdtemp()

    def cache(voice, text):
        key = (voice, text)
        if key not in speech_cache:
            path = os.path.join(scratch, f"{len(speech_cache)}.wav")
            speak(voice, text, path)
            speech_cache[key] = read_wav(path)
        return speech_cache[key]

    cases = []
    offset = 1.3  # the log's clock runs 1.3 s behind the media: media = log + 1.3

    def build(name, container, media, answer_gap=0.7, voices="en-us+m3", typing="audible", labels=None, events=True,
              interviewer_role=None, candidate_role=None):
        rng = random.Random(name)
        interview = Interview(folder, 240)
        end = interview.turns("en-gb+f2", voices, answer_gap, cache=cache)
        if typing != "none":
            interview.typing(end + 1, end + 28, rng, audible=typing not in ("inaudible", "logged-not-heard"))
        if typing == "logged-not-heard":
            # The first 60 % of the typing is heard; the rest only logged.
            cut = interview.keys[int(len(interview.keys) * 0.6)]
            audible = [k for k in interview.keys if k < cut]
            interview.keys_audible = audible
            # Re-build the candidate track's typing from the audible part only.
            interview.candidate = interview.candidate  # speech already placed
            heard = Interview(folder, 240)
            heard.candidate = interview.candidate
            heard.keys = []
            rng2 = random.Random(name)
            t_keys = interview.keys
            interview.keys = []
            for t in t_keys:
                if t < cut:
                    press = rng2.choice(sorted(glob.glob(os.path.join(KEYS, "*-0.wav")))[:40])
                    sound = key_sound(press)
                    interview.place(interview.candidate, sound, t - first_above(sound) / RATE, 0.35)
            interview.keys = t_keys
            truth_keys = audible
        else:
            truth_keys = interview.keys if typing == "audible" or typing == "heard-not-logged" else []
        interview.interviewer = interview.interviewer[: int((end + 31) * RATE)]
        interview.candidate = interview.candidate[: int((end + 31) * RATE)]
        mux(folder, media, interview, container)
        case = {"id": name, "media": media, "labels": labels or {}, "truth": {"latencies_s": interview.latencies}}
        if interview.change_points:
            case["truth"]["change_points_s"] = interview.change_points
        if truth_keys:
            case["truth"]["keystrokes_s"] = truth_keys
        if events:
            log = name + ".events.jsonl"
            drop = (lambda t: t > interview.keys[len(interview.keys) // 2]) if typing == "heard-not-logged" else (lambda t: False)
            write_log(os.path.join(folder, log), interview.keys, interview.questions, offset, drop=drop)
            case["events"] = log
            if typing in ("audible", "heard-not-logged", "logged-not-heard"):
                case["truth"]["clock_offset_s"] = offset
        if interviewer_role:
            case["interviewer"] = interviewer_role
        if candidate_role:
            case["candidate"] = candidate_role
        cases.append(case)
        print(f"  {name}: {media}", flush=True)

    print(f"building the corpus in {folder}")
    build("honest-mkv", "mkv", "honest.mkv", labels={"latency": "ok", "keyboard": "ok", "voice": "ok"})
    build("honest-mp4-video", "mp4", "honest-video.mp4", labels={"latency": "ok", "keyboard": "ok", "voice": "ok"})
    build("relayed-mkv", "mkv", "relayed.mkv", answer_gap=3.6, labels={"latency": "flagged", "voice": "ok"})
    build("relayed-webm", "webm", "relayed.webm", answer_gap=4.2, labels={"latency": "flagged"})
    build("voice-swap-webm", "webm", "voice-swap.webm", voices=["en-us+m3"] * 3 + ["en-gb-x-rp+m5"] * 3,
          labels={"voice": "flagged", "latency": "ok"})
    build("logged-not-heard-mkv", "mkv", "logged-not-heard.mkv", typing="logged-not-heard", labels={"keyboard": "flagged"})
    build("heard-not-logged-mkv", "mkv", "heard-not-logged.mkv", typing="heard-not-logged", labels={"keyboard": "flagged"})
    build("inaudible-keyboard-mkv", "mkv", "inaudible.mkv", typing="inaudible", labels={"latency": "ok"})
    build("stereo-wav", "stereo-wav", "stereo.wav", labels={"latency": "ok", "keyboard": "ok"},
          interviewer_role="a:0.0", candidate_role="a:0.1")
    build("mixed-mono-honest", "mono-m4a", "mixed-honest.m4a", typing="none", events=False, labels={"latency": "ok"})
    build("mixed-mono-relayed", "mono-m4a", "mixed-relayed.m4a", answer_gap=3.8, typing="none", events=False,
          labels={"latency": "flagged"})
    with open(os.path.join(folder, "manifest.json"), "w") as handle:
        json.dump({"schema": "candor.manifest/1", "cases": cases}, handle, indent=1)
        handle.write("\n")
    print(f"wrote {os.path.join(folder, 'manifest.json')} ({len(cases)} cases)")


if __name__ == "__main__":
    main()

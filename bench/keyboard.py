#!/usr/bin/env python3
"""Keystroke benchmark: precision, recall and F1 of Candor's acoustic key-press detection at
±30 ms, and the clock-offset error of its log alignment, beside two peers on the same audio:
librosa's onset detector (`onset_detect`, backtracked) and a fixed energy-threshold isolator
(10 ms RMS above a fixed level, 100 ms refractory) — the obvious alternatives.

Inputs (generated into bench/work/keyboard/ from installed Debian packages, never committed):
real IBM Model M key presses and releases (bucklespring-data) placed at known times in bursts
of typing (presses 0.15-0.4 s apart, releases 60-130 ms after), at random levels, over:
  - quiet room noise only (typing alone);
  - real read speech (pocketsphinx-testdata's LibriVox clips, 16 kHz) over the typing;
  - real full-band speech (alsa-utils' 48 kHz channel announcements, whose fricatives and
    plosive bursts reach the key band) over the typing;
  - the same mix through Opus at 32 kb/s (what a meeting app sends);
  - the same mix noise-gated (digital silence between sounds, as noise suppression does);
  - fast typing alone (presses 0.1-0.25 s apart: presses coinciding with the previous key's
    release — one in seven within 25 ms of it — and now and then rollover), and the same under
    the LibriVox speech (typing while explaining, where a press landing on a release has only a
    sound a dwell time later to speak for it);
  - the LibriVox mix through a meeting app's voice mode: 16 kHz (nothing above 8 kHz, where
    the clicks stood clear of this speech), Opus at 24 kb/s; and a super-wideband voice
    mode: 24 kHz (nothing above 12 kHz), Opus at 24 kb/s;
  - the LibriVox mix in a reverberant room (RT60 0.4 s, the reverberant tail 6 dB below the
    direct sound: a microphone about half a metre from the keyboard in an office);
  - other keyboards, simulated from the Model M under the LibriVox speech (probes of how far
    its tuning carries, not measurements of real keyboards): keys 10 dB quieter; a duller
    keyboard (presses and releases low-passed at 4 kHz, 4th-order Butterworth); quiet releases
    (20 dB below the press instead of 2 dB);
  - eight *real* other keyboards under the LibriVox speech: the press and release recordings of
    the `keyboardsounds` package's profiles (PyPI, GPL-3; most are Thomas Lai's kbsim samples of
    Cherry MX, Gateron, Holy Panda and Alpaca switches, one a Logitech G915), downloaded once into
    bench/work/ with pip and never committed, scaled to the Model M's median press peak. These
    were not used to tune anything before they were added; several make two sounds per stroke;
  - the same eight real keyboards under the LibriVox speech through the meeting app's 16 kHz
    voice mode (Opus at 24 kb/s): the condition the issue's held-out recordings are made in;
  - the eight real keyboards (and the room noise) through that voice mode on their own, the
    full-band speech mixed in afterwards (`keys_codec`);
  - the Model M and the eight real keyboards under the LibriVox speech through a WebRTC meeting
    client's capture path: WebRTC's audio processing at 16 kHz (high-pass filter, noise
    suppression, automatic gain control; the webrtc-noise-gain package from PyPI, installed on
    first use), then Opus at 24 kb/s;
  - the Model M and the eight real keyboards under the LibriVox speech as a meeting recording
    is stored: AAC-LC at 64 kb/s in MP4 (FFmpeg's native encoder);
  - five more real keyboards (`stroke-…` cases: SteelSeries Apex Pro TKL, Banana Split, Cherry
    MX Speed Silver, NK Cream and Telios V2 switches), whose keyboardsounds profiles hold each
    key's whole stroke in one recording (press, then release: the dwell time is the recorded
    typist's own), in five of those conditions: under the LibriVox speech, through the 16 kHz
    voice mode, keys through that voice mode with the full-band speech after, WebRTC, AAC.
    They were added in session 20 and measured before anything was changed for them; every
    key of a profile is struck equally often (a profile's quiet stabilised keys — caps lock,
    tab — as often as its letters);
  - one more real keyboard, recorded by someone else with another microphone
    (`stroke-keebsound-gateron-red-…`): the keebsound package's Gateron Red switches (PyPI, MIT;
    sixty keys — letters, digits, punctuation, modifiers — one whole stroke each, MP3 at
    44.1 kHz with the room's hiss about 34 dB below the press), downloaded once into bench/work/
    and never committed, in the same five conditions, in an interview (typing from 35 to 55 s
    only) and with a typist's timing (below). Added in session 28 and measured before anything
    was changed for it;
  - mouse clicks (a probe): the Model M under the LibriVox speech, and through the 16 kHz voice
    mode, with a real mouse's button clicks (keyboardsounds' Logitech G502 X profile) in the
    pauses between bursts, at the keys' levels; the clicks are not in the truth;
  - a low bit rate (a probe, `…-low-rate`): the thirteen real keyboards under the LibriVox
    speech through the 16 kHz voice mode at 16 kb/s in Opus's VoIP mode (a meeting app on a
    constrained connection; SILK, like the 24 kb/s mode, with fewer bits for the clicks);
  - the full-band voice mode (a probe, `…-full-band`): the same through 48 kHz Opus at 32 kb/s
    in VoIP mode (hybrid: SILK to 8 kHz, CELT above), as a WebRTC client opens it by default.
  - quieter keys (a probe, `…-quieter-wideband`): the thirteen 10 dB quieter against the
    LibriVox speech (a headset's microphone, nearer the mouth than the keyboard), through the
    16 kHz voice mode at 24 kb/s;
  - an interview (`…-sparse-typing-wideband`): typing only from 35 to 55 s of the 90 s of
    LibriVox speech, the Model M and the thirteen, through the 16 kHz voice mode;
  - fast typing through the meeting codec (a probe, `…-fast-typing-wideband`): the thirteen
    typed with presses 0.1–0.25 s apart under the LibriVox speech, through the 16 kHz voice mode;
  - a typist's timing (a probe, `…-typist-wideband`): the Model M and the thirteen under the
    LibriVox speech through the 16 kHz voice mode, the gaps between presses log-normal (median
    0.17 s, about 70 words a minute) and keys held a normal 0.10 s (sd 25 ms) instead of the
    uniform draws above, so that the next key is often down before the last is up (one key in
    seven: "rollover", which large studies of real typing find common) or lands as it comes up
    (within 25 ms of that release, before or after: one in five);
  - other speech (a probe, `…-other-speech-wideband`): the thirteen under two voices never used
    to tune anything — the Asterisk prompt packages' Allison (en-US, a woman) and Carlo (it-IT, a
    man), prompts alternating 0.3 s apart, at the LibriVox clips' level — through the 16 kHz
    voice mode; and the interview (typing from 35 to 55 s only) under them, the Model M and the
    thirteen (`…-other-speech-interview-wideband`).
Each case has an event log with the true presses on a clock 1.3 s behind the media.
Candor runs as `candor analyze MIX --candidate a:0 --events LOG --format json`.

Usage: bench/keyboard.py [--seconds S] [--seeds N] [--first-seed K] [--candor PATH] [--json PATH]
                         [--cases NAME,…] [--no-peers] [--config FILE] [--jobs N]
"""
import argparse
import bisect
import glob
import json
import multiprocessing
import os
import subprocess
import sys
import tarfile
import zipfile

import numpy
import soundfile

import benchlib
from benchlib import ROOT, ffmpeg, load_mono, write_atomically, write_json

WORK = os.path.join(benchlib.WORK, "keyboard")
RATE = 48000
KEYS = "/usr/share/buckle/wav"
SPEECH = "/usr/share/pocketsphinx/test/data/librivox"
FULL_BAND_SPEECH = "/usr/share/sounds/alsa"
OFFSET = 1.3
KEYBOARDSOUNDS = "keyboardsounds==6.4.3"
WEBRTC_APM = "webrtc-noise-gain==1.3.0"
REAL_KEYBOARDS = ["alpaca", "gateron-black-ink", "gateron-red-ink", "holy-panda", "logitech-g915-tkl-brown",
                  "mx-black", "mx-blue", "mx-brown"]
# Profiles recorded a whole stroke at a time (press, then release, in one recording: the dwell
# time is the typist's own), added in session 20 and measured before anything was changed for
# them. (The package's other profiles are a typewriter, a mouse and two synthetic UI sounds.)
STROKE_KEYBOARDS = ["apex-pro-tkl-v2", "banana-split", "mx-speed-silver", "nk-cream", "telios-v2"]
# One more keyboard recorded a whole stroke at a time, by someone else with another microphone:
# the Gateron Red switches of the keebsound package (PyPI, MIT; 60 keys, one stroke each, 44.1 kHz
# MP3 with the room's noise), added in session 28 and measured before anything was changed for it.
KEEBSOUND = "keebsound==0.0.2"
KEEBSOUND_KEYBOARD = "keebsound-gateron-red"


def keyboardsounds_profiles():
    """The keyboardsounds package's profile folders (downloaded from PyPI once)."""
    folder = os.path.join(benchlib.WORK, "keyboardsounds")
    profiles = os.path.join(folder, "keyboardsounds", "profiles")
    if not os.path.isdir(profiles):
        os.makedirs(folder, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", folder, KEYBOARDSOUNDS],
                       check=True)
        wheel = glob.glob(os.path.join(folder, "keyboardsounds-*.whl"))[0]
        zipfile.ZipFile(wheel).extractall(folder)
    return profiles


def keebsound_strokes():
    """The keebsound package's Gateron Red stroke recordings (its source distribution downloaded
    from PyPI once)."""
    folder = os.path.join(benchlib.WORK, "keebsound")
    sounds = os.path.join(folder, KEEBSOUND.replace("==", "-"), "keeb", "sounds", "gateron-red")
    if not os.path.isdir(sounds):
        os.makedirs(folder, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        "--dest", folder, KEEBSOUND], check=True)
        with tarfile.open(glob.glob(os.path.join(folder, "keebsound-*.tar.gz"))[0]) as archive:
            # (The "data" filter — no links out, no absolute paths — where this Python has it.)
            archive.extractall(folder, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    return sorted(glob.glob(os.path.join(sounds, "*.mp3")))


def profile_keys(name, reference_peak):
    """(press, release) recordings of one keyboardsounds profile, scaled so that its median press
    peak is `reference_peak`."""
    folder = os.path.join(keyboardsounds_profiles(), name)
    if name == "logitech-g915-tkl-brown":
        pairs = [(f"key-press-{k}.wav", f"key-release-{k}.wav") for k in range(1, 6)]
    else:
        release = "release.mp3" if os.path.exists(os.path.join(folder, "release.mp3")) else "release_key.mp3"
        pairs = [(f"press_key{k}.mp3", release) for k in range(1, 6)]
        pairs += [(f"press_{k}.mp3", f"release_{k}.mp3") for k in ("space", "enter", "back")
                  if os.path.exists(os.path.join(folder, f"press_{k}.mp3"))]
    keys = [(load(os.path.join(folder, p)), load(os.path.join(folder, r))) for p, r in pairs]
    scale = reference_peak / numpy.median([numpy.abs(p).max() for p, _ in keys])
    return [(p * scale, r * scale) for p, r in keys]


def stroke_keys(name, reference_peak):
    """Whole-stroke recordings (press and release in one) of one keyboardsounds profile, each as
    (stroke, None), scaled so that the median peak of their presses — the first click: the
    first 2 ms within 12 dB of the recording's loudest, and the 15 ms from there — is
    `reference_peak`."""
    if name == KEEBSOUND_KEYBOARD:
        paths = keebsound_strokes()
    else:
        paths = sorted(glob.glob(os.path.join(keyboardsounds_profiles(), name, "*.wav")))
    strokes = [load(path) for path in paths]
    clicks = [first_click(s) for s in strokes]
    scale = reference_peak / numpy.median([numpy.abs(s[c:c + int(0.015 * RATE)]).max() for s, c in zip(strokes, clicks)])
    return [(s * scale, None) for s in strokes]


def first_click(x):
    """Where a whole stroke's first click (the press) starts: the first sample above 0.2 × that
    click's peak, the click being the first 2 ms block within 12 dB of the loudest."""
    block = int(0.002 * RATE)
    levels = numpy.array([numpy.sqrt(numpy.mean(x[i:i + block] ** 2)) for i in range(0, len(x) - block + 1, block)])
    first = int(numpy.argmax(levels >= levels.max() * 10 ** (-12 / 20))) * block
    start = max(0, first - block)
    peak = numpy.abs(x[start:first + 2 * block]).max()
    return start + int(numpy.argmax(numpy.abs(x[start:]) > 0.2 * peak))


def mouse_clicks(reference_peak):
    """A real mouse's button clicks (the keyboardsounds package's Logitech G502 X profile), each
    as (down, up), scaled so that their median peak is `reference_peak`."""
    folder = os.path.join(keyboardsounds_profiles(), "g502x-wireless")
    clicks = [(load(os.path.join(folder, f"{b}_down.wav")), load(os.path.join(folder, f"{b}_up.wav")))
              for b in ("primary", "secondary")]
    scale = reference_peak / numpy.median([numpy.abs(x).max() for c in clicks for x in c])
    return [(d * scale, u * scale) for d, u in clicks]


def load(path):
    return load_mono(path, RATE).copy()


def onset(x):
    peak = numpy.abs(x).max()
    return int(numpy.argmax(numpy.abs(x) > 0.2 * peak))


# A meeting app's voice modes: the audio rate (Hz) it codes at and Opus's options — 24 kb/s,
# or (`low-rate`, a constrained connection) 16 kb/s in Opus's VoIP mode, as WebRTC clients
# open it. At 16 kHz all three code the audio with SILK, Opus's speech (linear-prediction) layer.
# `full-band`: 48 kHz at 32 kb/s in VoIP mode, a WebRTC client's default; Opus codes it in
# hybrid mode (SILK to 8 kHz, CELT, its transform layer, above).
VOICE_MODES = {"wideband": (16000, ("-b:a", "24k")), "superwideband": (24000, ("-b:a", "24k")),
               "low-rate": (16000, ("-application", "voip", "-b:a", "16k")),
               "full-band": (48000, ("-application", "voip", "-b:a", "32k"))}


def voice_mode(source, media, mode):
    """Codes `source` as the meeting app's voice `mode` does, into `media` (WebM/Opus)."""
    rate, options = VOICE_MODES[mode]
    ffmpeg("-i", source, "-ar", str(rate), "-c:a", "libopus", *options, media)


def ensure_webrtc():
    """Installs the webrtc-noise-gain package (pinned in WEBRTC_APM) if it is missing."""
    try:
        import webrtc_noise_gain  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", WEBRTC_APM], check=True)


def webrtc_processing(source, media):
    """A WebRTC meeting client's capture path into `media` (WebM/Opus): the mix at 16 kHz through
    WebRTC's audio processing module — high-pass filter, noise suppression (level 2 of 0–4) and
    automatic gain control (target −3 dBFS) — in 10 ms frames of 16-bit PCM (the
    webrtc-noise-gain package, pinned in WEBRTC_APM), then Opus at 24 kb/s."""
    ensure_webrtc()
    from webrtc_noise_gain import AudioProcessor
    processor = AudioProcessor(3, 2)  # AGC target (dBFS below full scale), noise suppression level
    pcm = (numpy.clip(load_mono(source, 16000), -1, 1) * 32767).astype(numpy.int16).tobytes()
    frame = 320  # 10 ms of 16-bit samples at 16 kHz
    processed = b"".join(processor.Process10ms(pcm[i:i + frame]).audio for i in range(0, len(pcm) - frame + 1, frame))
    audio = os.path.splitext(media)[0] + ".apm.wav"
    soundfile.write(audio, numpy.frombuffer(processed, dtype=numpy.int16), 16000, subtype="PCM_16")
    ffmpeg("-i", audio, "-c:a", "libopus", "-b:a", "24k", media)
    os.remove(audio)


# Other speech (session 24), never used to tune anything: two professional voices of the
# Asterisk prompt packages (G.722, 16 kHz), a woman's in English and a man's in Italian.
OTHER_SPEECH = ["/usr/share/asterisk/sounds/en_US_f_Allison", "/usr/share/asterisk/sounds/it_IT_m_Carlo"]


def other_speech(seconds):
    """The other voices' prompts, alternating, 0.3 s apart from 1 s on (a conversation's pauses,
    not a reading's), at the LibriVox clips' level (the same RMS over the sounding 20 ms blocks),
    `seconds` long; made once into bench/work/keyboard/ (ffmpeg decodes each prompt)."""
    path = os.path.join(WORK, f"other-speech-{int(seconds)}.wav")
    if os.path.exists(path):
        return load(path)
    import random
    prompts = []
    for folder in OTHER_SPEECH:
        files = sorted(glob.glob(os.path.join(folder, "*.g722")))
        if len(files) < 40:
            sys.exit(f"keyboard.py: {folder} is not installed (scripts/install-deps.sh bench)")
        random.Random(24).shuffle(files)
        prompts.append(files)
    out = numpy.zeros(int(seconds * RATE), dtype=numpy.float32)
    position, k = RATE, 0
    while position < len(out):
        x = load(prompts[k % 2][k // 2])
        end = min(len(out), position + len(x))
        out[position:end] += x[: end - position]
        position += len(x) + int(0.3 * RATE)
        k += 1
    def active_rms(y):
        block = int(0.02 * RATE)
        blocks = y[: len(y) // block * block].reshape(-1, block)
        rms = numpy.sqrt(numpy.mean(blocks ** 2, axis=1))
        return float(numpy.sqrt(numpy.mean(rms[rms > 10 ** (-50 / 20)] ** 2)))
    reference = numpy.zeros(len(out), dtype=numpy.float32)
    add_speech(reference, True)
    out *= active_rms(reference) / active_rms(out)
    os.makedirs(WORK, exist_ok=True)
    # (Runs in parallel may make it at once.)
    write_atomically(path, lambda temporary: soundfile.write(temporary, out, RATE, subtype="FLOAT"))
    return out


def add_speech(out, speech):
    """Adds the speech clips one after another (0.8 s apart) from 1 s on."""
    if speech == "other":
        out += other_speech(len(out) / RATE)[: len(out)]
        return
    position = RATE
    folder = FULL_BAND_SPEECH if speech == "full-band" else SPEECH
    clips = sorted(p for p in glob.glob(os.path.join(folder, "*.wav")) if not p.endswith("Noise.wav"))
    while position < len(out):
        for clip in clips:
            x = load(clip)
            end = min(len(out), position + len(x))
            out[position:end] += x[: end - position]
            position += len(x) + int(0.8 * RATE)
            if position >= len(out):
                break


def make_case(name, seconds, seed, speech, codec=None, gated=False, interval=(0.15, 0.4), keyboard=None):
    """`keyboard`: `profile` — another real keyboard (a keyboardsounds profile) instead of the
    Model M; `gain_db` (all keys, of any keyboard); changes to the Model M samples — `lowpass_hz`,
    `release_db` (releases relative to presses, default -2 dB) — and to the room: `reverb_rt60_s`
    and `reverb_drr_db` reverberate the whole mix (speech, keys, noise: one room, one microphone);
    `typing_s` (start, end): typing in that stretch only."""
    keyboard = keyboard or {}
    rng = numpy.random.default_rng(seed)
    out = (rng.standard_normal(int(seconds * RATE)) * 10 ** (-62 / 20)).astype(numpy.float32)  # room noise
    # `keys_codec`: the keyboard (and the room noise) recorded through a meeting app's voice
    # codec on its own, the speech mixed in afterwards as it was recorded.
    keys_codec = keyboard.get("keys_codec")
    if speech and not keys_codec:
        add_speech(out, speech)
    presses = sorted(glob.glob(os.path.join(KEYS, "*-0.wav")))
    keys = [(load(p), load(p.replace("-0.wav", "-1.wav"))) for p in presses[:60]]
    # Other keyboards (and the mouse) are scaled to the Model M's median press peak.
    reference_peak = float(numpy.median([numpy.abs(p).max() for p, _ in keys]))
    if "profile" in keyboard:
        keys = profile_keys(keyboard["profile"], reference_peak)
    elif "strokes" in keyboard:
        keys = stroke_keys(keyboard["strokes"], reference_peak)
    if "lowpass_hz" in keyboard:
        import scipy.signal  # librosa's dependency
        sos = scipy.signal.butter(4, keyboard["lowpass_hz"], "low", fs=RATE, output="sos")
        keys = [(scipy.signal.sosfilt(sos, p).astype(numpy.float32), scipy.signal.sosfilt(sos, r).astype(numpy.float32))
                for p, r in keys]
    key_gain = 10 ** (keyboard.get("gain_db", 0) / 20)
    release_gain = 10 ** (keyboard.get("release_db", 20 * numpy.log10(0.8)) / 20)
    truth = []
    # `typist`: a typist's timing instead of uniform draws — the gap from one press to the next
    # log-normal (median 0.17 s, about 70 words a minute; sigma 0.45; 0.05–1 s) and each key held
    # for a normal 0.10 s (sd 0.025 s; 0.05–0.2 s) — so that, as in real typing, the next key is
    # often pressed before the last is released (one key in seven) or as it comes up (within
    # 25 ms of its release, before or after: one in five). The benchmark's other cases have
    # neither (their fast typing: one in twenty-three before, one in seven within 25 ms).
    typist = keyboard.get("typist", False)
    # `typing_s`: (start, end) of the one stretch typed in (default: throughout).
    t, end = keyboard.get("typing_s", (0.5, seconds - 1))
    while t < end:
        for _ in range(rng.integers(8, 30)):
            if t >= end:
                break
            press, release = keys[rng.integers(len(keys))]
            gain = key_gain * 10 ** (rng.uniform(-12, 0) / 20)
            start = int(t * RATE) - (onset(press) if release is not None else first_click(press))
            if start < 0:
                press, start = press[-start:], 0
            out[start:start + len(press)] += press[: len(out) - start] * gain
            truth.append(t)
            if release is not None:  # (a whole stroke holds its release)
                dwell = float(numpy.clip(rng.normal(0.10, 0.025), 0.05, 0.2)) if typist else rng.uniform(0.06, 0.13)
                r = int((t + dwell) * RATE) - onset(release)
                out[r:r + len(release)] += release[: len(out) - r] * gain * release_gain
            t += float(numpy.clip(rng.lognormal(numpy.log(0.17), 0.45), 0.05, 1.0)) if typist else rng.uniform(*interval)
        t += rng.uniform(1, 3)
    if keyboard.get("mouse"):
        # Mouse clicks between the bursts of typing (clicking into the editor, selecting):
        # one or two in each pause of a second or more, at least 0.3 s from any key, the left
        # button three times in four, button up 60–150 ms after down, at the keys' levels. Not
        # key presses: not in the truth. (Their own random stream: the keys are those of the
        # case without them.)
        mouse_rng = numpy.random.default_rng(seed + 3000)
        clicks = mouse_clicks(reference_peak)
        for before, after in zip(truth, truth[1:]):
            if after - before < 1:
                continue
            for _ in range(mouse_rng.integers(1, 3)):
                down, up = clicks[0 if mouse_rng.random() < 0.75 else 1]
                at = mouse_rng.uniform(before + 0.3, after - 0.45)
                gain = key_gain * 10 ** (mouse_rng.uniform(-12, 0) / 20)
                for sound, when in ((down, at), (up, at + mouse_rng.uniform(0.06, 0.15))):
                    i = int(when * RATE)
                    out[i:i + len(sound)] += sound[: len(out) - i] * gain
    if "reverb_rt60_s" in keyboard:
        # A room's impulse response: the direct sound, then an exponentially decaying noise tail
        # (60 dB in rt60) from 3 ms on, `reverb_drr_db` below the direct sound in energy.
        import scipy.signal
        rt60 = keyboard["reverb_rt60_s"]
        tail_rng = numpy.random.default_rng(seed + 2000)
        t = numpy.arange(int(1.5 * rt60 * RATE)) / RATE
        response = tail_rng.standard_normal(len(t)) * numpy.exp(-6.9 * t / rt60) * (t > 0.003)
        response *= numpy.sqrt(10 ** (-keyboard["reverb_drr_db"] / 10) / numpy.sum(response ** 2))
        response[0] = 1.0
        out = scipy.signal.fftconvolve(out, response)[: len(out)].astype(numpy.float32)
    if keys_codec:
        os.makedirs(WORK, exist_ok=True)
        keys_wav = os.path.join(WORK, f"{name}-{seed}.keys.wav")
        keys_coded = os.path.join(WORK, f"{name}-{seed}.keys.webm")
        soundfile.write(keys_wav, out, RATE, subtype="FLOAT")
        voice_mode(keys_wav, keys_coded, keys_codec)
        coded = load(keys_coded)
        out = numpy.zeros(len(out), dtype=numpy.float32)
        out[: min(len(out), len(coded))] = coded[: len(out)]
        if speech:
            add_speech(out, speech)
    if gated:
        # Noise suppression: 20 ms blocks below -50 dBFS become digital silence.
        block = int(0.02 * RATE)
        for i in range(0, len(out), block):
            if numpy.sqrt(numpy.mean(out[i:i + block] ** 2)) < 10 ** (-50 / 20):
                out[i:i + block] = 0
    peak = numpy.abs(out).max()
    if peak > 0.99:
        out *= 0.99 / peak
    os.makedirs(WORK, exist_ok=True)
    # Each file is written under a temporary name of this process's own and then renamed: a run
    # reading the recordings while another makes them anew never sees half of one.
    wav = os.path.join(WORK, f"{name}-{seed}.wav")
    write_atomically(wav, lambda path: soundfile.write(path, out, RATE, subtype="FLOAT"))
    media = wav
    if codec == "opus":
        media = os.path.join(WORK, f"{name}-{seed}.webm")
        write_atomically(media, lambda path: ffmpeg("-i", wav, "-c:a", "libopus", "-b:a", "32k", path))
    elif codec == "aac":
        # A meeting recording as stored (MP4): AAC-LC at 64 kb/s, FFmpeg's native encoder.
        media = os.path.join(WORK, f"{name}-{seed}.m4a")
        write_atomically(media, lambda path: ffmpeg("-i", wav, "-c:a", "aac", "-b:a", "64k", path))
    elif codec == "webrtc":
        media = os.path.join(WORK, f"{name}-{seed}.webm")
        write_atomically(media, lambda path: webrtc_processing(wav, path))
    elif codec in VOICE_MODES:
        # A meeting app's voice mode: 16 kHz audio (nothing above 8 kHz), super-wideband 24 kHz
        # audio (nothing above 12 kHz; the top coded band flickers from frame to frame), or
        # full-band 48 kHz audio in hybrid mode.
        media = os.path.join(WORK, f"{name}-{seed}.webm")
        write_atomically(media, lambda path: voice_mode(wav, path, codec))
    log = os.path.join(WORK, f"{name}-{seed}.events.jsonl")
    jitter = numpy.random.default_rng(seed + 1000)
    lines = [json.dumps({"type": "session", "schema": "candor.events/1"})]
    for press in truth:
        logged = max(0.0, press - OFFSET + jitter.normal(0, 0.004))
        lines.append(json.dumps({"t": round(logged, 4), "type": "key", "action": "down"}))
        lines.append(json.dumps({"t": round(logged + 0.09, 4), "type": "key", "action": "up"}))
    def write_log(path):
        with open(path, "w") as handle:
            handle.write("\n".join(lines) + "\n")
    write_atomically(log, write_log)
    return media, log, truth


def score(found, truth, tolerance=0.03):
    """Each found time (in time order) takes the nearest unused true time within ±tolerance."""
    truth = sorted(truth)
    used = set()
    hits = 0
    for time in sorted(found):
        best = None
        for i in range(bisect.bisect_left(truth, time - tolerance), bisect.bisect_right(truth, time + tolerance)):
            if i not in used and (best is None or abs(truth[i] - time) < abs(truth[best] - time)):
                best = i
        if best is not None:
            used.add(best)
            hits += 1
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "found": len(found), "truth": len(truth)}


def spread(pairs):
    """Concatenates several recordings' (found, truth) lists on one time line, 10^4 s apart."""
    found = [f + 10000 * i for i, (fs, _) in enumerate(pairs) for f in fs]
    truth = [t + 10000 * i for i, (_, ts) in enumerate(pairs) for t in ts]
    return found, truth


def librosa_onsets(media):
    import librosa
    y = load(media)
    return list(librosa.onset.onset_detect(y=y, sr=RATE, backtrack=True, units="time"))


def energy_onsets(media):
    y = load(media)
    hop = int(0.01 * RATE)
    frames = len(y) // hop
    rms = numpy.sqrt(numpy.mean(y[: frames * hop].reshape(frames, hop) ** 2, axis=1))
    level = 20 * numpy.log10(numpy.maximum(rms, 1e-9))
    found, last = [], -1.0
    for i, value in enumerate(level):
        t = i * hop / RATE
        if value > -35 and t - last > 0.1:
            found.append(t)
            last = t
    return found


def peers(row):
    """The peers' F1 for a printed row, or that they were not run."""
    if row["librosa"] is None:
        return "peers not run"
    return f"librosa F1 {row['librosa']['f1']:.2f} | energy F1 {row['energy']['f1']:.2f}"


def measure(task):
    """One case at one seed: the recording made, Candor's presses (and the peers', unless
    `no_peers`) and its clock offset. Runs in a worker process (`--jobs`)."""
    (name, speech, codec, gated, keyboard), seed, seconds, candor, config, no_peers = task
    # Fast typing: presses 0.1–0.25 s apart (about 70 words a minute), so the next key is
    # often pressed as the last is released (one in seven within 25 ms), seldom before it
    # (one in twenty-three).
    interval = (0.1, 0.25) if name.startswith("fast") or "-fast-typing-" in name else (0.15, 0.4)
    media, log, truth = make_case(name, seconds, seed, speech, codec, gated, interval, keyboard)
    command = [candor, "analyze", media, "--candidate", "a:0", "--events", log, "--format", "json", "--quiet"]
    if config:
        command += ["--config", config]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(out)["detectors"]["keyboard"]
    peers_found = (None, None) if no_peers else (librosa_onsets(media), energy_onsets(media))
    return result["acoustic_keystrokes_s"], truth, *peers_found, result.get("clock_offset_s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--candor", default=os.path.join(ROOT, ".build", "release", "candor"))
    parser.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "keyboard.json"))
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--config", help="a Candor configuration file passed to analyze (threshold probes)")
    parser.add_argument("--no-peers", action="store_true", help="Candor only (probe runs; published figures include the peers)")
    parser.add_argument("--jobs", type=int, default=1, help="recordings made and measured at once (worker processes; the figures do not depend on it)")
    options = parser.parse_args()
    if options.jobs < 1:
        parser.error(f"--jobs must be at least 1, not {options.jobs}")
    cases = [("typing-alone", False, None, False, None), ("under-speech", True, None, False, None),
             ("under-speech-opus", True, "opus", False, None), ("under-speech-gated", True, None, True, None),
             ("under-full-band-speech", "full-band", None, False, None),
             ("under-speech-wideband", True, "wideband", False, None),
             ("under-speech-superwideband", True, "superwideband", False, None),
             ("under-speech-reverberant-room", True, None, False, {"reverb_rt60_s": 0.4, "reverb_drr_db": 6}),
             ("fast-typing-alone", False, None, False, None), ("fast-typing-under-speech", True, None, False, None),
             ("quieter-keys-under-speech", True, None, False, {"gain_db": -10}),
             ("duller-keys-under-speech", True, None, False, {"lowpass_hz": 4000}),
             ("quiet-releases-under-speech", True, None, False, {"release_db": -20})]
    cases += [(f"real-{profile}-under-speech", True, None, False, {"profile": profile}) for profile in REAL_KEYBOARDS]
    # The held-out condition: real other keyboards under speech through a meeting app's voice mode.
    cases += [(f"real-{profile}-wideband", True, "wideband", False, {"profile": profile}) for profile in REAL_KEYBOARDS]
    # …and the keyboard alone through that codec, full-band speech mixed in afterwards (speech
    # then fills the band above 8 kHz where the coded clicks have nothing).
    cases += [(f"real-{profile}-coded-keys-full-band-speech", "full-band", None, False, {"profile": profile, "keys_codec": "wideband"})
              for profile in REAL_KEYBOARDS]
    # …and through a WebRTC client's noise suppression and automatic gain control before its codec.
    cases += [("under-speech-webrtc", True, "webrtc", False, None)]
    cases += [(f"real-{profile}-webrtc", True, "webrtc", False, {"profile": profile}) for profile in REAL_KEYBOARDS]
    # …and as a meeting recording is stored: AAC in MP4.
    cases += [("under-speech-aac", True, "aac", False, None)]
    cases += [(f"real-{profile}-aac", True, "aac", False, {"profile": profile}) for profile in REAL_KEYBOARDS]
    # Mouse clicks between the bursts (the Model M under speech, and through the meeting codec).
    cases += [("mouse-clicks-under-speech", True, None, False, {"mouse": True}),
              ("mouse-clicks-under-speech-wideband", True, "wideband", False, {"mouse": True})]
    # A probe (session 21): the thirteen real keyboards under speech through the meeting app
    # at 16 kb/s (a constrained connection), measured before anything was changed for it.
    cases += [(f"real-{profile}-low-rate", True, "low-rate", False, {"profile": profile}) for profile in REAL_KEYBOARDS]
    cases += [(f"stroke-{profile}-low-rate", True, "low-rate", False, {"strokes": profile}) for profile in STROKE_KEYBOARDS]
    # A probe (session 22): the same through the meeting app's full-band voice mode, 48 kHz at
    # 32 kb/s (Opus hybrid — SILK to 8 kHz, CELT above — in 97–100 % of the packets, CELT alone
    # in the rest; a WebRTC client's default voice mode), measured before anything was changed for it.
    cases += [(f"real-{profile}-full-band", True, "full-band", False, {"profile": profile}) for profile in REAL_KEYBOARDS]
    cases += [(f"stroke-{profile}-full-band", True, "full-band", False, {"strokes": profile}) for profile in STROKE_KEYBOARDS]
    # Typing in one 20 s stretch of the 90 s of speech (an interview: mostly talk), through the
    # meeting voice mode: the Model M and the thirteen real keyboards (session 22).
    cases += [("sparse-typing-wideband", True, "wideband", False, {"typing_s": (35, 55)})]
    cases += [(f"real-{profile}-sparse-typing-wideband", True, "wideband", False, {"profile": profile, "typing_s": (35, 55)})
              for profile in REAL_KEYBOARDS]
    cases += [(f"stroke-{profile}-sparse-typing-wideband", True, "wideband", False, {"strokes": profile, "typing_s": (35, 55)})
              for profile in STROKE_KEYBOARDS]
    # A probe (session 22): the thirteen 10 dB quieter against the speech (a microphone nearer
    # the mouth than the keyboard: a headset), through the 16 kHz meeting voice mode.
    cases += [(f"real-{profile}-quieter-wideband", True, "wideband", False, {"profile": profile, "gain_db": -10})
              for profile in REAL_KEYBOARDS]
    cases += [(f"stroke-{profile}-quieter-wideband", True, "wideband", False, {"strokes": profile, "gain_db": -10})
              for profile in STROKE_KEYBOARDS]
    # A probe (session 23): the thirteen typed fast (presses 0.1–0.25 s apart, as above: the next
    # key often down as the last comes up) under speech through the 16 kHz meeting voice mode.
    cases += [(f"real-{profile}-fast-typing-wideband", True, "wideband", False, {"profile": profile})
              for profile in REAL_KEYBOARDS]
    cases += [(f"stroke-{profile}-fast-typing-wideband", True, "wideband", False, {"strokes": profile})
              for profile in STROKE_KEYBOARDS]
    # A probe (session 27): a typist's timing (`typist` in make_case: log-normal gaps between
    # presses, normal holds; keys often pressed before, or as, the last comes up), the Model M
    # and the thirteen under the LibriVox speech through the 16 kHz voice mode.
    cases += [("typist-timing-wideband", True, "wideband", False, {"typist": True})]
    cases += [(f"real-{profile}-typist-wideband", True, "wideband", False, {"profile": profile, "typist": True})
              for profile in REAL_KEYBOARDS]
    cases += [(f"stroke-{profile}-typist-wideband", True, "wideband", False, {"strokes": profile, "typist": True})
              for profile in STROKE_KEYBOARDS]
    # A probe (session 24): the thirteen under other speech — two voices never used to tune
    # anything (Asterisk's Allison, en-US, and Carlo, it-IT) — through the 16 kHz voice mode.
    cases += [(f"real-{profile}-other-speech-wideband", "other", "wideband", False, {"profile": profile})
              for profile in REAL_KEYBOARDS]
    cases += [(f"stroke-{profile}-other-speech-wideband", "other", "wideband", False, {"strokes": profile})
              for profile in STROKE_KEYBOARDS]
    # …and the interview (typing only from 35 to 55 s) under those voices: the Model M and the thirteen.
    cases += [("other-speech-interview-wideband", "other", "wideband", False, {"typing_s": (35, 55)})]
    cases += [(f"real-{profile}-other-speech-interview-wideband", "other", "wideband", False, {"profile": profile, "typing_s": (35, 55)})
              for profile in REAL_KEYBOARDS]
    cases += [(f"stroke-{profile}-other-speech-interview-wideband", "other", "wideband", False, {"strokes": profile, "typing_s": (35, 55)})
              for profile in STROKE_KEYBOARDS]
    # Five more real keyboards, recorded a whole stroke at a time, and the keebsound keyboard, in
    # the same conditions.
    for profile in STROKE_KEYBOARDS + [KEEBSOUND_KEYBOARD]:
        cases += [(f"stroke-{profile}-under-speech", True, None, False, {"strokes": profile}),
                  (f"stroke-{profile}-wideband", True, "wideband", False, {"strokes": profile}),
                  (f"stroke-{profile}-coded-keys-full-band-speech", "full-band", None, False,
                   {"strokes": profile, "keys_codec": "wideband"}),
                  (f"stroke-{profile}-webrtc", True, "webrtc", False, {"strokes": profile}),
                  (f"stroke-{profile}-aac", True, "aac", False, {"strokes": profile})]
    # …and the keebsound keyboard in an interview and with a typist's timing.
    profile = KEEBSOUND_KEYBOARD
    cases += [(f"stroke-{profile}-sparse-typing-wideband", True, "wideband", False, {"strokes": profile, "typing_s": (35, 55)}),
              (f"stroke-{profile}-typist-wideband", True, "wideband", False, {"strokes": profile, "typist": True})]
    if options.cases:
        wanted = options.cases.split(",")
        unknown = set(wanted) - {case[0] for case in cases}
        if unknown:
            parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
        cases = [case for case in cases if case[0] in wanted]
    rows = []
    totals = {"candor": [], "librosa": [], "energy": []}
    # Shared downloads and installs first (not by several processes at once).
    if any("profile" in (keyboard or {}) or (keyboard or {}).get("strokes") not in (None, KEEBSOUND_KEYBOARD)
           or (keyboard or {}).get("mouse") for _, _, _, _, keyboard in cases):
        keyboardsounds_profiles()
    if any((keyboard or {}).get("strokes") == KEEBSOUND_KEYBOARD for _, _, _, _, keyboard in cases):
        keebsound_strokes()
    if any(codec == "webrtc" for _, _, codec, _, _ in cases):
        ensure_webrtc()
    seeds = list(range(options.first_seed, options.first_seed + options.seeds))
    tasks = [(case, seed, options.seconds, options.candor, options.config, options.no_peers) for case in cases for seed in seeds]
    with multiprocessing.Pool(options.jobs) as pool:
        results = pool.imap(measure, tasks)
        for name, *_ in cases:
            per = {"candor": [], "librosa": [], "energy": []}
            offset_errors = []
            for _ in seeds:
                found, truth, librosa_found, energy_found, offset = next(results)
                per["candor"].append((found, truth))
                if librosa_found is not None:
                    per["librosa"].append((librosa_found, truth))
                    per["energy"].append((energy_found, truth))
                if offset is not None:
                    offset_errors.append(abs(offset - OFFSET))
            row = {"case": name}
            for method, pairs in per.items():
                # Without the peers (--no-peers) their figures are null, not a score of 0.
                row[method] = score(*spread(pairs)) if pairs else None
                totals[method] += pairs
            row["clock_offset_error_s"] = max(offset_errors) if offset_errors else None
            row["clock_offset_estimated"] = f"{len(offset_errors)}/{options.seeds}"
            rows.append(row)
            print(f"{name:28s} candor P {row['candor']['precision']:.2f} R {row['candor']['recall']:.2f} F1 {row['candor']['f1']:.2f}"
                  f"  | {peers(row)}"
                  f"  | clock offset error {row['clock_offset_error_s'] if row['clock_offset_error_s'] is None else round(row['clock_offset_error_s'] * 1000, 1)} ms"
                  f" ({row['clock_offset_estimated']} estimated)", flush=True)
    overall = {method: score(*spread(pairs)) if pairs else None for method, pairs in totals.items()}
    print(f"{'all cases':28s} candor P {overall['candor']['precision']:.2f} R {overall['candor']['recall']:.2f} "
          f"F1 {overall['candor']['f1']:.2f}  | {peers(overall)}")
    write_json(options.json, {"benchmark": "keyboard", "tolerance_s": 0.03, "rows": rows, "overall": overall})


if __name__ == "__main__":
    main()

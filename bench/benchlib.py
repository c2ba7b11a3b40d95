"""Helpers shared by Candor's benchmark scripts: paths, running ffmpeg, timing a command with
its peak memory, summary statistics, decoding audio for the Python peers, atomic JSON results."""
import json
import os
import statistics
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", "work")


def ffmpeg(*arguments):
    """Runs the ffmpeg CLI quietly, overwriting outputs; raises on failure."""
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *arguments], check=True)


def measure(command, core=None):
    """Runs command (pinned to `core` when given) with output discarded; returns
    (seconds, peak RSS in MB)."""
    if core is not None:
        command = ["taskset", "-c", str(core), *command]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"failed: {' '.join(command)}: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def stats(values):
    """Median, min and max."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def load_mono(path, rate):
    """Any audio file decoded by the ffmpeg CLI to 32-bit float mono at `rate` (numpy array)."""
    import numpy
    out = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"],
                         check=True, capture_output=True).stdout
    return numpy.frombuffer(out, dtype=numpy.float32)


def write_atomically(path, write):
    """Calls `write` with a temporary name beside `path` — this process's own (runs in parallel
    may make the same file), with the same extension (ffmpeg picks the container by it) — and
    renames the result to `path`: a reader never sees half a file."""
    base, extension = os.path.splitext(path)
    temporary = f"{base}.{os.getpid()}.tmp{extension}"
    write(temporary)
    os.replace(temporary, path)


def write_json(path, value):
    """Writes results atomically (a temporary file renamed into place)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    def dump(temporary):
        with open(temporary, "w") as handle:
            json.dump(value, handle, indent=2)
    write_atomically(path, dump)

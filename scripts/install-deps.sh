#!/usr/bin/env bash
# Installs the system packages Candor needs, only those that are missing (idempotent).
#   scripts/install-deps.sh build   libraries to build and run candor
#   scripts/install-deps.sh test    plus the tools and real recordings the tests use
#   scripts/install-deps.sh bench   plus the real voices of the voiceprint benchmark
# Debian/Ubuntu use apt-get (sudo only when not root); macOS uses Homebrew.
set -euo pipefail
profile="${1:-build}"

apt_build=(pkg-config libsqlite3-dev libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libswscale-dev libsndfile1-dev)
# ffmpeg makes test media; bucklespring-data (real key sounds, GPL) and pocketsphinx-testdata /
# alsa-utils (real speech) are used at test time only, never committed; espeak-ng and sox make voices and mixes.
# The Asterisk prompt packages are real professional voices (CC BY-SA / CC BY / BSD-style / GPL), read at test time only.
apt_test=(ffmpeg sox espeak-ng pocketsphinx-testdata bucklespring-data alsa-utils python3 util-linux asterisk-core-sounds-fr-g722 asterisk-prompt-fr-armelle asterisk-core-sounds-en-g722)
apt_bench=(asterisk-core-sounds-it-g722 asterisk-core-sounds-ru-g722 asterisk-prompt-es-co)
brew_build=(pkg-config ffmpeg libsndfile sqlite)
brew_test=(sox espeak-ng)

if ! command -v swift >/dev/null 2>&1; then
    echo "install-deps: Swift 6 is required and not on PATH; install it from swift.org (or swiftly) and retry" >&2
    exit 1
fi

if command -v apt-get >/dev/null 2>&1; then
    wanted=("${apt_build[@]}")
    [ "$profile" = test ] && wanted+=("${apt_test[@]}")
    [ "$profile" = bench ] && wanted+=("${apt_test[@]}" "${apt_bench[@]}")
    missing=()
    for package in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        echo "install-deps: installing ${missing[*]}"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
elif command -v brew >/dev/null 2>&1; then
    wanted=("${brew_build[@]}")
    [ "$profile" = test ] || [ "$profile" = bench ] && wanted+=("${brew_test[@]}")
    for package in "${wanted[@]}"; do
        brew list --formula "$package" >/dev/null 2>&1 || brew install "$package"
    done
    if [ "$profile" = test ]; then
        echo "install-deps: note: the Debian packages with real recordings (pocketsphinx-testdata, bucklespring-data) have no Homebrew formula; tests that need them are skipped" >&2
    fi
else
    echo "install-deps: neither apt-get nor brew found; install FFmpeg (libavformat, libavcodec, libavutil, libswresample, libswscale), libsndfile and pkg-config by hand" >&2
    exit 1
fi

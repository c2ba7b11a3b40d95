# Candor — `make demo` and `make test` are all a new user needs (README.md).
SWIFT ?= swift
SAMPLE ?= testmedia/sample-interview.mkv
SAMPLE_EVENTS ?= testmedia/sample-interview.events.jsonl
CANDOR_RELEASE = .build/release/candor

.PHONY: all deps deps-test build release test demo bench clean

all: build

deps:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh test

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Installs what is missing, builds, and runs every test target.
test: deps-test
	$(SWIFT) build --build-tests
	$(SWIFT) test

# Installs what is missing, builds in release mode, and analyses the bundled sample interview,
# writing the HTML and JSON reports to out/.
demo: release
	@mkdir -p out
	$(CANDOR_RELEASE) probe $(SAMPLE)
	$(CANDOR_RELEASE) analyze $(SAMPLE) --events $(SAMPLE_EVENTS) --html out/sample-report.html --json out/sample-report.json
	@echo "HTML report: out/sample-report.html"

# Speed and memory against ffmpeg on the same files (not a test; see bench/README.md).
bench: release
	@scripts/install-deps.sh bench
	@python3 -c "import librosa, soundfile, webrtc_noise_gain" 2>/dev/null || python3 -m pip install --quiet "librosa==0.11.0" soundfile "webrtc-noise-gain==1.3.0"
	bench/decode.py
	bench/features.py
	bench/analyze.py
	bench/keyboard.py
	bench/voice.py
	bench/scan.py

clean:
	rm -rf .build

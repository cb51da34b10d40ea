# The README's two commands: `make demo` and `make test`. Both install what is
# missing (scripts/install-deps), configure and build; nothing is downloaded at build time.
JOBS ?= $(shell nproc)
# Evaluated when a recipe runs, i.e. after install-deps has put ninja there.
GENERATOR = $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
RELEASE_DIR := build/release
SANITIZE_DIR := build/sanitize
# The parsers of untrusted files, the engine and its kernels run again under
# AddressSanitizer and UBSan.
SANITIZE_TEST_DIRS := gguf;quant;safetensors;tokenizer;synth;engine;kernels

.PHONY: all deps build build-sanitize test test-release test-sanitize demo clean

all: build

deps:
	@scripts/install-deps

build: deps
	@test -f $(RELEASE_DIR)/CMakeCache.txt || cmake -S . -B $(RELEASE_DIR) $(GENERATOR) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(RELEASE_DIR) -j $(JOBS)

build-sanitize: deps
	@test -f $(SANITIZE_DIR)/CMakeCache.txt || cmake -S . -B $(SANITIZE_DIR) $(GENERATOR) \
	  -DCMAKE_BUILD_TYPE=Debug -DPODIUM_SANITIZE=ON -DPODIUM_CUDA=OFF "-DPODIUM_TEST_DIRS=$(SANITIZE_TEST_DIRS)"
	cmake --build $(SANITIZE_DIR) -j $(JOBS)

test-release: build
	ctest --test-dir $(RELEASE_DIR) --output-on-failure -j $(JOBS)

test-sanitize: build-sanitize
	ctest --test-dir $(SANITIZE_DIR) --output-on-failure -j $(JOBS)

test: test-release test-sanitize

demo: build
	scripts/demo $(RELEASE_DIR)/podium

clean:
	rm -rf build

# Aeterna deployment toolkit.
#   make run   — the main job on the local default (see README)
#   make test  — every suite; ends with "N passed, M failed"
SHELL := /bin/bash
.DEFAULT_GOAL := help

TOOLS := .tools/bin
OUT   ?= out

.PHONY: help bootstrap build build-asan run test bench fuzz clean readme install uninstall deb

help:
	@echo "make run        render charts/aeterna (local scenario) and charts/verta (defaults) and summarise them"
	@echo "make test       run every test suite"
	@echo "make build      build the aeterna CLI (build/aeterna); needs only the build dependencies"
	@echo "make install   install the CLI (PREFIX=/usr/local, DESTDIR honoured); make uninstall removes it"
	@echo "make deb       build the Debian package (build/aeterna_<version>_<arch>.deb)"
	@echo "make fuzz       run each libFuzzer target for FUZZ_SECONDS (default 30)"
	@echo "make bench      time 'aeterna setup --non-interactive' and report the binary size"
	@echo "make readme     regenerate the chart README values table"
	@echo "make bootstrap  install the pinned tools into .tools/"

bootstrap:
	@bash scripts/bootstrap.sh

# Only the build dependencies (C compiler, CMake, Ninja, the C libraries): no test tool.
build:
	@bash scripts/bootstrap.sh --build
	@cmake -S . -B build -G Ninja -DAETERNA_WERROR=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build

PREFIX ?= /usr/local
# Binary, man pages and completions (cmake/install.cmake); uninstall removes exactly what the
# last install wrote (build/install_manifest.txt) and the directories it created.
install: build
	@DESTDIR="$(DESTDIR)" bash scripts/install.sh install "$(PREFIX)"

uninstall:
	@DESTDIR="$(DESTDIR)" bash scripts/install.sh uninstall

deb: build
	@cd build && cpack -G DEB

build-asan: bootstrap
	@cmake -S . -B build-asan -G Ninja -DAETERNA_WERROR=ON -DAETERNA_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build build-asan

run: bootstrap
	@bash scripts/run.sh "$(OUT)"

test: bootstrap
	@bash scripts/test.sh

bench: bootstrap build
	@.tools/venv/bin/python scripts/bench.py build/aeterna

fuzz: bootstrap
	@scripts/fuzz.sh $(FUZZ_SECONDS)

readme: bootstrap
	@.tools/venv/bin/python scripts/values-table.py charts/aeterna --write

clean:
	rm -rf build build-asan out

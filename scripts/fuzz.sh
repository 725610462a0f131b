#!/usr/bin/env bash
# make fuzz: builds each libFuzzer target with clang (ASan + UBSan) and runs it for a bounded
# time, seeded with cli/fuzz/regressions/<target>/. A crash stops the run, is copied into that
# directory (so ctest replays it from then on) and fails the command.
# usage: scripts/fuzz.sh [SECONDS per target, default 30]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
secs=${1:-30}
command -v clang >/dev/null || { echo "fuzz: clang is missing (make bootstrap installs it)" >&2; exit 2; }
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DAETERNA_WERROR=ON -DCMAKE_BUILD_TYPE=Release >/dev/null   # generates embedded.c
cmake --build "$build" --target embedded_trees >/dev/null   # the built-in trees (cli/tools/embed_trees.c)
out=$build/fuzz
mkdir -p "$out"
srcs=$(find cli/src -name '*.c' ! -name main.c | sort)
flags="$(pkg-config --cflags --libs libfyaml jansson libpcre2-8) $(pkg-config --cflags libpq libcurl)"   # libpq and libcurl: headers only (dlopen)
export LSAN_OPTIONS="suppressions=$ROOT/cli/fuzz/lsan.supp"
status=0
for target in ytree yfast jschema merge toml edit diff resp reply objlist; do
  bin="$out/fuzz_$target"
  # shellcheck disable=SC2086
  clang -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -D_POSIX_C_SOURCE=200809L \
    -DAETERNA_VERSION='"fuzz"' -DAETERNA_CHART_VERSION='"fuzz"' -DAETERNA_SERVER_VERSION='"fuzz"' \
    -DFUZZ_TARGET="$target" -Icli/src/lib -Icli/src/model -Icli/src/gen -Icli/src/ui -Icli/src/cmd -Icli/fuzz $srcs "$build/generated/embedded.c" "$build/generated/embedded_trees.c" cli/fuzz/targets.c cli/fuzz/harness.c \
    $flags -ldl -lpthread -o "$bin"
  corpus="$out/corpus-$target"
  mkdir -p "$corpus"
  echo "== fuzz_$target for ${secs}s"
  if ! (cd "$out" && "./fuzz_$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
          -artifact_prefix="crash-$target-" "corpus-$target" "$ROOT/cli/fuzz/regressions/$target" >"fuzz_$target.log" 2>&1); then
    status=1
    for f in "$out"/crash-"$target"-*; do
      [ -e "$f" ] && cp "$f" "cli/fuzz/regressions/$target/" && echo "fuzz: $target crashed; input saved as cli/fuzz/regressions/$target/$(basename "$f")"
    done
    tail -n 30 "$out/fuzz_$target.log"
  else
    grep -E '^Done|#[0-9]+.*DONE' "$out/fuzz_$target.log" | tail -n 1
  fi
done
exit $status

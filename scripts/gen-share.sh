#!/bin/sh
# gen-share.sh BINARY OUTDIR: the man pages and shell completions of the built binary, written
# to OUTDIR/man1/*.1, OUTDIR/bash/aeterna, OUTDIR/zsh/_aeterna, OUTDIR/fish/aeterna.fish
# (cmake/install.cmake installs whatever is there).
#
# Both come from the CLI's option tables, through the binary itself (cli/src/lib/cli_doc.h):
#   - man pages:   `aeterna help --man` (aeterna(1)) and `aeterna help --man COMMAND`
#                  (aeterna-COMMAND(1)) for setup, validate, status and completion;
#   - completions: `aeterna completion bash|zsh|fish`.
# A page or script that cannot be produced fails the build; tests/packaging/install_test.py
# checks that what the binary produces is exactly what gets installed.
set -eu
bin=$1 out=$2
rm -rf "$out"
mkdir -p "$out/man1" "$out/bash" "$out/zsh" "$out/fish"
gen() { # file kind command...: the command's output, when it succeeds and looks like KIND
  f=$1 kind=$2; shift 2
  if "$@" >"$f.tmp" 2>/dev/null && [ -s "$f.tmp" ] &&
     { [ "$kind" != roff ] || grep -q '^\.TH ' "$f.tmp"; }; then
    mv "$f.tmp" "$f"
  else
    rm -f "$f.tmp"
    echo "gen-share.sh: '$*' did not produce a $kind file" >&2
    exit 1
  fi
}
gen "$out/bash/aeterna" script "$bin" completion bash
gen "$out/zsh/_aeterna" script "$bin" completion zsh
gen "$out/fish/aeterna.fish" script "$bin" completion fish
gen "$out/man1/aeterna.1" roff "$bin" help --man
for cmd in setup validate status completion; do
  gen "$out/man1/aeterna-$cmd.1" roff "$bin" help --man "$cmd"
done
: >"$out/.stamp"

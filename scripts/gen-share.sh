#!/bin/sh
# gen-share.sh BINARY OUTDIR: the man pages and shell completions of the built binary, written
# to OUTDIR/man1/*.1, OUTDIR/bash/aeterna, OUTDIR/zsh/_aeterna, OUTDIR/fish/aeterna.fish
# (cmake/install.cmake installs whatever is there).
#
# HOOK: both come from the CLI's option tables, through the binary itself:
#   - completions: `aeterna completion bash|zsh|fish`;
#   - man pages:   `aeterna man PAGE` for aeterna, aeterna-setup, aeterna-validate, aeterna-status.
# A binary without those commands produces nothing here (and the install has no pages or
# completions); the install test checks that what the binary produces is what gets installed.
set -eu
bin=$1 out=$2
rm -rf "$out"
mkdir -p "$out/man1" "$out/bash" "$out/zsh" "$out/fish"
gen() { # file command...: writes the command's output to file when it succeeds
  f=$1; shift
  if "$@" >"$f.tmp" 2>/dev/null && [ -s "$f.tmp" ]; then mv "$f.tmp" "$f"; else rm -f "$f.tmp"; fi
}
gen "$out/bash/aeterna" "$bin" completion bash
gen "$out/zsh/_aeterna" "$bin" completion zsh
gen "$out/fish/aeterna.fish" "$bin" completion fish
for page in aeterna aeterna-setup aeterna-validate aeterna-status; do
  gen "$out/man1/$page.1" "$bin" man "$page"
done
: >"$out/.stamp"

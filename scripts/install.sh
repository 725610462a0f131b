#!/usr/bin/env bash
# install.sh install PREFIX [BUILD_DIR]   cmake --install BUILD_DIR (default build) --prefix PREFIX,
#                                         honouring $DESTDIR; remembers what it created
# install.sh uninstall [BUILD_DIR]        removes exactly the files BUILD_DIR/install_manifest.txt
#                                         lists (under the same $DESTDIR), then the directories
#                                         the install created, if they are empty
# The manifest is CMake's; the directories the install created are in BUILD_DIR/install_dirs.txt.
set -euo pipefail
die() { printf 'install: error: %s\n' "$*" >&2; exit 2; }

cmd=${1:-}
case $cmd in
install)
  prefix=${2:-}
  build=${3:-build}
  [ -n "$prefix" ] || die "PREFIX is empty: give an absolute path, e.g. make install PREFIX=/usr/local."
  [ "${prefix#/}" != "$prefix" ] || die "PREFIX must be an absolute path (got '$prefix')."
  [ -z "${DESTDIR:-}" ] || [ "${DESTDIR#/}" != "$DESTDIR" ] || die "DESTDIR must be an absolute path (got '$DESTDIR')."
  [ -f "$build/cmake_install.cmake" ] || die "$build/ is not a CMake build directory: run make build first."
  # What will be installed: a dry install into a scratch folder gives the paths.
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  DESTDIR=$scratch cmake --install "$build" --prefix "$prefix" >/dev/null
  created=()
  while IFS= read -r f; do
    d=$(dirname "$f")
    while [ "$d" != / ] && [ ! -d "${DESTDIR:-}$d" ]; do created+=("$d"); d=$(dirname "$d"); done
  done < <(cat "$build/install_manifest.txt"; echo)
  DESTDIR=${DESTDIR:-} cmake --install "$build" --prefix "$prefix"
  # Directories created by this install, plus those an earlier install (same DESTDIR) created.
  { [ -f "$build/install_dirs.txt" ] && [ "$(head -n1 "$build/install_dirs.txt")" = "destdir=${DESTDIR:-}" ] &&
      tail -n +2 "$build/install_dirs.txt"
    for d in "${created[@]}"; do echo "$d"; done
  } | sort -u >"$scratch/dirs"
  { echo "destdir=${DESTDIR:-}"; cat "$scratch/dirs"; } >"$build/install_dirs.txt"
  ;;
uninstall)
  build=${2:-build}
  manifest=$build/install_manifest.txt
  [ -f "$manifest" ] || die "$manifest does not exist: nothing was installed from $build/ (or it was uninstalled)."
  # The DESTDIR of the install (first line of install_dirs.txt); a DESTDIR given now wins.
  destdir=$(sed -n '1s/^destdir=//p' "$build/install_dirs.txt" 2>/dev/null)
  [ -z "${DESTDIR:-}" ] || destdir=$DESTDIR
  while IFS= read -r f; do
    [ -n "$f" ] || continue
    p=$destdir$f
    if [ -f "$p" ] || [ -L "$p" ]; then rm -f "$p" && echo "-- Removed: $p"
    elif [ -e "$p" ]; then die "$p is not a file; left in place."
    else echo "-- Already gone: $p"; fi
  done < <(cat "$manifest"; echo)
  if [ -f "$build/install_dirs.txt" ]; then
    tail -n +2 "$build/install_dirs.txt" | sort -r | while IFS= read -r d; do
      [ -n "$d" ] && rmdir "$destdir$d" 2>/dev/null && echo "-- Removed directory: $destdir$d"
      true
    done
  fi
  rm -f "$manifest" "$build/install_dirs.txt"
  ;;
*) die "usage: install.sh install PREFIX [BUILD_DIR] | uninstall [BUILD_DIR]" ;;
esac

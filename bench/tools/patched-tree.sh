#!/bin/sh
# Makes a copy of the committed tree (HEAD) with bench/patches/*.diff applied and builds it, so
# `BENCH_TARGET=<dir> BENCH_LABEL=patched node bench/run.mjs` measures the recommended fixes for
# files the benchmark work does not own. The copy shares this repository's node_modules.
#   sh bench/tools/patched-tree.sh [dir]     (default /tmp/secret-hygiene-patched)
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-/tmp/secret-hygiene-patched}
rm -rf "$dir"
mkdir -p "$dir"
git -C "$repo" archive HEAD | tar -x -C "$dir"
ln -s "$repo/node_modules" "$dir/node_modules"
for p in "$repo"/bench/patches/*.diff; do
  [ -e "$p" ] || continue # no patches pending
  (cd "$dir" && git apply "$p") && echo "applied $(basename "$p")"
done
(cd "$dir" && node scripts/build.mjs)
echo "$dir"

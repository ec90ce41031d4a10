#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of every shipped package from the code (after an intended public API change).
# Review the diff: every added line is a public promise. At a release, move the lines into PublicAPI.Shipped.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in $(grep -l '<IsPackable>true</IsPackable>' src/*/*.csproj); do
  dir=$(dirname "$project")
  [ -f "$dir/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' > "$dir/PublicAPI.Shipped.txt"
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
  dotnet format analyzers "$project" --diagnostics RS0016 RS0017 RS0037 --severity warn >/dev/null 2>&1 || true
  { head -1 "$dir/PublicAPI.Unshipped.txt"; tail -n +2 "$dir/PublicAPI.Unshipped.txt" | LC_ALL=C sort -u; } > "$dir/PublicAPI.Unshipped.tmp"
  mv "$dir/PublicAPI.Unshipped.tmp" "$dir/PublicAPI.Unshipped.txt"
  echo "$dir: $(($(wc -l < "$dir/PublicAPI.Unshipped.txt") - 1)) unshipped public API entries"
done

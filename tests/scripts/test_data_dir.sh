#!/usr/bin/env bash
# The data directory (studies/data_directory.hpp): extract, figures and sieve refuse a missing one,
# given by --data-dir or by $NEURONCERT_DATA, with exit 1 and one line on stderr naming the directory
# and docs/data.md, before any work and without writing anything; a job that needs no data runs
# without it; --help says that $NEURONCERT_DATA sets the default.
# Usage: test_data_dir.sh NEURONCERT
set -uo pipefail
exe="$1"
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
missing="$tmp/no such data"

# expect_refusal LABEL ORIGIN COMMAND...: exit 1, one line "ORIGIN: '$missing' is not a directory..."
# naming docs/data.md and scripts/check-data, nothing written.
expect_refusal() {
  local label="$1" origin="$2"
  shift 2
  (cd "$tmp/work" && "$@") > "$tmp/out" 2> "$tmp/err"
  local rc=$?
  [ "$rc" -eq 1 ] || fail "$label: expected exit 1, got $rc: $(cat "$tmp/err")"
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "$label: expected one line on stderr: $(cat "$tmp/err")"
  grep -qF -- "$origin: '$missing' is not a directory" "$tmp/err" ||
    fail "$label: expected \"$origin: '$missing' is not a directory\": $(cat "$tmp/err")"
  grep -qF "docs/data.md" "$tmp/err" || fail "$label: docs/data.md is not named: $(cat "$tmp/err")"
  grep -qF "scripts/check-data" "$tmp/err" || fail "$label: scripts/check-data is not named: $(cat "$tmp/err")"
  [ -z "$(ls -A "$tmp/work")" ] || fail "$label: files were written: $(ls -A "$tmp/work")"
  [ ! -s "$tmp/out" ] || fail "$label: printed on stdout: $(cat "$tmp/out")"
}

mkdir "$tmp/work"
for how in option environment; do
  if [ "$how" = option ]; then
    run=(env -u NEURONCERT_DATA "$exe")
    dd=(--data-dir "$missing")
    origin="--data-dir"
  else
    run=(env NEURONCERT_DATA="$missing" "$exe")
    dd=()
    origin='$NEURONCERT_DATA'
  fi
  expect_refusal "figures ($how)" "$origin" "${run[@]}" figures --out figs "${dd[@]}"
  expect_refusal "figures --only real-data ($how)" "$origin" "${run[@]}" figures --out figs --only real-data "${dd[@]}"
  expect_refusal "sieve ($how)" "$origin" "${run[@]}" sieve --model resnet20 --layer penultimate --out s "${dd[@]}"
  expect_refusal "extract ($how)" "$origin" "${run[@]}" extract --model resnet20 --layer penultimate --out a.npy "${dd[@]}"
  expect_refusal "extract --list-layers ($how)" "$origin" "${run[@]}" extract --model vit --layer cls --list-layers "${dd[@]}"
done

# A job that needs no data runs without it.
NEURONCERT_DATA="$missing" "$exe" figures --quick --only auroc-rate --out "$tmp/figs" > "$tmp/out" 2>&1 ||
  fail "figures --only auroc-rate needs no data, but failed: $(cat "$tmp/out")"
[ -f "$tmp/figs/fig3a_auroc_rate.svg" ] || fail "figures --only auroc-rate drew no figure"

# --help: the default comes from $NEURONCERT_DATA when it is set.
NEURONCERT_DATA="$missing" "$exe" figures --help > "$tmp/help" 2>&1
grep -qF -- "--data-dir TEXT=$missing" "$tmp/help" || fail "figures --help does not show \$NEURONCERT_DATA as the default: $(grep -A1 data-dir "$tmp/help")"
grep -qF 'NEURONCERT_DATA (set)' "$tmp/help" || fail "figures --help does not say where the default came from"
echo "data directory: missing directories refused in one line, by option and by environment"

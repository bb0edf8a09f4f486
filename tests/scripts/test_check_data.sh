#!/usr/bin/env bash
# scripts/check-data: passes on the data directory, and names a removed file and an altered one in a
# copy made of symbolic links (no data is copied), with exit code 1; a missing directory is exit 2.
# Usage: test_check_data.sh CHECK_DATA DATA_DIR
set -uo pipefail
check="$1"
data="$(cd "$2" && pwd)"
fail() { echo "FAIL: $*" >&2; exit 1; }

out="$("$check" "$data")" || fail "check-data on $data exited $?: $out"
[[ "$out" == *"all 84 files present and intact"* ]] || fail "unexpected summary: $out"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp -rs "$data/." "$tmp/copy"
rm "$tmp/copy/cifar100_fine.txt"
rm "$tmp/copy/clip/names.txt" && printf 'not the names\n' > "$tmp/copy/clip/names.txt"
out="$("$check" "$tmp/copy")"
rc=$?
[ "$rc" -eq 1 ] || fail "expected exit 1 on the damaged copy, got $rc: $out"
[[ "$out" == *"missing: cifar100_fine.txt"* ]] || fail "the removed file is not named: $out"
[[ "$out" == *"altered: clip/names.txt"* ]] || fail "the altered file is not named: $out"
[[ "$out" == *"1 missing and 1 altered of 84 files"* ]] || fail "unexpected summary: $out"
[ "$(grep -c 'missing:\|altered:' <<< "$out")" -eq 2 ] || fail "other files were named: $out"

"$check" "$tmp/nonexistent" 2> "$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || fail "expected exit 2 for a missing directory, got $rc"
[ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "expected one line on stderr: $(cat "$tmp/err")"
echo "check-data: ok"

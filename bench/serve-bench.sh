#!/usr/bin/env bash
# One benchmark run for both file servers (not a test): runs bench/tftp-bench.sh (pnp.tftp against atftpd:
# files/s for 4 KB and 64 KB files, 16 parallel clients) and then bench/http-bench.sh (pnp.http against nginx
# with 1 worker: req/s with a new connection per request), each unchanged and with its own knobs, and prints
# ONE combined table at the end: case, ours, reference, ratio, target, met?
#
# Targets (issue): TFTP >= 1.0x atftpd, HTTP >= 0.6x nginx.
# Needs what both scripts need (see their headers): `mvn -B -q install -pl pnp.tftp` done, root, apt access,
# curl, wrk, nginx (http-bench.sh installs the last two when missing). Takes a few minutes; run it on an
# otherwise idle machine. Exit status: 0 when both ran (whether or not targets are met), 1 when one failed.
# Environment: everything tftp-bench.sh and http-bench.sh read (FILES_4K, FILES_64K, RUNS, BLKSIZE_4K,
# HTTP_BENCH_DURATION, HTTP_BENCH_RUNS, ports, ...); TFTP_TARGET (1.0), HTTP_TARGET (0.6).
set -uo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
TFTP_TARGET="${TFTP_TARGET:-1.0}"
HTTP_TARGET="${HTTP_TARGET:-0.6}"
OUT="$(mktemp -d /tmp/serve-bench.XXXXXX)"
trap 'rm -rf "$OUT"' EXIT

status=0
echo "== TFTP: bench/tftp-bench.sh ==" >&2
if ! bash "$HERE/tftp-bench.sh" | tee "$OUT/tftp.txt" >&2; then
  echo "tftp-bench.sh failed" >&2
  status=1
fi
echo "== HTTP: bench/http-bench.sh ==" >&2
if ! bash "$HERE/http-bench.sh" | tee "$OUT/http.txt" >&2; then
  echo "http-bench.sh failed" >&2
  status=1
fi

ratio() { awk -v o="$1" -v r="$2" 'BEGIN { if (o + 0 > 0 && r + 0 > 0) printf "%.2fx", o / r; else print "n/a" }'; }
met() { awk -v o="$1" -v r="$2" -v t="$3" 'BEGIN { if (o + 0 > 0 && r + 0 > 0) print (o / r >= t ? "yes" : "NO"); else print "n/a" }'; }
row() { # case ours reference reference-name target
  printf '| %-44s | %9s | %9s | %6s | %-18s | %-4s |\n' "$1" "${2:-n/a}" "${3:-n/a}" "$(ratio "${2:-0}" "${3:-0}")" \
    ">= ${5}x $4" "$(met "${2:-0}" "${3:-0}" "$5")"
}

echo
echo "Combined: TFTP files/s (16 parallel, one curl), HTTP req/s (wrk, Connection: close); medians"
printf '| %-44s | %9s | %9s | %6s | %-18s | %-4s |\n' "case" "ours" "reference" "ratio" "target" "met?"
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..46})" "-----------" "-----------" "--------" \
  "--------------------" "------"
# tftp-bench.sh prints: "<label>  <ours> <atftpd> <ratio>x" for labels "4 KB, blksize N" and "64 KB, blksize N"
found_tftp=0
while read -r line; do
  case "$line" in
    "4 KB,"* | "64 KB,"*)
      set -- $line
      n=$#
      ours="${@:n-2:1}"
      ref="${@:n-1:1}"
      label="${line%%"$ours"*}"
      label="$(echo "$label" | sed 's/ *$//')"
      row "TFTP $label, files/s" "$ours" "$ref" "atftpd" "$TFTP_TARGET"
      found_tftp=1
      ;;
  esac
done <"$OUT/tftp.txt"
[ "$found_tftp" = 1 ] || row "TFTP (no result)" "" "" "atftpd" "$TFTP_TARGET"
# http-bench.sh prints: "HTTP: <size>-byte file, ..." and "| pnp.http | <median> | <runs>", "| nginx (1 wk) | ..."
size="$(sed -n 's/^HTTP: \([0-9]*\)-byte file.*/\1/p' "$OUT/http.txt")"
ours="$(awk -F'|' '$2 ~ /pnp\.http/ { gsub(/ /, "", $3); print $3 }' "$OUT/http.txt")"
ref="$(awk -F'|' '$2 ~ /nginx/ { gsub(/ /, "", $3); print $3 }' "$OUT/http.txt")"
row "HTTP ${size:-?}-byte file, new connection, req/s" "$ours" "$ref" "nginx 1 wk" "$HTTP_TARGET"
exit "$status"

#!/usr/bin/env bash
# Benchmark (not a test): day two at scale. N resident simulator phones (pnp-phones --resident, each from its
# own 127.1.x.y, answering a resync NOTIFY with 200 and a download from the config server path in their
# file) are pre-assigned by the console's CSV import and provisioned; then one CSV import renames all N,
# which changes every phone's file, and the server must resync all of them through its queue at
# resyncPerSecond. Measured from the second import to the last phone resolved (RESYNCED or RESYNC_FAILED in
# the journal):
#   rate       phones sent per second: (sent - 1) / (last r.sent - first r.sent) from the journal, against
#              the configured resyncPerSecond
#   total      import posted -> every phone resolved
#   cpu        the server's CPU seconds (utime+stime) over that time
#   states     how many phones are RESYNCED / RESYNC_FAILED (with reasons) / anything else (lost)
# (The measured rate can exceed the configured one by a little: the token bucket starts with one second's worth.)
#
# Runs in a throwaway loopback-only network namespace (unshare --net; needs root; nothing leaves the host);
# bounded in time (RESYNC_BENCH_TIMEOUT) and count; temp files removed on exit.
# Needs pnp.dist/target/pnp-server.jar and pnp.simulator/target/pnp-phones.jar (mvn -o -B install -DskipTests).
#
# Usage: bench/resync-bench.sh [N]          (default 2000)
# Environment:
#   RESYNC_BENCH_RATE     pnp.core resyncPerSecond                                     default 50
#   RESYNC_BENCH_WAIT     pnp.core resyncWaitSeconds                                   default 120
#   RESYNC_BENCH_TIMEOUT  seconds for the whole run                                    default 900
#   RESYNC_BENCH_TMPDIR   where the temp dir (and the server's home) goes              default /tmp
#   RESYNC_BENCH_KEEP     a directory to copy the raw files to (journal, logs, results.csv)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/console.sh
. "$ROOT/bench/console.sh"
PHONES="${RESYNC_BENCH_PHONES:-2000}"
[ "${1:-}" != "--in-netns" ] && PHONES="${1:-$PHONES}"
RATE="${RESYNC_BENCH_RATE:-50}"
WAIT="${RESYNC_BENCH_WAIT:-120}"
TIMEOUT="${RESYNC_BENCH_TIMEOUT:-900}"
SERVER_JAVA_OPTS="$(cat "$ROOT/jvm.options")"
CONSOLE="http://127.0.0.1:8080/system/console"

# Per state, from the journal (last line of a phone wins), and the first/last resync sent and the failures'
# reasons: "STATE n" lines, "SENT n first last" (epoch seconds), "REASON n text".
journal_summary() { # journal
  python3 - "$1" <<'PY'
import sys, collections
from datetime import datetime
last = {}
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        fields = dict(kv.split("=", 1) for kv in line.rstrip("\n").split("\t") if "=" in kv)
        if "mac" in fields:
            last[fields["mac"]] = fields
states = collections.Counter(r.get("state", "") for r in last.values() if r.get("deleted") != "true")
for s, n in sorted(states.items()):
    print("STATE", s, n)
def t(v):
    return datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
sent = sorted(t(r["r.sent"]) for r in last.values() if r.get("r.sent"))
if sent:
    print("SENT", len(sent), "%.3f" % sent[0], "%.3f" % sent[-1])
reasons = collections.Counter(r.get("reason", "") for r in last.values() if r.get("state") == "RESYNC_FAILED")
for why, n in reasons.most_common(5):
    print("REASON", n, why)
PY
}

inner() {
  WORK="$1"
  cd "$WORK"
  SERVER=""
  SIM=""
  stop() {
    [ -n "$SIM" ] && { kill "$SIM" 2>/dev/null || true; wait "$SIM" 2>/dev/null || true; }
    [ -n "$SERVER" ] && { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
    SIM=""; SERVER=""
  }
  trap stop EXIT
  trap 'exit 143' INT TERM
  ip link set lo up
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
  ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
  states() { "$ROOT/bench/phone-states.sh" "$WORK/home/data/phones/phones.journal"; }
  count() { states | awk -v s="$1" '$1 == s { print $2; f = 1 } END { if (!f) print 0 }'; }

  # shellcheck disable=SC2086
  (cd "$WORK/home" && exec java $SERVER_JAVA_OPTS -jar "$WORK/pnp-server.jar" </dev/null >"$WORK/home/out.log" 2>&1) &
  SERVER=$!
  local pw="" token="" n=0
  for _ in $(seq 1 1200); do   # 120 s at most
    kill -0 "$SERVER" 2>/dev/null || { echo "server exited:" >&2; tail -30 "$WORK/home/out.log" >&2; exit 1; }
    [ -n "$pw" ] || pw=$(console_password "$WORK/home/out.log")
    [ -n "$pw" ] && grep -q "SIP listening on 127.0.0.1:5060" "$WORK/home/out.log" && token=$(console_token "$pw")
    [ -n "$token" ] && break
    sleep 0.1
  done
  [ -n "$token" ] || { echo "console did not answer in time" >&2; exit 1; }
  console_import "$pw" "$token" "$WORK/assign.csv" >/dev/null || { echo "first import failed" >&2; exit 1; }
  for _ in $(seq 1 600); do
    n=$(curl -s -u "admin:$pw" "$CONSOLE/phones/phones.json" | grep -o '"assigned":true' | wc -l)
    [ "$n" -ge "$PHONES" ] && break
    sleep 0.5
  done
  [ "$n" -ge "$PHONES" ] || { echo "only $n of $PHONES assigned" >&2; exit 1; }
  echo "resync-bench: $n phones assigned; provisioning them as resident phones ..." >&2

  java -Xss256k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$WORK/pnp-phones.jar" --target 127.0.0.1:5060 \
    --phones "$PHONES" --concurrency "$PHONES" --rate 200 --mac-start 000B82300000 --source-from 127.1.0.1 \
    --downloads 1 --resident "$((TIMEOUT - 60))" --timeout "$((TIMEOUT - 30))" --resync accept --quiet \
    --out "$WORK/results.csv" --summary "$WORK/sim.kv" >"$WORK/sim.txt" 2>&1 &
  SIM=$!
  local running=0
  for _ in $(seq 1 600); do   # 5 min at most
    running=$(count DOWNLOADED)
    [ "$running" -ge "$PHONES" ] && break
    kill -0 "$SIM" 2>/dev/null || { echo "simulator exited:" >&2; tail -20 "$WORK/sim.txt" >&2; exit 1; }
    sleep 0.5
  done
  [ "$running" -ge "$PHONES" ] || { echo "only $running of $PHONES provisioned: $(states | tr '\n' ' ')" >&2; exit 1; }
  echo "resync-bench: $running phones running with their files; quiet: $(wait_until_quiet ticks "$SERVER")" >&2

  local t0 t1 c0 c1 resolved=0 ok fail
  c0=$(ticks "$SERVER")
  t0=$(now_ms)
  console_import "$pw" "$token" "$WORK/rename.csv" >/dev/null || { echo "second import failed" >&2; exit 1; }
  for _ in $(seq 1 $((TIMEOUT * 4))); do
    ok=$(count RESYNCED); fail=$(count RESYNC_FAILED)
    resolved=$((ok + fail))
    [ "$resolved" -ge "$PHONES" ] && break
    sleep 0.25
  done
  t1=$(now_ms)
  c1=$(ticks "$SERVER")
  sleep 1.5   # the journal's last flush
  journal_summary "$WORK/home/data/phones/phones.journal" >"$WORK/journal.txt"
  echo "$((t1 - t0)) $((c1 - c0)) $(getconf CLK_TCK)" >"$WORK/measured.txt"
  kill "$SIM" 2>/dev/null || true
  wait "$SIM" 2>/dev/null || true
  SIM=""
  cp "$WORK/home/out.log" "$WORK/server.log"
  stop
}

if [ "${1:-}" = "--in-netns" ]; then
  shift
  WORK="$1"; PHONES="$2"
  inner "$WORK"
  exit 0
fi

[ "$(id -u)" = 0 ] || { echo "needs root (unshare --net)" >&2; exit 1; }
case "$PHONES" in ''|*[!0-9]*) echo "N must be a number" >&2; exit 1 ;; esac
[ "$PHONES" -ge 1 ] && [ "$PHONES" -le 5000 ] || { echo "1 <= N <= 5000 (one import request, one thread a phone)" >&2; exit 1; }
JAR="$ROOT/pnp.dist/target/pnp-server.jar"
SIMJAR="$ROOT/pnp.simulator/target/pnp-phones.jar"
for f in "$JAR" "$SIMJAR"; do [ -f "$f" ] || { echo "missing $f: mvn -o -B install -DskipTests" >&2; exit 1; }; done
for c in java curl unshare python3; do command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 1; }; done

bench_workdir resync "${RESYNC_BENCH_TMPDIR:-/tmp}" "${RESYNC_BENCH_KEEP:-}"
cp "$JAR" "$WORK/pnp-server.jar"
cp "$SIMJAR" "$WORK/pnp-phones.jar"
mkdir -p "$WORK/home/deploy"
printf 'address=127.0.0.1\nport=5060\nmulticast=false\n' >"$WORK/home/deploy/pnp.sip.cfg"
printf 'resyncPerSecond=%s\nresyncWaitSeconds=%s\nresyncDelaySeconds=5\n' "$RATE" "$WAIT" >"$WORK/home/deploy/pnp.core.cfg"
# MACs 000B82300000+i, extensions 30000+i; the second import renames every phone (same extension, same password)
awk -v n="$PHONES" -v dir="$WORK" 'BEGIN {
  for (i = 0; i < n; i++) {
    mac = sprintf("000B82%06X", 3145728 + i)
    printf "%s,%d,Resync Phone %d,resync-secret-%d\n", mac, 30000 + i, i, i > (dir "/assign.csv")
    printf "%s,%d,Renamed Phone %d,resync-secret-%d\n", mac, 30000 + i, i, i > (dir "/rename.csv")
  } }'

echo "resync-bench: $PHONES resident phones, resyncPerSecond=$RATE, resyncWaitSeconds=$WAIT, in a loopback-only namespace ..." >&2
timeout "$TIMEOUT" unshare --net bash "${BASH_SOURCE[0]}" --in-netns "$WORK" "$PHONES" &
NS_PID=$!
rc=0; wait "$NS_PID" || rc=$?
NS_PID=""
[ "$rc" = 0 ] || { echo "resync bench failed (exit $rc)" >&2; tail -20 "$WORK/home/out.log" >&2 || true; exit "$rc"; }

read -r ms ticks tck <"$WORK/measured.txt"
state() { awk -v s="$1" '$1 == "STATE" && $2 == s { print $3; f = 1 } END { if (!f) print 0 }' "$WORK/journal.txt"; }
resynced=$(state RESYNCED); failed=$(state RESYNC_FAILED)
others=$(awk '$1 == "STATE" && $2 != "RESYNCED" && $2 != "RESYNC_FAILED" { printf "%s%s %s", s, $2, $3; s = ", " }' "$WORK/journal.txt")
rate=$(awk '$1 == "SENT" { if ($4 > $3) printf "%.1f", ($2 - 1) / ($4 - $3); else print "-" }' "$WORK/journal.txt")
sent=$(awk '$1 == "SENT" { print $2 }' "$WORK/journal.txt")
printf '%-28s %s\n' "phones" "$PHONES" \
  "configured resyncPerSecond" "$RATE" \
  "resync NOTIFYs sent" "${sent:-0}" \
  "measured send rate (/s)" "${rate:-"-"}" \
  "total (import -> resolved)" "$(awk -v m="$ms" 'BEGIN { printf "%.1f s", m / 1000 }')" \
  "server CPU" "$(awk -v t="$ticks" -v h="$tck" 'BEGIN { printf "%.1f s", t / h }')" \
  "RESYNCED" "$resynced" \
  "RESYNC_FAILED" "$failed" \
  "other states (lost)" "${others:-none}"
grep '^REASON' "$WORK/journal.txt" | sed 's/^REASON /  failed: /' || true
[ "$((resynced + failed))" -eq "$PHONES" ]

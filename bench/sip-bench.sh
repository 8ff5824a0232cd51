#!/usr/bin/env bash
# Benchmark (not a test): the full PnP flow, SUBSCRIBE -> 200 -> NOTIFY -> 200, driven by sipp as N phones
# over unicast UDP, each phone from its own loopback address (sipp -t ui -ip_field), against
#   1. the reference Kamailio responder (bench/kamailio-pnp.cfg: sl 200 + uac_req_send NOTIFY), and
#   2. pnp-server.jar in a fresh home with the N phones pre-assigned (Grandstream OUI 000b82) through the
#      console's CSV import, as bench/storm.sh does (deploy/pnp.phone-<mac>.cfg files with
#      SIP_BENCH_ASSIGN=files; FileInstall takes minutes for more than ~10,000 of them), so every
#      SUBSCRIBE renders the phone's files and sends its NOTIFY.
# Same sipp scenario (e2e/sipp/pnp-phone-unicast.xml), same rate/concurrency, same run.
# Prints one table: phones, failures, phones/s (successful phones / wall time from the first SUBSCRIBE
# to the last 200), p50/p99 of SUBSCRIBE sent -> NOTIFY received (microseconds, from -trace_shortmsg),
# the ratio to Kamailio, and for each server its CPU seconds during the measured run, CPU microseconds
# per phone and our CPU as a multiple of Kamailio's ("CPU x"); for our JVM also
# peak RSS (VmHWM), the busiest threads during the run and where the inventory worker was (jstack).
#
# Everything runs in a throwaway loopback-only network namespace (unshare --net; needs root): nothing
# leaves the machine. Bounded in time (SIP_BENCH_TIMEOUT) and count; temp files removed on exit.
# Needs pnp.dist/target/pnp-server.jar (mvn -B install -DskipTests), sipp (sip-tester), kamailio;
# the Debian packages are installed if missing.
#
# Usage: bench/sip-bench.sh [PHONES]       (default 5000)
# Environment:
#   SIP_BENCH_WARMUP   phones sent first to each server, not counted (JIT warm-up)   default 1000
#   SIP_BENCH_RATE     sipp -r, new phones per second (open loop, capped by LIMIT)   default 10000
#   SIP_BENCH_LIMIT    sipp -l, phones in flight at most                             default 200
#   SIP_BENCH_KAM_RUNS Kamailio runs (same phones; the median by phones/s is shown)  default 3
#                      (ours runs once: a phone notified moments ago is not notified again)
#   SIP_BENCH_JFR      1: record a JFR CPU profile of our JVM during the run, print hot frames (the    default 0
#                      recording costs the JVM about half its rate: use it for where, not how fast)
#   SIP_BENCH_ASSIGN   csv (console import, 5000 lines a request) or files (deploy/)  default csv
#   SIP_BENCH_PERF     1: sample our JVM with perf during the run and print CPU by thread and code kind   default 0
#                      (kernel, JIT-compiled Java, libjvm, libc; needs perf, linux-perf)
#   SIP_BENCH_TIMEOUT  seconds for the whole run                                     default 900
#   SIP_BENCH_TMPDIR   where the temp dir (server home included) goes; /dev/shm puts the phone
#                      records on tmpfs, where fsync costs nothing (shows the CPU-bound ceiling)  default /tmp
#   SIP_BENCH_KEEP     a directory to copy the raw files to (sipp traces, logs, jstacks)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/console.sh
. "$ROOT/bench/console.sh"
SCENARIO="$ROOT/e2e/sipp/pnp-phone-unicast.xml"
KAMCFG="$ROOT/bench/kamailio-pnp.cfg"
PHONES="${SIP_BENCH_PHONES:-5000}"
[ "${1:-}" != "--in-netns" ] && PHONES="${1:-$PHONES}"
WARMUP="${SIP_BENCH_WARMUP:-1000}"
RATE="${SIP_BENCH_RATE:-10000}"
LIMIT="${SIP_BENCH_LIMIT:-200}"
TIMEOUT="${SIP_BENCH_TIMEOUT:-900}"
ASSIGN="${SIP_BENCH_ASSIGN:-csv}"
CONSOLE="http://127.0.0.1:8080/system/console"
SIPP_PORT=5062        # sipp's local port: every per-phone socket is bound to <phone ip>:5062
KAM_RUNS="${SIP_BENCH_KAM_RUNS:-3}"
JFR="${SIP_BENCH_JFR:-0}"
PERF="${SIP_BENCH_PERF:-0}"
OURS_PORT=5060
KAM_PORT=5070

# ------------------------------------------------------------------------------------------------
# Inside the namespace: run both servers one after the other, write results to $WORK/result.*
# ------------------------------------------------------------------------------------------------
inner() {
  WORK="$1"
  PHONES="$2"
  cd "$WORK"
  PIDS=()
  stop_all() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    PIDS=()
  }
  trap stop_all EXIT
  trap 'exit 143' INT TERM
  ip link set lo up
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true   # one socket per phone in sipp
  TCK=$(getconf CLK_TCK)

  # CPU ticks (utime+stime) of a process; with "tree" also of its direct children (kamailio forks)
  cpu_ticks() { # pid [tree]
    local pid="$1" tree="${2:-}" total=0 f line me
    for f in /proc/[0-9]*/stat; do
      line=$(cat "$f" 2>/dev/null) || continue
      me="${f#/proc/}"; me="${me%/stat}"
      line="${line##*) }"
      # shellcheck disable=SC2086
      set -- $line   # 1 state, 2 ppid, ..., 12 utime, 13 stime
      if [ "$me" = "$pid" ] || { [ "$tree" = tree ] && [ "$2" = "$pid" ]; }; then
        total=$((total + ${12} + ${13}))
      fi
    done
    echo "$total"
  }
  # per-thread CPU ticks of a JVM: "ticks name" per thread
  thread_ticks() { # pid
    local t line name
    for t in /proc/"$1"/task/*; do
      line=$(cat "$t/stat" 2>/dev/null) || continue
      name=$(cat "$t/comm" 2>/dev/null | tr ' ' '_')
      line="${line##*) }"
      # shellcheck disable=SC2086
      set -- $line
      echo "${t##*/} $((${12} + ${13})) $name"
    done
  }

  # sipp run: label target inf calls -> shortmsg file, sipp output
  run_sipp() { # label port inf calls
    local label="$1" port="$2" inf="$3" calls="$4"
    timeout $((calls / 10 + 60)) sipp "127.0.0.1:$port" -sf "$SCENARIO" -inf "$inf" -t ui -ip_field 1 \
      -i 127.0.0.1 -p "$SIPP_PORT" -m "$calls" -r "$RATE" -rp 1000 -l "$LIMIT" -max_socket $((calls + 100)) \
      -recv_timeout 10000 -nostdin -trace_shortmsg -shortmessage_file "$WORK/$label.short" \
      -trace_err -error_file "$WORK/$label.err" -trace_stat -stf "$WORK/$label.stat" -fd 3600 \
      >"$WORK/$label.sipp" 2>&1 || true
  }

  # ---- Kamailio ----
  kamailio -DD -E -f "$KAMCFG" -m 256 -M 16 >"$WORK/kamailio.log" 2>&1 &
  KAM=$!; PIDS+=("$KAM")
  for _ in $(seq 1 100); do ss -uln | grep -q "127.0.0.1:$KAM_PORT" && break; sleep 0.1; done
  ss -uln | grep -q "127.0.0.1:$KAM_PORT" || { echo "kamailio did not start:" >&2; cat "$WORK/kamailio.log" >&2; exit 1; }
  [ "$WARMUP" -gt 0 ] && run_sipp kam-warmup "$KAM_PORT" "$WORK/warmup.csv" "$WARMUP"
  local r
  for r in $(seq 1 "$KAM_RUNS"); do   # stateless: the same phones again; the median run is reported
    c0=$(cpu_ticks "$KAM" tree)
    run_sipp "kamailio$r" "$KAM_PORT" "$WORK/phones.csv" "$PHONES"
    c1=$(cpu_ticks "$KAM" tree)
    echo "$(( (c1 - c0) )) $TCK" >"$WORK/kamailio$r.cpu"
  done
  stop_all

  # ---- ours ----
  (cd "$WORK/home" && exec java ${PNP_JAVA_OPTS-$(cat "$ROOT/jvm.options")} -jar "$WORK/pnp-server.jar" </dev/null >"$WORK/home/out.log" 2>&1) &
  OURS=$!; PIDS+=("$OURS")
  JPID="$OURS"   # the subshell execs java
  local expected=$((PHONES + WARMUP)) n=0
  if [ "$ASSIGN" = csv ]; then
    local pw="" token="" f out
    for _ in $(seq 1 1200); do   # up to 120 s for the console
      kill -0 "$OURS" 2>/dev/null || { echo "server exited:" >&2; tail -30 "$WORK/home/out.log" >&2; exit 1; }
      [ -n "$pw" ] || pw=$(console_password "$WORK/home/out.log")
      [ -n "$pw" ] && token=$(console_token "$pw")
      [ -n "$token" ] && break
      sleep 0.1
    done
    [ -n "$token" ] || { echo "the console's Phones page did not answer in time" >&2; tail -30 "$WORK/home/out.log" >&2; exit 1; }
    for f in "$WORK"/import.*; do
      out=$(console_import "$pw" "$token" "$f") \
        || { echo "import of $(basename "$f") failed: $(echo "$out" | head -c 400)" >&2; exit 1; }
    done
  fi
  for _ in $(seq 1 1200); do    # up to 120 s for start + FileInstall + Config Admin + inventory
    kill -0 "$OURS" 2>/dev/null || { echo "server exited:" >&2; tail -30 "$WORK/home/out.log" >&2; exit 1; }
    n=$("$ROOT/bench/phone-states.sh" "$WORK/home/data/phones/phones.journal" | awk '$1 == "ALL" { print $2 }')
    if [ "$n" -ge "$expected" ] && grep -q "Vendor profile Grandstream arrived" "$WORK/home/out.log" \
        && grep -q "SIP listening on 127.0.0.1:$OURS_PORT" "$WORK/home/out.log"; then
      break
    fi
    sleep 0.1
  done
  echo "$n" >"$WORK/ours.loaded"
  if [ "$n" -lt "$expected" ]; then
    echo "server loaded $n of $expected assignments in time" >&2; tail -30 "$WORK/home/out.log" >&2; exit 1
  fi
  # Let the last flush, FileInstall's scan and Config Admin's delivery of the import's events settle
  wait_until_quiet cpu_ticks "$JPID" >/dev/null
  [ "$WARMUP" -gt 0 ] && run_sipp ours-warmup "$OURS_PORT" "$WORK/warmup.csv" "$WARMUP"
  sleep 1
  if [ "$JFR" = 1 ]; then
    timeout 30 jcmd "$JPID" JFR.start name=bench settings="$ROOT/bench/cpu-samples.jfc" filename="$WORK/ours.jfr" >/dev/null 2>&1 || true
  fi
  local PERF_PID=""
  if [ "$PERF" = 1 ]; then   # where the CPU goes by code kind: kernel, JIT-compiled Java, the JVM itself, libc
    perf record -q -F 999 -p "$JPID" -o "$WORK/ours.perf" >/dev/null 2>&1 &
    PERF_PID=$!
    sleep 0.5
  fi
  c0=$(cpu_ticks "$JPID")
  thread_ticks "$JPID" >"$WORK/threads.0"
  # a few jstacks during the run (each pauses the JVM briefly: at most 4, 1 s apart, after 1 s)
  (
    sleep 1
    for i in 1 2 3 4; do
      kill -0 "$JPID" 2>/dev/null || break
      timeout 10 jstack "$JPID" >"$WORK/jstack.$i" 2>/dev/null || true
      sleep 1
    done
  ) &
  JS=$!
  run_sipp ours "$OURS_PORT" "$WORK/phones.csv" "$PHONES"
  kill "$JS" 2>/dev/null || true; wait "$JS" 2>/dev/null || true
  c1=$(cpu_ticks "$JPID")
  thread_ticks "$JPID" >"$WORK/threads.1"
  if [ -n "$PERF_PID" ]; then
    kill -INT "$PERF_PID" 2>/dev/null || true; wait "$PERF_PID" 2>/dev/null || true
    perf report -i "$WORK/ours.perf" --stdio --sort comm,dso 2>/dev/null | grep -v '^#' | grep -v '^$' | head -25 >"$WORK/ours.perf.txt" || true
  fi
  if [ "$JFR" = 1 ]; then
    timeout 60 jcmd "$JPID" JFR.stop name=bench >/dev/null 2>&1 || true
  fi
  echo "$((c1 - c0)) $TCK $c1" >"$WORK/ours.cpu"
  awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$JPID/status" >"$WORK/ours.hwm"
  if [ "${SIP_BENCH_HISTO:-0}" = 1 ]; then   # what the heap holds with every phone known
    timeout 60 jcmd "$JPID" GC.class_histogram 2>/dev/null | head -25 >"$WORK/ours.histo" || true
  fi
  sleep 1
  "$ROOT/bench/phone-states.sh" "$WORK/home/data/phones/phones.journal" \
    | awk '$1 == "NOTIFIED" { n = $2 } END { print n + 0 }' >"$WORK/ours.notified" || true
  stop_all
}

if [ "${1:-}" = "--in-netns" ]; then
  shift
  inner "$@"
  exit 0
fi

# ------------------------------------------------------------------------------------------------
# Outside: check tools, prepare phones and home, run the namespace, print the table
# ------------------------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || { echo "needs root (unshare --net)" >&2; exit 1; }
JAR="$ROOT/pnp.dist/target/pnp-server.jar"
[ -f "$JAR" ] || { echo "build first: mvn -B install -DskipTests" >&2; exit 1; }
[ "$((PHONES + WARMUP))" -le 60000 ] || { echo "at most 60000 phones (warm-up included)" >&2; exit 1; }
need() { # command package
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "installing $2 ..." >&2
    timeout 300 apt-get install -y --no-install-recommends "$2" >/dev/null 2>&1 \
      || { timeout 300 apt-get update >/dev/null 2>&1 && timeout 300 apt-get install -y --no-install-recommends "$2" >/dev/null; }
  fi
}
need sipp sip-tester
need kamailio kamailio
need jstack openjdk-17-jdk-headless
need curl curl
case "$ASSIGN" in csv|files) ;; *) echo "SIP_BENCH_ASSIGN is csv or files" >&2; exit 1 ;; esac

WORK="$(mktemp -d "${SIP_BENCH_TMPDIR:-/tmp}/sip-bench.XXXXXX")"
NS_PID=""
cleanup() {
  if [ -n "$NS_PID" ]; then kill "$NS_PID" 2>/dev/null || true; wait "$NS_PID" 2>/dev/null || true; fi
  if [ -n "${SIP_BENCH_KEEP:-}" ] && [ -d "$WORK" ]; then
    mkdir -p "$SIP_BENCH_KEEP" && cp -r "$WORK"/. "$SIP_BENCH_KEEP"/ 2>/dev/null || true
    rm -rf "$SIP_BENCH_KEEP/home/felix-cache" "$SIP_BENCH_KEEP/pnp-server.jar"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' INT TERM
cp "$JAR" "$WORK/pnp-server.jar"   # others may rebuild the jar while we run

# Phones: MAC 000B82xxxxxx, own address 127.1.x.y (250 per /24), sipp port; warm-up phones first.
# Injection fields (e2e/sipp/pnp-phone-unicast.xml): MAC; local IP; local port; vendor; model; firmware
mkdir -p "$WORK/home/deploy"
awk -v total=$((PHONES + WARMUP)) -v warm="$WARMUP" -v port="$SIPP_PORT" -v dir="$WORK" -v mode="$ASSIGN" '
  BEGIN {
    print "SEQUENTIAL" > (dir "/warmup.csv"); print "SEQUENTIAL" > (dir "/phones.csv")
    for (i = 0; i < total; i++) {
      mac = sprintf("000B82%06X", 1048576 + i)
      ip = sprintf("127.1.%d.%d", int(i / 250), i % 250 + 1)
      line = mac ";" ip ";" port ";Grandstream;GXP2140;1.0.11.3"
      print line > (dir "/" (i < warm ? "warmup.csv" : "phones.csv"))
      if (mode == "files") {
        f = dir "/home/deploy/pnp.phone-" tolower(mac) ".cfg"
        printf "mac=%s\nextension=%d\npassword=bench-secret-%d\ndisplayName=Bench Phone %d\n", mac, 10000 + i, i, i > f
        close(f)
      } else {
        if (i % 5000 == 0) { if (out != "") close(out); out = sprintf("%s/import.%04d", dir, i / 5000) }
        printf "%s,%d,Bench Phone %d,bench-secret-%d\n", mac, 10000 + i, i, i > out
      }
    }
  }'
# pnp.sip for the benchmark: unicast only, on loopback. The per-source limits (20/s, burst 40) stay at
# their defaults: every phone has its own address and sends one SUBSCRIBE (plus retransmissions).
cat >"$WORK/home/deploy/pnp.sip.cfg" <<EOF
address=127.0.0.1
port=$OURS_PORT
multicast=false
EOF

echo "sip-bench: $PHONES phones (+$WARMUP warm-up) per server, sipp -r $RATE -l $LIMIT, in a loopback-only namespace ..." >&2
timeout "$TIMEOUT" unshare --net bash "${BASH_SOURCE[0]}" --in-netns "$WORK" "$PHONES" &
NS_PID=$!
rc=0; wait "$NS_PID" || rc=$?
NS_PID=""
[ "$rc" = 0 ] || { echo "benchmark run failed (exit $rc)" >&2; exit "$rc"; }

# ---- analysis of the shortmsg traces: per Call-ID, first SUBSCRIBE sent, first NOTIFY received, 200 sent
analyse() { # label -> "ok failures phones_per_s p50_ms p99_ms retransmissions elapsed_s"
  local f="$WORK/$1.short" k p50 p99
  [ -f "$f" ] || { echo "0 $PHONES 0 0 0 0 0"; return; }
  # per call latency in ms (one line each) to $f.lat, summary "ok subs calls first last" to stdout
  awk -F'\t' -v lat="$f.lat" '
    $4 == "S" && $6 ~ /SUBSCRIBE/ && $7 ~ /^SUBSCRIBE/ { subs++; if (!($5 in s)) { s[$5] = $3; calls++ }; if (first == "" || $3 < first) first = $3 }
    $4 == "R" && $7 ~ /^NOTIFY/ && !($5 in nt) { nt[$5] = $3 }
    $4 == "S" && $6 ~ /NOTIFY/ && $7 ~ /^SIP\/2.0 200/ && !($5 in ok) { ok[$5] = $3; if ($3 > last) last = $3 }
    END {
      k = 0
      for (c in ok) if ((c in s) && (c in nt)) { k++; printf "%.3f\n", (nt[c] - s[c]) * 1000 > lat }
      printf "%d %d %s %s\n", k, subs - calls, (first == "" ? 0 : first), (last == "" ? 0 : last)
    }' "$f" >"$f.sum"
  read -r k retr first last <"$f.sum"
  p50=0; p99=0
  if [ "$k" -gt 0 ]; then
    sort -n "$f.lat" >"$f.lat.sorted"
    p50=$(sed -n "$(( (k - 1) * 50 / 100 + 1 ))p" "$f.lat.sorted")
    p99=$(sed -n "$(( (k - 1) * 99 / 100 + 1 ))p" "$f.lat.sorted")
  fi
  awk -v k="$k" -v n="$PHONES" -v a="$first" -v b="$last" -v p50="$p50" -v p99="$p99" -v r="$retr" \
    'BEGIN { el = b - a; printf "%d %d %.0f %.3f %.3f %d %.3f\n", k, n - k, (el > 0 ? k / el : 0), p50, p99, r, el }'
}
KAM_ALL=""
for r in $(seq 1 "$KAM_RUNS"); do
  echo "$(analyse "kamailio$r") $r" >>"$WORK/kamailio.runs"
  KAM_ALL="$KAM_ALL $(awk '{ print $3 }' <(tail -1 "$WORK/kamailio.runs"))"
done
read -r K_OK K_FAIL K_RATE K_P50 K_P99 K_RETR K_EL K_RUN < <(sort -k3,3n "$WORK/kamailio.runs" | sed -n "$(( (KAM_RUNS + 1) / 2 ))p")
read -r O_OK O_FAIL O_RATE O_P50 O_P99 O_RETR O_EL < <(analyse ours)
read -r K_CPU TCK <"$WORK/kamailio$K_RUN.cpu"
read -r O_CPU _ O_CPU_TOTAL <"$WORK/ours.cpu"
O_HWM=$(cat "$WORK/ours.hwm")
O_NOTIFIED=$(cat "$WORK/ours.notified" 2>/dev/null || echo "?")
cpu_s() { awk -v t="$1" -v h="$TCK" 'BEGIN { printf "%.2f", t / h }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# CPU microseconds per phone (ticks over the measured phones)
us_per_phone() { awk -v t="$1" -v h="$TCK" -v n="$PHONES" 'BEGIN { printf "%.0f", (n > 0 ? t / h * 1e6 / n : 0) }'; }

if [ -s "$WORK/ours.histo" ]; then
  echo
  echo "Heap of our JVM after the run (jcmd GC.class_histogram, largest classes):"
  cat "$WORK/ours.histo"
fi
echo
echo "Threads of our JVM by CPU during the measured run (seconds, and CPU microseconds per phone):"
join -j1 <(sort -k1,1 "$WORK/threads.0") <(sort -k1,1 "$WORK/threads.1") 2>/dev/null \
  | awk -v h="$TCK" -v n="$PHONES" '{ d = $4 - $2; if (d > 0) printf "%8.2f  %6.0f us  %s\n", d / h, d / h * 1e6 / n, $3 }' \
  | sort -rn | head -10
echo
echo "Where the inventory worker thread (pnp-inventory) was in the jstack samples (top frame <- first pnp frame):"
for f in "$WORK"/jstack.*; do
  [ -f "$f" ] || continue
  awk '/^"pnp-inventory"/ { on = 1; next }
       on && /^$/ { exit }
       on && /^[ \t]+at / { sub(/^[ \t]+at /, ""); sub(/\(.*/, ""); if (top == "") top = $0; if (app == "" && $0 ~ /^pnp\./) app = $0 }
       on && /java.lang.Thread.State/ { st = $2 }
       END { if (top != "") print st " " top " <- " app }' "$f"
done | sort | uniq -c | sort -rn | sed 's/^/   /'
if [ -s "$WORK/ours.perf.txt" ]; then
  echo
  echo "perf samples of our JVM during the run, by thread and code kind ([unknown]/perf-*.map: JIT-compiled Java):"
  sed 's/^/   /' "$WORK/ours.perf.txt"
fi
if [ -f "$WORK/ours.jfr" ]; then
  jfr print --stack-depth 64 --events jdk.ExecutionSample "$WORK/ours.jfr" >"$WORK/ours.samples" 2>/dev/null || true
  awk '
    /^jdk.ExecutionSample/ { th = ""; top = ""; app = ""; n = 0; next }
    /sampledThread = / { th = $0; sub(/.*sampledThread = "/, "", th); sub(/".*/, "", th); next }
    /^[ \t]+[a-zA-Z_$][a-zA-Z0-9_$.]*\(.*line:/ {
      f = $0; sub(/^[ \t]+/, "", f); sub(/\(.*/, "", f)
      if (top == "") top = f
      if (app == "" && f ~ /^(pnp\.|gov\.nist\.|freemarker\.)/) app = f
      next }
    /^}/ { if (top != "") { total++; thr[th]++; key[th " | " top " <- " app]++; if (app != "") appf[app]++ } top = "" }
    END {
      printf "   %d samples\n", total
      for (t in thr) printf "T %6d %5.1f%%  %s\n", thr[t], 100 * thr[t] / total, t
      for (k in key) printf "K %6d %5.1f%%  %s\n", key[k], 100 * key[k] / total, k
      for (a in appf) printf "A %6d %5.1f%%  %s\n", appf[a], 100 * appf[a] / total, a
    }' "$WORK/ours.samples" >"$WORK/ours.profile"
  echo
  echo "JFR CPU samples of our JVM during the run, by thread:"
  grep '^T ' "$WORK/ours.profile" | sort -k2,2nr | head -8 | cut -c3-
  echo "hottest (thread | top frame <- first pnp/jain-sip/freemarker frame):"
  grep '^K ' "$WORK/ours.profile" | sort -k2,2nr | head -15 | cut -c3-
  echo "by first pnp/jain-sip/freemarker frame:"
  grep '^A ' "$WORK/ours.profile" | sort -k2,2nr | head -12 | cut -c3-
fi
echo
echo "SIP full flow (SUBSCRIBE->200->NOTIFY->200), $PHONES phones each from its own 127.1.x.y, unicast UDP on lo,"
echo "sipp -r $RATE -l $LIMIT, warm-up $WARMUP phones first; latency = SUBSCRIBE sent -> NOTIFY received"
printf '| %-22s | %6s | %8s | %8s | %8s | %8s | %6s | %8s | %8s | %8s | %8s |\n' server phones failures phones/s "p50 ms" "p99 ms" retrans "CPU s" "us/phone" "CPU x" ratio
printf '|%s|\n' "------------------------|--------|----------|----------|----------|----------|--------|----------|----------|----------|----------"
printf '| %-22s | %6d | %8d | %8d | %8s | %8s | %6d | %8s | %8s | %8s | %8s |\n' "kamailio 5.6 tm+uac" "$PHONES" "$K_FAIL" "$K_RATE" "$K_P50" "$K_P99" "$K_RETR" "$(cpu_s "$K_CPU")" "$(us_per_phone "$K_CPU")" "1.00" "1.00"
printf '| %-22s | %6d | %8d | %8d | %8s | %8s | %6d | %8s | %8s | %8s | %8s |\n' "pnp-server (pnp.sip)" "$PHONES" "$O_FAIL" "$O_RATE" "$O_P50" "$O_P99" "$O_RETR" "$(cpu_s "$O_CPU")" "$(us_per_phone "$O_CPU")" "$(ratio "$O_CPU" "$K_CPU")" "$(ratio "$O_RATE" "$K_RATE")"
echo "home on $(df --output=fstype "$WORK" | tail -1); our JVM: CPU $(cpu_s "$O_CPU") s during the run ($(cpu_s "$O_CPU_TOTAL") s since start), peak RSS (VmHWM) $O_HWM MB;" \
  "$O_NOTIFIED phone records in state NOTIFIED; wall time kamailio ${K_EL} s, ours ${O_EL} s"
echo "kamailio phones/s of its $KAM_RUNS runs:$KAM_ALL (median shown)"

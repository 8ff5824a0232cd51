#!/usr/bin/env bash
# Benchmark (not a test): a boot storm of N phones against pnp-server.jar, end to end, driven by the phone
# simulator (pnp.simulator, pnp-phones.jar): every phone from its own loopback address (127.1.x.y), unicast
# SUBSCRIBE -> 200 -> NOTIFY -> 200 -> HTTP download of its file -> the same download again (a rebooted
# phone; must be byte-identical). In the same run, the reference peers through the existing scripts:
# bench/sip-bench.sh (Kamailio's SUBSCRIBE/NOTIFY flow, driven by sipp) and bench/serve-bench.sh (atftpd and
# nginx), and the ratios.
#
# Steps, in a throwaway loopback-only network namespace (unshare --net; needs root; nothing leaves the host):
#   1. cold start: the jar in a fresh temp home (SIP unicast on 127.0.0.1:5060, multicast off, as
#      sip-bench.sh), time from launch to the web console answering 200 with the generated password
#      (as bench/startup.sh), and to SIP listening;
#   2. bulk pre-assignment of N (+ warm-up) phones through the console's CSV import (the Phones page's
#      POST ?action=import with its page token and the CSV as a text/csv body, in chunks of STORM_CHUNK
#      lines), timed until phones.json lists all of them as assigned; STORM_ASSIGN=files instead writes
#      N deploy/pnp.phone-<mac>.cfg before the start and times launch -> all listed;
#   3. warm-up phones (JIT), not counted; then the storm: pnp-phones.jar --phones N --source-from 127.1.0.1
#      --downloads 2; server CPU (utime+stime from /proc/<pid>/stat) before/after, peak RSS (VmHWM).
# Then (outside the namespace) bench/sip-bench.sh N and bench/serve-bench.sh, and one table.
#
# Usage: bench/storm.sh [N]          (default 10000)
# Environment:
#   STORM_WARMUP       phones run first, not counted (own MACs and addresses)         default 1000
#   STORM_RATE         simulator --rate, new phones per second (0: all at once)        default 0
#   STORM_CONCURRENCY  simulator --concurrency, phones in flight                       default 200
#   STORM_ASSIGN       csv (console import) or files (deploy/pnp.phone-*.cfg)          default csv
#   STORM_CHUNK        lines per CSV import request (the console takes at most 5000)   default 5000
#   STORM_REFERENCE    1: also run sip-bench.sh and serve-bench.sh; 0: the storm only   default 1
#   STORM_PEERS        1: also the same storm (simulator, same N, in the namespace) against Kamailio
#                      (bench/kamailio-pnp.cfg) for SIP plus nginx (1 worker, fixed body) for HTTP  default 1
#   STORM_TIMEOUT      seconds for the namespace part                                  default 1800
#   STORM_JFR          1: record a JFR CPU profile of the server during the storm, print its hot frames  default 0
#   STORM_NMT          1: the server with -XX:NativeMemoryTracking=summary; after the storm, print where its
#                      committed memory is (heap, metaspace, threads, code, ...) next to the RSS   default 0
#   STORM_HISTO        1: after the storm, print the server's live heap by class (jcmd GC.class_histogram,
#                      which runs a full GC first): what each phone costs in memory             default 0
#   STORM_SERVER_JAVA_OPTS  JVM options for the server; default: jvm.options, as ./run starts it
#   STORM_TMPDIR       where the temp dir (and the server's home) goes                 default /tmp
#   STORM_KEEP         a directory to copy the raw files to (results.csv, logs)
# Needs: java 17, curl, ss (iproute2); sipp and kamailio for sip-bench.sh, wrk and nginx for serve-bench.sh
# (those scripts install what they miss). Builds pnp-server.jar / pnp-phones.jar offline if missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/console.sh
. "$ROOT/bench/console.sh"
PHONES="${STORM_PHONES:-10000}"
[ "${1:-}" != "--in-netns" ] && PHONES="${1:-$PHONES}"
WARMUP="${STORM_WARMUP:-1000}"
RATE="${STORM_RATE:-0}"
CONCURRENCY="${STORM_CONCURRENCY:-200}"
ASSIGN="${STORM_ASSIGN:-csv}"
CHUNK="${STORM_CHUNK:-5000}"
REFERENCE="${STORM_REFERENCE:-1}"
PEERS="${STORM_PEERS:-1}"
JFR="${STORM_JFR:-0}"
TIMEOUT="${STORM_TIMEOUT:-1800}"
SERVER_JAVA_OPTS="${STORM_SERVER_JAVA_OPTS-$(cat "$ROOT/jvm.options")}"
NMT="${STORM_NMT:-0}"
HISTO="${STORM_HISTO:-0}"
[ "$NMT" = 1 ] && SERVER_JAVA_OPTS="$SERVER_JAVA_OPTS -XX:NativeMemoryTracking=summary"
SIP_PORT=5060
CONSOLE="http://127.0.0.1:8080/system/console"

# ------------------------------------------------------------------------------------------------
# Inside the namespace: start, assign, warm up, storm; results to $WORK/*.txt
# ------------------------------------------------------------------------------------------------
inner() {
  WORK="$1"
  cd "$WORK"
  SERVER=""
  stop() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    SERVER=""
  }
  trap stop EXIT
  trap 'exit 143' INT TERM
  ip link set lo up
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
  ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
  # per-thread CPU ticks of a JVM: "tid ticks name" per thread
  thread_ticks() {
    local t line name
    for t in /proc/"$1"/task/*; do
      line=$(cat "$t/stat" 2>/dev/null) || continue
      name=$(tr ' ' '_' <"$t/comm" 2>/dev/null)
      line="${line##*) }"
      # shellcheck disable=SC2086
      set -- $line
      echo "${t##*/} $((${12} + ${13})) $name"
    done
  }
  # CPU ticks of the processes in PEER_PIDS and their children (kamailio and nginx fork workers)
  tree_ticks() {
    local total=0 f line me p
    for f in /proc/[0-9]*/stat; do
      line=$(cat "$f" 2>/dev/null) || continue
      me="${f#/proc/}"; me="${me%/stat}"
      line="${line##*) }"
      # shellcheck disable=SC2086
      set -- $line   # 1 state, 2 ppid, ..., 12 utime, 13 stime
      for p in "${PEER_PIDS[@]}"; do
        if [ "$me" = "$p" ] || [ "$2" = "$p" ]; then total=$((total + ${12} + ${13})); break; fi
      done
    done
    echo "$total"
  }

  # ---- 1. cold start ----
  local t0 t_console=0 t_sip=0 pw="" code
  t0=$(now_ms)
  # shellcheck disable=SC2086
  (cd "$WORK/home" && exec java $SERVER_JAVA_OPTS -jar "$WORK/pnp-server.jar" </dev/null >"$WORK/home/out.log" 2>&1) &
  SERVER=$!
  for _ in $(seq 1 2400); do   # 120 s at most
    kill -0 "$SERVER" 2>/dev/null || { echo "server exited:" >&2; tail -30 "$WORK/home/out.log" >&2; exit 1; }
    if [ "$t_sip" = 0 ] && grep -q "SIP listening on 127.0.0.1:$SIP_PORT" "$WORK/home/out.log"; then
      t_sip=$(( $(now_ms) - t0 ))
    fi
    if [ "$t_console" = 0 ]; then
      [ -n "$pw" ] || pw=$(console_password "$WORK/home/out.log")
      if [ -n "$pw" ]; then
        code=$(curl -s -o /dev/null -w '%{http_code}' -u "admin:$pw" "$CONSOLE/bundles" || true)
        [ "$code" = 200 ] && t_console=$(( $(now_ms) - t0 ))
      fi
    fi
    [ "$t_console" != 0 ] && [ "$t_sip" != 0 ] && break
    sleep 0.025
  done
  [ "$t_console" != 0 ] || { echo "console did not answer 200 in time" >&2; tail -30 "$WORK/home/out.log" >&2; exit 1; }
  [ "$t_sip" != 0 ] || { echo "SIP did not listen in time" >&2; tail -30 "$WORK/home/out.log" >&2; exit 1; }
  echo "$t_console $t_sip" >"$WORK/coldstart.txt"
  echo "storm: cold start ${t_console} ms to console 200, ${t_sip} ms to SIP listening" >&2

  # ---- 2. bulk pre-assignment ----
  local expected=$((PHONES + WARMUP)) n=0 a0 a1 token
  assigned() { curl -s -u "admin:$pw" "$CONSOLE/phones/phones.json" | grep -o '"assigned":true' | wc -l; }
  if [ "$ASSIGN" = csv ]; then
    token=$(console_token "$pw")
    [ -n "$token" ] || { echo "no page token on the Phones page" >&2; exit 1; }
    a0=$(now_ms)
    local f out saved=0 k
    for f in "$WORK"/import.*; do
      k=$(now_ms)
      out=$(console_import "$pw" "$token" "$f") \
        || { echo "import of $(basename "$f") failed: $(echo "$out" | head -c 400)" >&2; exit 1; }
      saved=$((saved + $(echo "$out" | grep -o '"saved":true' | wc -l)))
      echo "storm: $(basename "$f"): $(echo "$out" | grep -o '"message":"Imported [^"]*"' | head -1) in $(( $(now_ms) - k )) ms" >&2
    done
  else
    a0=$t0
  fi
  for _ in $(seq 1 1200); do   # up to 20 min for all of them to be listed
    n=$(assigned)
    [ "$n" -ge "$expected" ] && break
    kill -0 "$SERVER" 2>/dev/null || { echo "server exited:" >&2; tail -30 "$WORK/home/out.log" >&2; exit 1; }
    sleep 1
  done
  a1=$(now_ms)
  [ "$n" -ge "$expected" ] || { echo "server lists $n of $expected phones as assigned in time" >&2; exit 1; }
  echo "$ASSIGN $((a1 - a0)) $n" >"$WORK/assign.txt"
  echo "storm: $n phones assigned ($ASSIGN) in $((a1 - a0)) ms" >&2
  # Config Admin still delivers the import's events to its listeners for a while after the phones are
  # listed: wait until the server is quiet (under 5% of a core for 2 s in a row; at most 120 s), so the
  # storm does not share the cores with the tail of the import.
  local quiet
  quiet=$(wait_until_quiet ticks "$SERVER")
  echo "storm: server quiet after the import ($([ "$quiet" = yes ] && echo yes || echo 'no, after 120 s'))" >&2

  # ---- 3. warm-up, then the storm ----
  # C1 only and the serial collector: the simulator's JVM leaves the cores to the server (half its CPU otherwise)
  local sim=(java -Xms256m -Xmx1g -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$WORK/pnp-phones.jar" --target "127.0.0.1:$SIP_PORT"
             --downloads 2 --concurrency "$CONCURRENCY" --rate "$RATE" --quiet)
  if [ "$WARMUP" -gt 0 ]; then
    "${sim[@]}" --phones "$WARMUP" --mac-start 000B82100000 --source-from 127.2.0.1 --timeout 300 \
      --out "$WORK/warmup.csv" --summary "$WORK/warmup.kv" >"$WORK/warmup.txt" 2>&1 || true
    echo "storm: warm-up $(grep -m1 '^phones' "$WORK/warmup.txt" || echo '(no summary)')" >&2
    sleep 1
  fi
  local c0 c1
  if [ "$JFR" = 1 ]; then
    timeout 30 jcmd "$SERVER" JFR.start name=storm settings="$ROOT/bench/cpu-samples.jfc" filename="$WORK/server.jfr" >/dev/null 2>&1 || true
  fi
  c0=$(ticks "$SERVER")
  thread_ticks "$SERVER" >"$WORK/threads.0"
  ( "${sim[@]}" --phones "$PHONES" --mac-start 000B82200000 --source-from 127.1.0.1 --timeout 600 \
      --out "$WORK/results.csv" --summary "$WORK/storm.kv" >"$WORK/storm.txt" 2>&1; echo "rc=$?" >>"$WORK/storm.txt"
    times >"$WORK/sim.times" ) || true
  c1=$(ticks "$SERVER")
  thread_ticks "$SERVER" >"$WORK/threads.1"
  echo "$((c1 - c0)) $(getconf CLK_TCK) $c1" >"$WORK/cpu.txt"
  if [ "$JFR" = 1 ]; then
    timeout 60 jcmd "$SERVER" JFR.stop name=storm >/dev/null 2>&1 || true
  fi
  awk '/VmHWM/ { print int($2 / 1024) } ' "/proc/$SERVER/status" >"$WORK/hwm.txt"
  if [ "$NMT" = 1 ]; then
    timeout 30 jcmd "$SERVER" VM.native_memory summary >"$WORK/nmt.txt" 2>&1 || true
  fi
  awk '/VmRSS/ { print int($2 / 1024) } ' "/proc/$SERVER/status" >"$WORK/rss.txt"
  if [ "$HISTO" = 1 ]; then
    timeout 60 jcmd "$SERVER" GC.class_histogram >"$WORK/histo.txt" 2>&1 || true
  fi
  sleep 1
  # the server's own view: phone records by state (PROVISIONED = downloaded after the NOTIFY)
  "$ROOT/bench/phone-states.sh" "$WORK/home/data/phones/phones.journal" | grep -v '^ALL ' | sort \
    | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }' >"$WORK/states.txt" || true
  stop

  # ---- 4. the same storm against the reference peers: Kamailio (SIP, bench/kamailio-pnp.cfg) + nginx ----
  if [ "$PEERS" = 1 ] && command -v kamailio >/dev/null && command -v nginx >/dev/null; then
    mkdir -p "$WORK/nginx/tmp"
    # the NOTIFY URL of kamailio-pnp.cfg: http://127.0.0.1:5481/provisioning/<hex>/cfg<mac>.xml; one fixed body
    cat >"$WORK/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
user root;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp; proxy_temp_path $WORK/nginx/tmp; fastcgi_temp_path $WORK/nginx/tmp;
  uwsgi_temp_path $WORK/nginx/tmp; scgi_temp_path $WORK/nginx/tmp;
  server {
    listen 127.0.0.1:5481;
    location / { default_type text/xml; return 200 "$(head -c 200 /dev/zero | tr '\0' 'x')"; }
  }
}
NGINX
    local peers=()
    kamailio -DD -E -f "$ROOT/bench/kamailio-pnp.cfg" -m 256 -M 16 >"$WORK/kamailio.log" 2>&1 &
    peers+=("$!")
    nginx -c "$WORK/nginx/nginx.conf" >"$WORK/nginx/out.log" 2>&1 &
    peers+=("$!")
    for _ in $(seq 1 100); do
      ss -uln | grep -q "127.0.0.1:5070" && ss -tln | grep -q "127.0.0.1:5481" && break
      sleep 0.1
    done
    if ss -uln | grep -q "127.0.0.1:5070" && ss -tln | grep -q "127.0.0.1:5481"; then
      local p_sim=(java -Xms256m -Xmx1g -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$WORK/pnp-phones.jar"
                   --target 127.0.0.1:5070 --downloads 2 --concurrency "$CONCURRENCY" --rate "$RATE" --quiet)
      if [ "$WARMUP" -gt 0 ]; then
        "${p_sim[@]}" --phones "$WARMUP" --mac-start 000B82100000 --source-from 127.2.0.1 --timeout 300 \
          >/dev/null 2>&1 || true
      fi
      PEER_PIDS=("${peers[@]}")
      c0=$(tree_ticks)
      "${p_sim[@]}" --phones "$PHONES" --mac-start 000B82200000 --source-from 127.1.0.1 --timeout 600 \
        --summary "$WORK/peers.kv" >"$WORK/peers.txt" 2>&1 || true
      c1=$(tree_ticks)
      echo "$((c1 - c0))" >"$WORK/peers.cpu"
    else
      echo "kamailio or nginx did not start; no peer storm" >&2
    fi
    kill "${peers[@]}" 2>/dev/null || true
    wait "${peers[@]}" 2>/dev/null || true
  fi
}

if [ "${1:-}" = "--in-netns" ]; then
  shift
  WORK="$1"; PHONES="$2"
  inner "$WORK"
  exit 0
fi

# ------------------------------------------------------------------------------------------------
# Outside: build if needed, prepare the home and phones, run the namespace, the references, the table
# ------------------------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || { echo "needs root (unshare --net)" >&2; exit 1; }
case "$PHONES" in ''|*[!0-9]*) echo "N must be a number" >&2; exit 1 ;; esac
[ "$PHONES" -ge 1 ] && [ "$((PHONES + WARMUP))" -le 19000 ] \
  || { echo "1 <= N and N + warm-up <= 19000 (pnp.core maxPhones is 20000)" >&2; exit 1; }
case "$ASSIGN" in csv|files) ;; *) echo "STORM_ASSIGN is csv or files" >&2; exit 1 ;; esac
JAR="$ROOT/pnp.dist/target/pnp-server.jar"
SIM="$ROOT/pnp.simulator/target/pnp-phones.jar"
if [ ! -f "$JAR" ]; then
  echo "storm: building pnp-server.jar (mvn -o -B -q verify -DskipTests) ..." >&2
  (cd "$ROOT" && timeout 1800 mvn -o -B -q verify -DskipTests >/dev/null)
fi
if [ ! -f "$SIM" ]; then
  echo "storm: building pnp-phones.jar ..." >&2
  (cd "$ROOT" && timeout 600 mvn -o -B -q package -DskipTests -pl pnp.simulator >/dev/null)
fi
for c in java curl ss unshare; do command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 1; }; done

bench_workdir storm "${STORM_TMPDIR:-/tmp}" "${STORM_KEEP:-}"
cp "$JAR" "$WORK/pnp-server.jar"   # others may rebuild the jars while we run
cp "$SIM" "$WORK/pnp-phones.jar"

# The home: SIP unicast only on loopback (as sip-bench.sh); per-source limits stay at their defaults since
# every phone has its own address. Phones: warm-up MACs 000B82100000+i, storm 000B82200000+i; extensions
# 10000+i; passwords of 8+ characters (the console's rule).
mkdir -p "$WORK/home/deploy"
cat >"$WORK/home/deploy/pnp.sip.cfg" <<EOF
address=127.0.0.1
port=$SIP_PORT
multicast=false
EOF
awk -v n="$PHONES" -v w="$WARMUP" -v dir="$WORK" -v mode="$ASSIGN" -v chunk="$CHUNK" '
  function phone(mac, ext, i,   f) {
    if (mode == "files") {
      f = dir "/home/deploy/pnp.phone-" tolower(mac) ".cfg"
      printf "mac=%s\nextension=%d\npassword=storm-secret-%d\ndisplayName=Storm Phone %d\n", mac, ext, ext, ext > f
      close(f)
    } else {
      if (lines % chunk == 0) { if (out != "") close(out); out = sprintf("%s/import.%04d", dir, lines / chunk) }
      printf "%s,%d,Storm Phone %d,storm-secret-%d\n", mac, ext, ext, ext > out
      lines++
    }
  }
  BEGIN {
    for (i = 0; i < w; i++) phone(sprintf("000B82%06X", 1048576 + i), 10000 + i)
    for (i = 0; i < n; i++) phone(sprintf("000B82%06X", 2097152 + i), 10000 + w + i)
  }'

echo "storm: $PHONES phones (+$WARMUP warm-up), each from its own 127.1.x.y, --downloads 2, --rate $RATE," \
  "--concurrency $CONCURRENCY, pre-assigned by $ASSIGN, in a loopback-only namespace ..." >&2
timeout "$TIMEOUT" unshare --net bash "${BASH_SOURCE[0]}" --in-netns "$WORK" "$PHONES" &
NS_PID=$!
rc=0; wait "$NS_PID" || rc=$?
NS_PID=""
[ "$rc" = 0 ] || { echo "storm run failed (exit $rc)" >&2; exit "$rc"; }

echo >&2
cat "$WORK/storm.txt" >&2

# ---- reference peers, through the existing scripts ----
K_RATE=""; K_P50=""; K_P99=""; O_SIPP_RATE=""; NGINX=""; HTTP_OURS=""; ATFTPD=""; TFTP_OURS=""
if [ "$REFERENCE" = 1 ]; then
  echo "== reference: bench/sip-bench.sh $PHONES (Kamailio and ours, sipp) ==" >&2
  if SIP_BENCH_JFR=0 bash "$ROOT/bench/sip-bench.sh" "$PHONES" >"$WORK/sip-bench.txt" 2>&1; then
    # | kamailio 5.6 tm+uac | phones | failures | phones/s | p50 ms | p99 ms | retrans | CPU s | ratio |
    read -r K_RATE K_P50 K_P99 < <(awk -F'|' '$2 ~ /kamailio/ { gsub(/ /, ""); print $5, $6, $7 }' "$WORK/sip-bench.txt")
    O_SIPP_RATE=$(awk -F'|' '$2 ~ /pnp-server/ { gsub(/ /, "", $5); print $5 }' "$WORK/sip-bench.txt")
  else
    echo "sip-bench.sh failed:" >&2; tail -20 "$WORK/sip-bench.txt" >&2
  fi
  grep -E '^\||^SIP full flow|^sipp|kamailio phones' "$WORK/sip-bench.txt" >&2 || true
  echo "== reference: bench/serve-bench.sh (atftpd, nginx) ==" >&2
  bash "$ROOT/bench/serve-bench.sh" >"$WORK/serve-bench.txt" 2>"$WORK/serve-bench.err" \
    || { echo "serve-bench.sh failed:" >&2; tail -20 "$WORK/serve-bench.err" >&2; }
  cat "$WORK/serve-bench.txt" >&2
  # | TFTP 4 KB, blksize 512, files/s | ours | reference | ratio | target | met? |
  read -r TFTP_OURS ATFTPD < <(awk -F'|' '$2 ~ /TFTP 4 KB/ { gsub(/ /, "", $3); gsub(/ /, "", $4); print $3, $4; exit }' "$WORK/serve-bench.txt")
  read -r HTTP_OURS NGINX < <(awk -F'|' '$2 ~ /HTTP/ { gsub(/ /, "", $3); gsub(/ /, "", $4); print $3, $4; exit }' "$WORK/serve-bench.txt")
fi

if [ -f "$WORK/threads.1" ]; then
  echo >&2
  echo "Server threads by CPU during the storm (seconds; thread names with digits folded):" >&2
  join -j1 <(sort -k1,1 "$WORK/threads.0") <(sort -k1,1 "$WORK/threads.1") 2>/dev/null \
    | awk -v h="$(getconf CLK_TCK)" '{ d = $4 - $2; n = $3; gsub(/[0-9]+/, "N", n); if (d > 0) c[n] += d }
        END { for (k in c) printf "%8.2f  %s\n", c[k] / h, k }' | sort -rn | head -10 >&2
fi
if [ -f "$WORK/server.jfr" ]; then
  jfr print --stack-depth 64 --events jdk.ExecutionSample "$WORK/server.jfr" >"$WORK/server.samples" 2>/dev/null || true
  echo >&2
  echo "JFR CPU samples of the server during the storm (thread | top frame <- first pnp/jain-sip/freemarker frame):" >&2
  awk '
    /^jdk.ExecutionSample/ { th = ""; top = ""; app = ""; next }
    /sampledThread = / { th = $0; sub(/.*sampledThread = "/, "", th); sub(/".*/, "", th); gsub(/[0-9]+/, "N", th); next }
    /^[ \t]+[a-zA-Z_$][a-zA-Z0-9_$.]*\(.*line:/ {
      f = $0; sub(/^[ \t]+/, "", f); sub(/\(.*/, "", f)
      if (top == "") top = f
      if (app == "" && f ~ /^(pnp\.|gov\.nist\.|freemarker\.)/) app = f
      next }
    /^}/ { if (top != "") { total++; key[th " | " top " <- " app]++ } top = "" }
    END { for (k in key) printf "%6d %5.1f%%  %s\n", key[k], 100 * key[k] / total, k }' "$WORK/server.samples" \
    | sort -rn | head -15 >&2
fi

if [ -s "$WORK/histo.txt" ]; then
  echo "Live heap of the server after the storm, by class (top 25; jcmd GC.class_histogram):" >&2
  head -28 "$WORK/histo.txt" | tail -26 >&2
fi
if [ -s "$WORK/nmt.txt" ]; then
  echo >&2
  echo "Server memory after the storm (Native Memory Tracking, committed MB; RSS counts only touched pages):" >&2
  awk '/^-/ && /committed=/ { n = $0; sub(/^- */, "", n); sub(/ *\(.*/, "", n)
         c = $0; sub(/.*committed=/, "", c); sub(/KB.*/, "", c); printf "%8.1f  %s\n", c / 1024, n }
       /^Total:/ { c = $0; sub(/.*committed=/, "", c); sub(/KB.*/, "", c); printf "%8.1f  %s\n", c / 1024, "Total" }' \
    "$WORK/nmt.txt" | sort -rn | head -12 >&2
fi

# ---- the table ----
kv() { sed -n "s/^$1=//p" "$WORK/storm.kv" 2>/dev/null | head -1; }
read -r T_CONSOLE T_SIP <"$WORK/coldstart.txt"
read -r A_MODE A_MS A_N <"$WORK/assign.txt"
read -r CPU_T TCK _ <"$WORK/cpu.txt"
HWM=$(cat "$WORK/hwm.txt"); RSS=$(cat "$WORK/rss.txt"); STATES=$(cat "$WORK/states.txt" 2>/dev/null || echo "?")
RATE_OK=$(kv phones_per_s); FAILED=$(kv failed); OK=$(kv ok)
N50=$(kv notify_p50_ms); N99=$(kv notify_p99_ms); D50=$(kv download_p50_ms); D99=$(kv download_p99_ms)
SIM_CPU=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.1f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$WORK/sim.times" 2>/dev/null || echo "?")
num() { [ -n "${1:-}" ] && [ "${1:-}" != "-" ] && [ "${1:-}" != "n/a" ]; }
met() { # value op target
  num "$1" || { echo "n/a"; return; }
  awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { print ((op == ">=" ? v >= t : v <= t) ? "yes" : "NO") }'
}
ratio() { if num "$1" && num "$2"; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; else echo "n/a"; fi; }
secs() { awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000 }'; }
row() { printf '| %-62s | %19s | %-8s | %-4s |\n' "$1" "$2" "$3" "$4"; }

echo
echo "Boot storm: $PHONES phones, each from its own 127.1.x.y, unicast SIP to 127.0.0.1:$SIP_PORT, SUBSCRIBE -> 200 ->"
echo "NOTIFY -> 200 -> HTTP download -> download again (byte-identical); pnp-phones --concurrency $CONCURRENCY --rate $RATE,"
echo "after $WARMUP warm-up phones; server and simulator share the machine's $(nproc) cores"
row "figure" "value" "target" "met?"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..64})" "---------------------" "----------" "------"
row "phones/s end to end (succeeded / wall time)" "$RATE_OK" ">= 2000" "$(met "$RATE_OK" '>=' 2000)"
row "phones succeeded / failed" "$OK / $FAILED" "0 failed" "$( [ "$FAILED" = 0 ] && echo yes || echo NO)"
row "SUBSCRIBE -> NOTIFY p50 / p99 (ms)" "$N50 / $N99" "" ""
row "SUBSCRIBE -> first download done p50 / p99 (ms)" "$D50 / $D99" "" ""
row "server CPU during the storm (s)" "$(awk -v t="$CPU_T" -v h="$TCK" 'BEGIN { printf "%.2f", t / h }')" "" ""
row "server peak RSS, VmHWM (MB)" "$HWM" "<= 200" "$(met "$HWM" '<=' 200)"
row "pre-assignment of $A_N phones ($A_MODE) until all listed (s)" "$(secs "$A_MS")" "" ""
row "cold start: launch -> console 200 (s)" "$(secs "$T_CONSOLE")" "<= 2" "$(met "$(secs "$T_CONSOLE")" '<=' 2)"
row "cold start: launch -> SIP listening (s)" "$(secs "$T_SIP")" "" ""
echo "simulator CPU (user+sys) $SIM_CPU s; server RSS after the storm $RSS MB; retransmissions: $(kv retransmissions)" \
  "SUBSCRIBE, $(kv notify_retransmissions) NOTIFY; server's phone records (storm + warm-up): $STATES;" \
  "failure reasons: $(grep '^fail_' "$WORK/storm.kv" 2>/dev/null | tr '\n' ' ' || true)"
pkv() { sed -n "s/^$1=//p" "$WORK/peers.kv" 2>/dev/null | head -1; }
if [ "$REFERENCE" = 1 ] || [ -f "$WORK/peers.kv" ]; then
  echo
  echo "Reference peers (same machine, this run; sip-bench.sh and serve-bench.sh unchanged)"
  printf '| %-58s | %12s | %12s | %-8s |\n' "comparison" "ours" "reference" "ratio"
  printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..60})" "--------------" "--------------" "----------"
fi
if [ -f "$WORK/peers.kv" ]; then
  P_RATE=$(pkv phones_per_s); P_FAILED=$(pkv failed)
  P_CPU=$(awk -v t="$(cat "$WORK/peers.cpu" 2>/dev/null || echo 0)" -v h="$TCK" 'BEGIN { printf "%.2f", t / h }')
  O_CPU=$(awk -v t="$CPU_T" -v h="$TCK" 'BEGIN { printf "%.2f", t / h }')
  prow() { printf '| %-58s | %12s | %12s | %-8s |\n' "$1" "$2" "$3" "$4"; }
  prow "same storm vs Kamailio + nginx: phones/s" "$RATE_OK" "$P_RATE" "$(ratio "$RATE_OK" "$P_RATE")"
  prow "same storm vs Kamailio + nginx: NOTIFY p50 ms" "$N50" "$(pkv notify_p50_ms)" "$(ratio "$N50" "$(pkv notify_p50_ms)")"
  prow "same storm vs Kamailio + nginx: NOTIFY p99 ms" "$N99" "$(pkv notify_p99_ms)" "$(ratio "$N99" "$(pkv notify_p99_ms)")"
  prow "same storm vs Kamailio + nginx: downloaded p50 ms" "$D50" "$(pkv download_p50_ms)" "$(ratio "$D50" "$(pkv download_p50_ms)")"
  prow "same storm vs Kamailio + nginx: downloaded p99 ms" "$D99" "$(pkv download_p99_ms)" "$(ratio "$D99" "$(pkv download_p99_ms)")"
  prow "same storm vs Kamailio + nginx: server CPU s" "$O_CPU" "$P_CPU" "$(ratio "$O_CPU" "$P_CPU")"
  prow "same storm vs Kamailio + nginx: failed phones" "$FAILED" "$P_FAILED" ""
fi
if [ "$REFERENCE" = 1 ]; then
  printf '| %-58s | %12s | %12s | %-8s |\n' "storm phones/s (incl. 2 downloads) vs Kamailio SIP-only" "$RATE_OK" "${K_RATE:-n/a}" "$(ratio "$RATE_OK" "${K_RATE:-}")"
  printf '| %-58s | %12s | %12s | %-8s |\n' "pnp-server SIP-only phones/s (sipp) vs Kamailio" "${O_SIPP_RATE:-n/a}" "${K_RATE:-n/a}" "$(ratio "${O_SIPP_RATE:-}" "${K_RATE:-}")"
  printf '| %-58s | %12s | %12s | %-8s |\n' "SUBSCRIBE -> NOTIFY p50 ms, storm vs Kamailio" "$N50" "${K_P50:-n/a}" "$(ratio "$N50" "${K_P50:-}")"
  printf '| %-58s | %12s | %12s | %-8s |\n' "SUBSCRIBE -> NOTIFY p99 ms, storm vs Kamailio" "$N99" "${K_P99:-n/a}" "$(ratio "$N99" "${K_P99:-}")"
  STORM_HTTP=$(awk -v r="$RATE_OK" 'BEGIN { if (r + 0 > 0) printf "%.0f", 2 * r; else print "n/a" }')
  printf '| %-58s | %12s | %12s | %-8s |\n' "storm HTTP downloads/s vs nginx 1 worker req/s (new conn.)" "$STORM_HTTP" "${NGINX:-n/a}" "$(ratio "$STORM_HTTP" "${NGINX:-}")"
  printf '| %-58s | %12s | %12s | %-8s |\n' "pnp.http req/s vs nginx (http-bench.sh)" "${HTTP_OURS:-n/a}" "${NGINX:-n/a}" "$(ratio "${HTTP_OURS:-}" "${NGINX:-}")"
  printf '| %-58s | %12s | %12s | %-8s |\n' "pnp.tftp 4 KB files/s vs atftpd (tftp-bench.sh)" "${TFTP_OURS:-n/a}" "${ATFTPD:-n/a}" "$(ratio "${TFTP_OURS:-}" "${ATFTPD:-}")"
fi
[ "$FAILED" = 0 ] || echo "some phones failed: see STORM_KEEP=<dir> results.csv" >&2
exit 0

#!/usr/bin/env bash
# Benchmarks (not a test). Everything runs on 127.0.0.1, is bounded by timeouts and is cleaned up on exit.
#
# == HTTP (pnp.http) ==
# Our handler standalone (pnp.http test-classes BenchServer) against nginx with 1 worker, both serving
# the same 1.4 KB file; wrk -t2 -c32 -d10s with 'Connection: close' (a new connection per request),
# median of 3 runs each; prints ours req/s, nginx req/s and the ratio (target >= 0.6).
# Environment: HTTP_BENCH_DURATION (10s), HTTP_BENCH_RUNS (3), OURS_PORT (18481), NGINX_PORT (18482).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DURATION="${HTTP_BENCH_DURATION:-10s}"
RUNS="${HTTP_BENCH_RUNS:-3}"
OURS_PORT="${OURS_PORT:-18481}"
NGINX_PORT="${NGINX_PORT:-18482}"
TOKEN="Tok3n_0123456789-abcdef"   # FakeFiles.TOKEN in pnp.http's tests

WORK="$(mktemp -d /tmp/http-bench.XXXXXX)"
chmod 755 "$WORK"
OURS_PID=""
NGINX_PID=""
cleanup() {
  [ -n "$OURS_PID" ] && kill "$OURS_PID" 2>/dev/null && wait "$OURS_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "installing $2 ..." >&2
    timeout 300 apt-get install -y "$2" >/dev/null 2>&1 \
      || { timeout 300 apt-get update >/dev/null 2>&1 && timeout 300 apt-get install -y "$2" >/dev/null; }
  fi
}
need wrk wrk
need nginx nginx
need curl curl
NGINX_BIN="$(command -v nginx || echo /usr/sbin/nginx)"

# the 1.4 KB file: a Grandstream-like XML config
mkdir -p "$WORK/www"
{
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<gs_provision version="1"><config version="1">\n'
  i=0
  : >"$WORK/www/part"
  while [ "$(wc -c <"$WORK/www/part" 2>/dev/null || echo 0)" -lt 1330 ]; do
    printf '<P%d>value-%04d</P%d>\n' "$((1000 + i))" "$i" "$((1000 + i))" >>"$WORK/www/part"
    i=$((i + 1))
  done
  cat "$WORK/www/part"
  printf '</config></gs_provision>\n'
} >"$WORK/www/bench.xml"
rm -f "$WORK/www/part"
chmod 644 "$WORK/www/bench.xml"
SIZE=$(wc -c <"$WORK/www/bench.xml")

# ---- ours ----
echo "building pnp.http test classes ..." >&2
(cd "$ROOT" && timeout 300 mvn -B -q test-compile -pl pnp.http >/dev/null \
  && timeout 120 mvn -B -q dependency:build-classpath -pl pnp.http -Dmdep.includeScope=test \
       -Dmdep.outputFile="$WORK/cp.txt" >/dev/null)
CP="$ROOT/pnp.http/target/test-classes:$ROOT/pnp.http/target/classes:$(cat "$WORK/cp.txt")"
java -Xms256m -Xmx256m -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" \
  pnp.http.internal.BenchServer "$OURS_PORT" "$WORK/www/bench.xml" 32 >"$WORK/ours.log" 2>&1 &
OURS_PID=$!

# ---- nginx, 1 worker, foreground ----
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location /provisioning/$TOKEN/ {
      alias $WORK/www/;
      default_type application/xml;
      add_header Cache-Control no-store;
    }
  }
}
EOF
"$NGINX_BIN" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" >"$WORK/nginx.log" 2>&1 &
NGINX_PID=$!

wait_ready() { # url
  for _ in $(seq 1 100); do
    if curl -sf --max-time 2 -o /dev/null "$1"; then return 0; fi
    sleep 0.2
  done
  echo "not ready: $1" >&2
  cat "$WORK/ours.log" "$WORK/nginx.log" "$WORK/nginx/error.log" >&2 2>/dev/null || true
  exit 1
}
OURS_URL="http://127.0.0.1:$OURS_PORT/provisioning/$TOKEN/bench.xml"
NGINX_URL="http://127.0.0.1:$NGINX_PORT/provisioning/$TOKEN/bench.xml"
wait_ready "$OURS_URL"
wait_ready "$NGINX_URL"
cmp <(curl -s --max-time 5 "$OURS_URL") "$WORK/www/bench.xml"
cmp <(curl -s --max-time 5 "$NGINX_URL") "$WORK/www/bench.xml"

rps() { # url duration
  timeout 60 wrk -t2 -c32 -d"$2" -H 'Connection: close' "$1" 2>&1 | tee -a "$WORK/wrk.log" \
    | awk '/Requests\/sec/ { print int($2) }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "warming up the JVM ..." >&2
rps "$OURS_URL" 5s >/dev/null
OURS=()
NGINX=()
for _ in $(seq 1 "$RUNS"); do
  OURS+=("$(rps "$OURS_URL" "$DURATION")")
  NGINX+=("$(rps "$NGINX_URL" "$DURATION")")
done
OURS_MED=$(printf '%s\n' "${OURS[@]}" | median)
NGINX_MED=$(printf '%s\n' "${NGINX[@]}" | median)
if grep -q 'Non-2xx\|Socket errors' "$WORK/wrk.log"; then
  echo "wrk reported errors:" >&2
  grep 'Non-2xx\|Socket errors' "$WORK/wrk.log" >&2
fi

echo
echo "HTTP: $SIZE-byte file, wrk -t2 -c32 -d$DURATION, Connection: close, median of $RUNS"
printf '| %-12s | %-22s | %s\n' "server" "req/s (median)" "runs"
printf '| %-12s | %-22s | %s\n' "pnp.http" "$OURS_MED" "${OURS[*]}"
printf '| %-12s | %-22s | %s\n' "nginx (1 wk)" "$NGINX_MED" "${NGINX[*]}"
printf '| %-12s | %-22s |\n' "ratio" "$(awk -v a="$OURS_MED" -v b="$NGINX_MED" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"

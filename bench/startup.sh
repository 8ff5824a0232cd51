#!/usr/bin/env bash
# Cold start of pnp-server.jar to the web console answering 200 with the generated password, and RSS
# after start; median of N runs (default 5), each in a fresh home, inside a throwaway loopback-only
# network namespace (nothing joins a group on a real interface). Needs root (unshare). Not a test.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/pnp.dist/target/pnp-server.jar"
opts="${PNP_JAVA_OPTS-$(cat "$root/jvm.options")}"   # the JVM options ./run uses
runs="${1:-5}"
[ -f "$jar" ] || { echo "build first: mvn -B install -DskipTests" >&2; exit 1; }
one() {
  unshare --net bash -c '
    ip link set lo up; ip link set lo multicast on; ip route add 224.0.0.0/4 dev lo src 127.0.0.1
    home=$(mktemp -d); cd "$home"
    start=$(date +%s%N)
    java $2 -jar "$1" </dev/null >out.log 2>&1 & pid=$!
    trap "kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf $home" EXIT
    for i in $(seq 1 400); do
      pw=$(sed -n "s/.*generated credentials user .admin. password .\([^'"'"']*\)..*/\1/p" out.log | head -1)
      if [ -n "$pw" ] && [ "$(curl -s -o /dev/null -w "%{http_code}" -u "admin:$pw" http://127.0.0.1:8080/system/console/bundles)" = 200 ]; then
        end=$(date +%s%N); sleep 2
        echo "$(( (end - start) / 1000000 )) $(awk "/VmRSS/{print int(\$2/1024)}" /proc/$pid/status)"
        exit 0
      fi
      sleep 0.025
    done
    echo "timeout" >&2; exit 1' _ "$jar" "$opts"
}
ms=(); rss=()
for i in $(seq 1 "$runs"); do read -r m r < <(one); ms+=("$m"); rss+=("$r"); echo "run $i: ${m} ms to console 200, RSS ${r} MB"; done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| cold start to console 200 (median of $runs) | $(median "${ms[@]}") ms |"
echo "| RSS after start (median of $runs) | $(median "${rss[@]}") MB |"

#!/usr/bin/env bash
# Throughput of the pnp.tftp engine against atftpd 0.8 on 127.0.0.1 (not a test).
#
# Needs: `mvn install -pl pnp.tftp` done (uses pnp.tftp/target/classes and test-classes), curl, java, root
# (atftpd runs as --user root), apt access for `apt-get download atftpd libwrap0` (unpacked, not installed).
# Measures files/s for 4 KB files (blksize 512) and 64 KB files (blksize 8192) with 16 parallel transfers in
# ONE curl process (`curl --parallel --parallel-max 16 -K list`), median of 3 runs, and prints one table.
# Knobs (env): FILES_4K (3000), FILES_64K (2000), RUNS (3), OUR_PORT (17069), ATFTPD_PORT (17169), LOOPS,
# BLKSIZE_4K (512; 8192 makes the 4 KB case a single-block transfer).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODULE=$ROOT/pnp.tftp
FILES_4K=${FILES_4K:-3000}
FILES_64K=${FILES_64K:-2000}
RUNS=${RUNS:-3}
OUR_PORT=${OUR_PORT:-17069}
ATFTPD_PORT=${ATFTPD_PORT:-17169}
BLKSIZE_4K=${BLKSIZE_4K:-512}
PARALLEL=16
SLF4J=${SLF4J:-$HOME/.m2/repository/org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar}

[[ -d $MODULE/target/test-classes/pnp ]] || { echo "run: cd $ROOT && mvn -B -q install -pl pnp.tftp" >&2; exit 1; }
[[ -f $SLF4J ]] || { echo "slf4j-api jar not found at $SLF4J" >&2; exit 1; }

WORK=$(mktemp -d /tmp/tftp-bench.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

mkdir -p "$WORK/files" "$WORK/atftpd"
head -c 4096 /dev/urandom > "$WORK/files/f4k"
head -c 65536 /dev/urandom > "$WORK/files/f64k"
chmod -R a+rwX "$WORK/files"

# atftpd conflicts with tftpd-hpa: download and unpack, do not install
(cd "$WORK/atftpd" && apt-get download atftpd libwrap0 >/dev/null 2>&1 && for d in *.deb; do dpkg-deb -x "$d" .; done)
ATFTPD=$WORK/atftpd/usr/sbin/atftpd
export LD_LIBRARY_PATH=$WORK/atftpd/usr/lib/x86_64-linux-gnu

LD_LIBRARY_PATH=$LD_LIBRARY_PATH "$ATFTPD" --daemon --no-fork --user root --group root --bind-address 127.0.0.1 \
    --port "$ATFTPD_PORT" --maxthread 512 --logfile /dev/null "$WORK/files" &
PIDS+=($!)

java -cp "$MODULE/target/classes:$MODULE/target/test-classes:$SLF4J" pnp.tftp.internal.StandaloneTftpServer \
    "dir=$WORK/files" address=127.0.0.1 "port=$OUR_PORT" perAddress=64 ${LOOPS:+loops=$LOOPS} \
    > "$WORK/ours.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do grep -q LISTENING "$WORK/ours.log" && break; sleep 0.1; done
grep -q LISTENING "$WORK/ours.log" || { echo "our server did not start:"; cat "$WORK/ours.log"; exit 1; } >&2
sleep 0.5

# one curl process, $2 downloads of file $3 from port $1 with blksize $4; prints files/s
measure() {
    local port=$1 count=$2 file=$3 blksize=$4 size list start end ok
    size=$(stat -c %s "$WORK/files/$file")
    list=$WORK/list-$port-$file
    for _ in $(seq 1 "$count"); do
        printf 'url = "tftp://127.0.0.1:%s/%s"\noutput = "/dev/null"\n' "$port" "$file"
    done > "$list"
    start=$(date +%s.%N)
    timeout 120 curl -sS --parallel --parallel-max "$PARALLEL" --tftp-blksize "$blksize" -w '%{size_download}\n' \
        -K "$list" > "$WORK/sizes" 2> "$WORK/curl.err" || true
    end=$(date +%s.%N)
    ok=$(grep -c "^$size\$" "$WORK/sizes" || true)
    if [[ $ok -ne $count ]]; then
        echo "port $port $file: only $ok of $count complete: $(head -c 300 "$WORK/curl.err")" >&2
    fi
    echo "$ok $start $end" | awk '{ printf "%.0f\n", $1 / ($3 - $2) }'
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# warm-up (JIT for ours, page cache for atftpd)
measure "$OUR_PORT" 1000 f4k "$BLKSIZE_4K" > /dev/null
measure "$OUR_PORT" 300 f64k 8192 > /dev/null
measure "$ATFTPD_PORT" 300 f4k "$BLKSIZE_4K" > /dev/null

printf '%-28s %12s %14s %7s\n' "case" "ours files/s" "atftpd files/s" "ratio"
for spec in "4 KB, blksize $BLKSIZE_4K:f4k:$BLKSIZE_4K:$FILES_4K" "64 KB, blksize 8192:f64k:8192:$FILES_64K"; do
    IFS=: read -r label file blksize count <<< "$spec"
    ours=(); theirs=()
    for _ in $(seq 1 "$RUNS"); do
        ours+=("$(measure "$OUR_PORT" "$count" "$file" "$blksize")")
        theirs+=("$(measure "$ATFTPD_PORT" "$count" "$file" "$blksize")")
    done
    o=$(median "${ours[@]}"); t=$(median "${theirs[@]}")
    printf '%-28s %12s %14s %7s\n' "$label" "$o" "$t" "$(awk -v o="$o" -v t="$t" 'BEGIN { printf "%.2fx", o / t }')"
done

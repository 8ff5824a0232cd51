# Sourced by the benchmarks (storm.sh, sip-bench.sh, resync-bench.sh): the web console's Phones page as a
# script uses it, waiting for a server to go quiet, and the benchmark's temp folder. Needs curl; CONSOLE is the console's base URL.

# The admin password pnp.console generated on first start, from the server's log (empty until logged).
console_password() { # log file
  sed -n "s/.*generated credentials user .admin. password .\([^']*\)'.*/\1/p" "$1" | head -1
}

# The Phones page's token that state-changing requests must carry (empty while the page does not answer).
console_token() { # password
  curl -s -u "admin:$1" "$CONSOLE/phones" | sed -n 's/.*data-token="\([^"]*\)".*/\1/p' | head -1
}

# Imports one CSV file (at most 5000 lines) as a text/csv body; prints the JSON answer; fails unless ok.
console_import() { # password token file
  local out
  out=$(curl -s -u "admin:$1" -H "X-PnP-Token: $2" -H "Content-Type: text/csv; charset=utf-8" \
          --data-binary "@$3" "$CONSOLE/phones?action=import")
  echo "$out"
  case "$out" in '{"ok":true'*) return 0 ;; *) return 1 ;; esac
}

# Waits until a process uses under 5% of a core for 2 s in a row (at most 120 s): the tail of a bulk import
# (Config Admin events, the last journal flush) must not share the cores with what is measured next.
# Prints yes, or no when it never went quiet.
wait_until_quiet() { # ticks-function pid
  local q0 q1 quiet=0
  q0=$("$1" "$2")
  for _ in $(seq 1 240); do
    sleep 0.5
    q1=$("$1" "$2")
    if [ $((q1 - q0)) -le $(( $(getconf CLK_TCK) / 40 )) ]; then quiet=$((quiet + 1)); else quiet=0; fi
    q0=$q1
    [ "$quiet" -ge 4 ] && { echo yes; return; }
  done
  echo no
}

# The benchmark's temp folder: makes $WORK (under DIR) and, on exit, ends the namespace part ($NS_PID, when
# set), copies the raw files to KEEP (when set, without the framework cache and the jars) and removes $WORK.
bench_workdir() { # name dir keep
  WORK="$(mktemp -d "$2/$1.XXXXXX")"
  NS_PID=""
  BENCH_KEEP="$3"
  trap bench_cleanup EXIT
  trap 'exit 143' INT TERM
}
bench_cleanup() {
  if [ -n "$NS_PID" ]; then kill "$NS_PID" 2>/dev/null || true; wait "$NS_PID" 2>/dev/null || true; fi
  if [ -n "$BENCH_KEEP" ] && [ -d "$WORK" ]; then
    mkdir -p "$BENCH_KEEP" && cp -r "$WORK"/. "$BENCH_KEEP"/ 2>/dev/null || true
    rm -rf "$BENCH_KEEP/home/felix-cache" "$BENCH_KEEP"/*.jar
  fi
  rm -rf "$WORK"
}

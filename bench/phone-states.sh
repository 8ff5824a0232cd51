#!/usr/bin/env bash
# Prints how many phones the server's journal (data/phones/phones.journal) holds in each state, one
# "STATE count" per line, plus "ALL count". The last line of a phone wins; tombstones remove it.
# Usage: bench/phone-states.sh <home>/data/phones/phones.journal
set -euo pipefail
journal="$1"
[ -f "$journal" ] || { echo "ALL 0"; exit 0; }
awk -F'\t' '
  { mac = ""; st = ""
    for (i = 1; i <= NF; i++) {
      if ($i ~ /^mac=/) mac = substr($i, 5)
      else if ($i ~ /^state=/) st = substr($i, 7)
      else if ($i == "deleted=true") st = "-"
    }
    if (mac != "") last[mac] = st }
  END { for (m in last) if (last[m] != "-") { n[last[m]]++; all++ }
        for (s in n) print s, n[s]; print "ALL", all + 0 }' "$journal"

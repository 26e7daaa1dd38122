#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# run.sh -- throughput, latency and memory figures of the whole stack
# through nginx on loopback (`make bench`); see bench/README.md for the
# targets and how to read the output.
#
# Starts its own stack with scripts/stack.sh in a temporary folder on free
# ports (never the developer's var/), measures three paths with wrk:
#   GET /healthz              engine + one database round trip
#   GET /nulle-part           a 404 page rendered through XSLT
#   GET /assets/guichet.css   nginx alone (a static file)
# then the resident memory of every worker, and a leak check (worker RSS
# before and after BENCH_LEAK_REQUESTS more requests).  Stops the stack on
# exit, whatever happens.  Exits 1 when a target is missed, 2 when the
# bench could not run.
#
# Knobs (environment): BENCH_DURATION (10s), BENCH_THREADS (2),
# BENCH_CONNECTIONS (16), BENCH_LEAK_REQUESTS (20000), BENCH_WORKERS
# (the config's), BENCH_KEEP=1 keeps the folder, and the targets
# BENCH_MIN_HEALTHZ (5000), BENCH_MIN_PAGE (3400), BENCH_MAX_RSS_MB (30),
# BENCH_MAX_GROWTH_KB (2048).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

DURATION="${BENCH_DURATION:-10s}"
THREADS="${BENCH_THREADS:-2}"
CONNS="${BENCH_CONNECTIONS:-16}"
LEAK_REQUESTS="${BENCH_LEAK_REQUESTS:-20000}"
MIN_HEALTHZ="${BENCH_MIN_HEALTHZ:-5000}"
MIN_PAGE="${BENCH_MIN_PAGE:-3400}"
MAX_RSS_MB="${BENCH_MAX_RSS_MB:-30}"
MAX_GROWTH_KB="${BENCH_MAX_GROWTH_KB:-2048}"

if ! command -v wrk >/dev/null 2>&1; then
  echo "bench: wrk is not installed; run scripts/install-deps.sh (make deps) first" >&2
  exit 2
fi
for tool in curl python3 nginx; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is missing; run scripts/install-deps.sh" >&2; exit 2; }
done
[ -x "${GUICHET_BIN:-$ROOT/build/guichet}" ] || { echo "bench: build/guichet missing; run make" >&2; exit 2; }

# Only what this script sets reaches the stack (a shell that sourced
# `stack.sh env` for the dev stack must not leak its settings in here).
for v in $(compgen -e | grep '^GUICHET_' || true); do
  [ "$v" = GUICHET_BIN ] || unset "$v"
done

VAR="$(mktemp -d /tmp/guichet-bench-XXXXXX)"
chmod 755 "$VAR"                      # the postgres user must reach it
read -r HTTP_PORT PG_PORT SMTP_PORT IDP_PORT < <(python3 - <<'PY'
import socket
socks = []
for _ in range(4):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
)
export GUICHET_VAR="$VAR" GUICHET_HTTP_PORT="$HTTP_PORT" GUICHET_PG_PORT="$PG_PORT" \
       GUICHET_SMTP_PORT="$SMTP_PORT" GUICHET_IDP_PORT="$IDP_PORT"
# Workers are never recycled during the bench: the leak check compares
# the same processes before and after.
export GUICHET_MAX_REQUESTS=0
[ -n "${BENCH_WORKERS:-}" ] && export GUICHET_WORKERS="$BENCH_WORKERS"
BASE="http://127.0.0.1:$HTTP_PORT"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  bash "$ROOT/scripts/stack.sh" stop >/dev/null 2>&1 || true
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    echo "bench: state kept in $VAR"
  else
    rm -rf "$VAR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "bench: $(nproc) CPU(s), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "bench: load average before start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: starting a stack in $VAR (http $HTTP_PORT, postgresql $PG_PORT)"
if ! bash "$ROOT/scripts/stack.sh" start >"$VAR/stack-start.log" 2>&1; then
  cat "$VAR/stack-start.log" >&2
  tail -20 "$VAR/log/guichet.log" >&2 2>/dev/null || true
  echo "bench: the stack did not start" >&2
  exit 2
fi
echo "bench: stack up after ${SECONDS} s"

status_of() { curl -s -o /dev/null -w '%{http_code}' "$BASE$1"; }
for _ in $(seq 1 200); do
  [ "$(status_of /healthz)" = 200 ] && break
  sleep 0.1
done
# What each path must answer before it is worth timing.
check() {   # check PATH STATUS CONTENT-TYPE-PREFIX
  local got ctype
  got="$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$BASE$1")"
  ctype="${got#* }"
  if [ "${got%% *}" != "$2" ] || [ "${ctype#"$3"}" = "$ctype" ]; then
    echo "bench: GET $1 answered \"$got\", expected $2 $3" >&2
    tail -20 "$VAR/log/guichet.log" >&2 || true
    exit 2
  fi
}
check /healthz 200 application/json
check /nulle-part 404 text/html
check /assets/guichet.css 200 text/css

# slot and pid of every live worker, from the master's "child started" lines
workers() {
  python3 - "$VAR/log/guichet.log" <<'PY'
import json, os, sys
slots = {}
with open(sys.argv[1], errors="replace") as f:
    for line in f:
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if d.get("msg") == "child started" and d.get("child_role") == "worker":
            slots[int(d.get("slot", -1))] = int(d["child_pid"])
for slot, pid in sorted(slots.items()):
    if os.path.exists(f"/proc/{pid}"):
        print(slot, pid)
PY
}

rss_kb() { sed -n 's/^VmRSS:\s*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null || echo 0; }

# Parses wrk --latency output: req/s, p50 ms, p99 ms, requests, non-2xx/3xx,
# socket errors.
parse_wrk() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    n, u = float(m.group(1)), m.group(2)
    return n / 1000 if u == "us" else n if u == "ms" else n * 1000 if u == "s" else n * 60000
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
reqs = int(re.search(r"(\d+) requests in", text).group(1))
m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
non2xx = int(m.group(1)) if m else 0
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
sockerr = sum(int(x) for x in m.groups()) if m else 0
print(f"{rps:.0f} {p50:.2f} {p99:.2f} {reqs} {non2xx} {sockerr}")
PY
}

failed=0
results=()
measure() {   # measure LABEL PATH EXPECT(2xx|4xx) MIN-RPS(0: none)
  local label="$1" path="$2" expect="$3" min="$4" out="$VAR/wrk$(echo "$2" | tr '/.' '__').txt"
  local rps p50 p99 reqs non2xx sockerr verdict
  wrk -t"$THREADS" -c"$CONNS" -d2s "$BASE$path" >/dev/null 2>&1 || true    # warm-up
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 5s --latency "$BASE$path" >"$out" 2>&1
  read -r rps p50 p99 reqs non2xx sockerr < <(parse_wrk "$out" || true)
  if [ -z "${sockerr:-}" ]; then
    echo "bench: could not read wrk's output for $path:" >&2
    cat "$out" >&2
    exit 2
  fi
  verdict="ok"
  if [ "$min" -gt 0 ] && [ "$rps" -lt "$min" ]; then verdict="MISSED (< $min)"; failed=1; fi
  if [ "$expect" = 2xx ] && [ "$non2xx" -ne 0 ]; then verdict="FAILED ($non2xx non-2xx answers)"; failed=1; fi
  if [ "$expect" = 4xx ] && [ "$non2xx" -ne "$reqs" ]; then verdict="FAILED (answers other than 404)"; failed=1; fi
  if [ "$sockerr" -ne 0 ]; then verdict="$verdict, $sockerr socket errors"; failed=1; fi
  results+=("$(printf '%-34s %9s %9s %9s %10s  %s' "$label" "$rps" "$p50" "$p99" \
      "$([ "$min" -gt 0 ] && echo ">= $min" || echo "(info)")" "$verdict")")
}

echo "bench: wrk -t$THREADS -c$CONNS -d$DURATION per path, after a 2 s warm-up"
measure "GET /healthz (engine + DB)" /healthz 2xx "$MIN_HEALTHZ"
measure "GET /nulle-part (404, XSLT)" /nulle-part 4xx "$MIN_PAGE"
measure "GET /assets/guichet.css (nginx)" /assets/guichet.css 2xx 0

echo
printf '%-34s %9s %9s %9s %10s  %s\n' "path" "req/s" "p50 ms" "p99 ms" "target" "verdict"
printf '%s\n' "${results[@]}"

# --- resident memory of the workers --------------------------------
echo
mapfile -t W < <(workers)
if [ "${#W[@]}" -eq 0 ]; then
  echo "bench: no live worker found in $VAR/log/guichet.log" >&2
  exit 2
fi
max_rss=0
declare -A before
for w in "${W[@]}"; do
  read -r slot pid <<<"$w"
  kb="$(rss_kb "$pid")"
  before[$pid]="$kb"
  [ "$kb" -gt "$max_rss" ] && max_rss="$kb"
  printf 'worker slot %s pid %-7s RSS %6.1f MB\n' "$slot" "$pid" "$(echo "$kb" | awk '{print $1/1024}')"
done
if [ "$max_rss" -lt $((MAX_RSS_MB * 1024)) ]; then
  printf 'worker RSS: max %.1f MB (target < %s MB): ok\n' "$(echo "$max_rss" | awk '{print $1/1024}')" "$MAX_RSS_MB"
else
  printf 'worker RSS: max %.1f MB (target < %s MB): MISSED\n' "$(echo "$max_rss" | awk '{print $1/1024}')" "$MAX_RSS_MB"
  failed=1
fi

# --- leak check -----------------------------------------------------
# At least LEAK_REQUESTS requests alternating the database path and the
# XSLT page, in rounds of 5 s (wrk has no request count: a thread that
# stops itself still leaves wrk sleeping for the whole duration).
cat >"$VAR/leak.lua" <<'LUA'
local paths = { "/healthz", "/nulle-part" }
local sent = 0
request = function()
  sent = sent + 1
  return wrk.format("GET", paths[sent % 2 + 1])
end
LUA
done_reqs=0
for _ in $(seq 1 24); do
  [ "$done_reqs" -ge "$LEAK_REQUESTS" ] && break
  wrk -t"$THREADS" -c"$CONNS" -d5s --timeout 5s -s "$VAR/leak.lua" "$BASE/" >"$VAR/wrk-leak.txt" 2>&1
  n="$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$VAR/wrk-leak.txt")"
  done_reqs=$((done_reqs + ${n:-0}))
done
echo
echo "memory check: ${done_reqs:-0} requests (/healthz and /nulle-part alternately)"
worst=0
for w in "${W[@]}"; do
  read -r slot pid <<<"$w"
  if [ ! -d "/proc/$pid" ]; then
    echo "worker slot $slot pid $pid died during the memory check" >&2
    failed=1
    continue
  fi
  kb="$(rss_kb "$pid")"
  growth=$((kb - ${before[$pid]}))
  [ "$growth" -gt "$worst" ] && worst="$growth"
  printf 'worker slot %s pid %-7s RSS %6d kB -> %6d kB (%+d kB)\n' "$slot" "$pid" "${before[$pid]}" "$kb" "$growth"
done
if [ "${done_reqs:-0}" -lt $((LEAK_REQUESTS * 95 / 100)) ]; then
  echo "memory check: only ${done_reqs:-0} of $LEAK_REQUESTS requests were made: FAILED"
  failed=1
elif [ "$worst" -lt "$MAX_GROWTH_KB" ]; then
  echo "memory check: largest growth ${worst} kB (target < ${MAX_GROWTH_KB} kB): ok"
else
  echo "memory check: largest growth ${worst} kB (target < ${MAX_GROWTH_KB} kB): MISSED"
  failed=1
fi

# --- the real pages, logged in, on seeded data (bench/pages.sh) ------
if [ "${BENCH_PAGES:-1}" = 1 ]; then
  # shellcheck source=bench/pages.sh
  . "$ROOT/bench/pages.sh"
fi

echo
echo "bench: load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$failed" -ne 0 ]; then
  echo "bench: at least one target missed (see bench/README.md)"
  exit 1
fi
echo "bench: every target met"

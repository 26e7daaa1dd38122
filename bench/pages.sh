# SPDX-License-Identifier: AGPL-3.0-or-later
# pages.sh -- the real pages, logged in, on seeded data (sourced by
# bench/run.sh, which provides BASE, VAR, THREADS, DURATION, parse_wrk,
# workers, rss_kb and the variable failed).
#
# Seeds BENCH_DEMANDS demands (bench/seed.sql) with sessions for a citizen,
# a company member and an agent, then measures through nginx, at 16 and 64
# connections: the dashboard, a demand page, a form page, the agent queue,
# a page save and a transition.  For each: req/s, p50, p99, CPU per request
# of the engine's workers, of PostgreSQL (every process of the cluster) and
# of nginx (from /proc/PID/stat), and statements per request (from
# pg_stat_statements, every top-level statement of the guichet database).
# Then pgbench tpcb-like on the same cluster, the worker memory over
# BENCH_PAGE_LEAK_REQUESTS page requests, and, when BENCH_DEMANDS_LARGE is
# set (1000000), the whole table grown to that size and the reads again.

N_DEMANDS="${BENCH_DEMANDS:-10000}"
N_LARGE="${BENCH_DEMANDS_LARGE:-0}"
N_WRITES="${BENCH_WRITES:-15000}"
PAGE_LEAK="${BENCH_PAGE_LEAK_REQUESTS:-20000}"
PAGE_CONNS="${BENCH_PAGE_CONNECTIONS:-16 64}"
MAX_CPU_PAGE="${BENCH_MAX_CPU_PAGE:-1000}"     # µs: dashboard, demand page
MAX_CPU_LIGHT="${BENCH_MAX_CPU_LIGHT:-800}"    # µs: form page, queue
MAX_PAGE_RSS_MB="${BENCH_MAX_PAGE_RSS_MB:-16}"
MAX_P99_DASH="${BENCH_MAX_P99_DASHBOARD:-25}"  # ms at 16 connections

super_sql() {   # super_sql DB: psql as postgres on stdin
  PGPASSWORD="$(cat "$VAR/pg-super-password")" psql -X -qAt -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" "${@:2}"
}
app_sql() {
  PGPASSWORD="$(cat "$VAR/pg-guichet-password")" psql -X -qAt -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PG_PORT" -U guichet -d guichet "$@"
}

cookie_of() { printf 'guichet_session=%s' "$(printf '%-43s' "$1" | tr ' ' A)"; }
csrf_of() { printf '%-43s' "$1Csrf" | tr ' ' B; }

# CPU ticks (user + system) of a list of pids
ticks() {
  local t=0 pid f
  for pid in "$@"; do
    f="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    f="${f##*) }"
    set -- $f
    t=$((t + ${12} + ${13}))
  done
  echo "$t"
}
pg_pids() {
  local pm; pm="$(head -1 "$VAR/pg/data/postmaster.pid")"
  echo "$pm" $(pgrep -P "$pm")
}
nginx_pids() {
  local m; m="$(cat "$VAR/nginx/nginx.pid")"
  echo "$m" $(pgrep -P "$m")
}
engine_pids() { workers | awk '{print $2}'; }
statements() {
  super_sql guichet -c "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s
                         JOIN pg_database d ON d.oid = s.dbid
                        WHERE d.datname = 'guichet' AND s.query NOT LIKE '%pg_stat_statements%'"
}
HZ="$(getconf CLK_TCK)"

echo
echo "bench: pages: seeding $N_DEMANDS demands ($N_WRITES spare drafts and submitted)"
super_sql guichet -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
t0=$SECONDS
app_sql -v from=1 -v to="$N_DEMANDS" -v writes="$N_WRITES" -f "$ROOT/bench/seed.sql" >/dev/null
echo "bench: seeded in $((SECONDS - t0)) s"

# the objects the pages show
read -r DEMAND_ID DRAFT_ID < <(app_sql -F ' ' -c "
  SELECT (SELECT d.id FROM demands d JOIN events e ON e.demand_id = d.id LIMIT 1),
         (SELECT id FROM demands WHERE reference LIKE '2019-%' AND state = 'draft'
           ORDER BY reference LIMIT 1)")
app_sql -c "SELECT id FROM demands WHERE reference LIKE '2019-%' AND state = 'draft'
             ORDER BY reference" >"$VAR/drafts.txt"
app_sql -c "SELECT id FROM demands WHERE reference LIKE '2019-%' AND state = 'submitted'
             ORDER BY reference" >"$VAR/submitted.txt"

# wrk scripts: each thread walks its own share of an id list
cat >"$VAR/walk.lua" <<'LUA'
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
local ids, n, nthreads = {}, 0, tonumber(os.getenv("BENCH_NTHREADS"))
function init(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
  n = tid
end
request = function()
  local id = ids[(n % #ids) + 1]
  n = n + nthreads
  local path = string.gsub(os.getenv("BENCH_PATH"), "ID", id)
  return wrk.format("POST", path,
                    { ["Content-Type"] = "application/x-www-form-urlencoded",
                      ["Cookie"] = os.getenv("BENCH_COOKIE") },
                    os.getenv("BENCH_BODY"))
end
LUA
export BENCH_NTHREADS="$THREADS"

page_results=()
declare -A P50
# measure_page LABEL SCALE CONNS TARGET_US KIND PATH [COOKIE] [IDS BODY]
measure_page() {
  local label="$1" scale="$2" conns="$3" target="$4" kind="$5" path="$6" cookie="$7"
  local out="$VAR/wrk-page-$RANDOM.txt" e0 p0 n0 s0 e1 p1 n1 s1 rps p50 p99 reqs non2xx sockerr
  local verdict="ok" eng pg ngx st machine
  local -a args=(-t"$THREADS" -c"$conns" --timeout 5s --latency)
  if [ "$kind" = post ]; then
    export BENCH_IDS="$8" BENCH_BODY="$9" BENCH_PATH="$path" BENCH_COOKIE="$cookie"
    args+=(-s "$VAR/walk.lua")
  else
    args+=(-H "Cookie: $cookie")
    wrk "${args[@]}" -d2s "$BASE$path" >/dev/null 2>&1 || true     # warm-up
  fi
  local E P X
  E="$(engine_pids)"; P="$(pg_pids)"; X="$(nginx_pids)"
  e0="$(ticks $E)"; p0="$(ticks $P)"; n0="$(ticks $X)"; s0="$(statements)"
  wrk "${args[@]}" -d"$DURATION" "$BASE$path" >"$out" 2>&1
  e1="$(ticks $E)"; p1="$(ticks $P)"; n1="$(ticks $X)"; s1="$(statements)"
  read -r rps p50 p99 reqs non2xx sockerr < <(parse_wrk "$out" || true)
  if [ -z "${sockerr:-}" ] || [ "${reqs:-0}" -eq 0 ]; then
    echo "bench: could not read wrk's output for $path:" >&2
    cat "$out" >&2
    failed=1
    return
  fi
  eng=$(( (e1 - e0) * 1000000 / HZ / reqs ))
  pg=$(( (p1 - p0) * 1000000 / HZ / reqs ))
  ngx=$(( (n1 - n0) * 1000000 / HZ / reqs ))
  machine=$((eng + pg + ngx))
  st="$(awk -v a="$s0" -v b="$s1" -v n="$reqs" 'BEGIN { printf "%.1f", (b - a - 2) / n }')"
  P50["$label@$scale@$conns"]="$p50"
  if [ "$non2xx" -ne 0 ] || [ "$sockerr" -ne 0 ]; then
    verdict="FAILED ($non2xx non-2xx/3xx, $sockerr socket errors)"
    failed=1
  elif [ "$target" -gt 0 ] && [ "$machine" -gt "$target" ]; then
    verdict="MISSED (CPU > $target µs)"
    failed=1
  fi
  if [ "$label" = dashboard ] && [ "$conns" = 16 ] \
     && awk -v a="$p99" -v b="$MAX_P99_DASH" 'BEGIN { exit !(a >= b) }'; then
    verdict="$verdict; p99 MISSED (>= $MAX_P99_DASH ms)"
    failed=1
  fi
  page_results+=("$(printf '%-10s %-9s %4s %7s %7s %8s %7s %7s %6s %7s %5s  %s' "$label" "$scale" \
      "$conns" "$rps" "$p50" "$p99" "$eng" "$pg" "$ngx" "$machine" "$st" "$verdict")")
}

SAVE_BODY="csrf=$(csrf_of benchCarlaAtelier)&nav=save&project-title=Festival+du+banc&discipline=music&description=Un+festival+de+musique+sur+les+bancs+publics+de+la+ville%2C+trois+jours+en+juin.&start-date=01.06.2027&end-date=03.06.2027&place=Lausanne"
TAKE_BODY="csrf=$(csrf_of benchAgnes)&version=1"

read_pages() {   # read_pages SCALE CONNS
  measure_page dashboard "$1" "$2" "$MAX_CPU_PAGE" get /dashboard "$(cookie_of benchCarla)"
  measure_page demand "$1" "$2" "$MAX_CPU_PAGE" get "/demands/$DEMAND_ID" "$(cookie_of benchCarla)"
  measure_page form "$1" "$2" "$MAX_CPU_LIGHT" get "/demands/$DRAFT_ID/page/project" \
      "$(cookie_of benchCarlaAtelier)"
  measure_page queue "$1" "$2" "$MAX_CPU_LIGHT" get /agent/serac "$(cookie_of benchAgnes)"
  measure_page citizen "$1" "$2" 0 get /dashboard "$(cookie_of benchAlice)"
}

# every page must answer before it is worth timing
for chk in "/dashboard benchCarla" "/demands/$DEMAND_ID benchCarla" \
           "/demands/$DRAFT_ID/page/project benchCarlaAtelier" "/agent/serac benchAgnes"; do
  set -- $chk
  code="$(curl -s -o "$VAR/check.html" -w '%{http_code}' -H "Cookie: $(cookie_of "$2")" "$BASE$1")"
  if [ "$code" != 200 ]; then
    echo "bench: GET $1 as $2 answered $code" >&2
    tail -5 "$VAR/log/guichet.log" >&2
    exit 2
  fi
done

echo "bench: pages at $N_DEMANDS demands, wrk -t$THREADS -d$DURATION, connections: $PAGE_CONNS"
for c in $PAGE_CONNS; do
  read_pages "$N_DEMANDS" "$c"
  measure_page save "$N_DEMANDS" "$c" 0 post "/demands/ID/page/project" \
      "$(cookie_of benchCarlaAtelier)" "$VAR/drafts.txt" "$SAVE_BODY"
  measure_page take "$N_DEMANDS" "$c" 0 post "/demands/ID/fire/take" \
      "$(cookie_of benchAgnes)" "$VAR/submitted.txt" "$TAKE_BODY"
  # the next round takes demands not taken yet
  app_sql -c "SELECT id FROM demands WHERE reference LIKE '2019-%' AND state = 'submitted'
               ORDER BY reference" >"$VAR/submitted.txt"
done

# pgbench tpcb-like on the same cluster, for the write targets
super_sql postgres -c "DROP DATABASE IF EXISTS bench_pgbench" -c "CREATE DATABASE bench_pgbench" >/dev/null
PGPASSWORD="$(cat "$VAR/pg-super-password")" pgbench -q -i -s 1 -h 127.0.0.1 -p "$PG_PORT" \
    -U postgres bench_pgbench >/dev/null 2>&1
PGBENCH_TPS="$(PGPASSWORD="$(cat "$VAR/pg-super-password")" pgbench -c 16 -j "$THREADS" \
    -T "${DURATION%s}" -h 127.0.0.1 -p "$PG_PORT" -U postgres bench_pgbench 2>/dev/null \
    | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)"
PGBENCH_TPS="${PGBENCH_TPS%.*}"

if [ "$N_LARGE" -gt "$N_DEMANDS" ]; then
  echo "bench: growing the table to $N_LARGE demands"
  t0=$SECONDS
  app_sql -v from=$((N_DEMANDS + 1)) -v to="$N_LARGE" -v writes=0 -f "$ROOT/bench/seed.sql" >/dev/null
  echo "bench: grown in $((SECONDS - t0)) s"
  read_pages "$N_LARGE" 16
fi

echo
printf '%-10s %-9s %4s %7s %7s %8s %7s %7s %6s %7s %5s  %s\n' page demands conn "req/s" "p50 ms" "p99 ms" \
    "eng µs" "pg µs" "ngx µs" "all µs" "stmts" verdict
printf '%s\n' "${page_results[@]}"
echo "pgbench tpcb-like (16 connections): ${PGBENCH_TPS:-?} tps"

# writes against pgbench; reads at scale against the small table
for line in "${page_results[@]}"; do
  set -- $line
  if { [ "$1" = save ] || [ "$1" = take ]; } && [ "$3" = 16 ] && [ -n "${PGBENCH_TPS:-}" ]; then
    if [ "$4" -ge $((PGBENCH_TPS / 2)) ]; then v=ok; else v=MISSED; failed=1; fi
    echo "$1: $4 req/s, target >= 50 % of pgbench ($((PGBENCH_TPS / 2))): $v"
  fi
done
if [ "$N_LARGE" -gt "$N_DEMANDS" ]; then
  for page in dashboard queue; do
    a="${P50[$page@$N_DEMANDS@16]:-}"; b="${P50[$page@$N_LARGE@16]:-}"
    [ -n "$a" ] && [ -n "$b" ] || continue
    if awk -v a="$a" -v b="$b" 'BEGIN { exit !(b <= 1.5 * a) }'; then v=ok; else v=MISSED; failed=1; fi
    echo "$page: p50 $b ms at $N_LARGE vs $a ms at $N_DEMANDS, target <= 1.5x: $v"
  done
fi

# worker memory over many page requests
cat >"$VAR/pages.lua" <<LUA
local paths = { "/dashboard", "/demands/$DEMAND_ID", "/agent/serac" }
local cookies = { "$(cookie_of benchCarla)", "$(cookie_of benchCarla)", "$(cookie_of benchAgnes)" }
local sent = 0
request = function()
  sent = sent + 1
  local k = sent % 3 + 1
  return wrk.format("GET", paths[k], { ["Cookie"] = cookies[k] })
end
LUA
declare -A rss0
for w in $(engine_pids); do rss0[$w]="$(rss_kb "$w")"; done
done_reqs=0
for _ in $(seq 1 100); do
  [ "$done_reqs" -ge "$PAGE_LEAK" ] && break
  wrk -t"$THREADS" -c16 -d5s --timeout 5s -s "$VAR/pages.lua" "$BASE/" >"$VAR/wrk-pleak.txt" 2>&1
  n="$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$VAR/wrk-pleak.txt")"
  done_reqs=$((done_reqs + ${n:-0}))
done
worst=0; top=0
for w in $(engine_pids); do
  kb="$(rss_kb "$w")"
  g=$((kb - ${rss0[$w]:-$kb}))
  [ "$g" -gt "$worst" ] && worst="$g"
  [ "$kb" -gt "$top" ] && top="$kb"
done
if [ "$top" -le $((MAX_PAGE_RSS_MB * 1024)) ] && [ "$worst" -lt "$MAX_GROWTH_KB" ]; then v=ok; else v=MISSED; failed=1; fi
printf 'worker RSS after %d page requests: max %.1f MB (target <= %s MB), largest growth %d kB: %s\n' \
    "$done_reqs" "$(echo "$top" | awk '{print $1/1024}')" "$MAX_PAGE_RSS_MB" "$worst" "$v"

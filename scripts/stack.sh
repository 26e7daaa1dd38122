#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# stack.sh -- starts and stops the whole Guichet stack on loopback:
#   a private PostgreSQL 15 cluster   (GUICHET_PG_PORT,   default 5433)
#   the SMTP sink (aiosmtpd, Maildir) (GUICHET_SMTP_PORT, default 2525)
#   the OpenID Connect provider       (GUICHET_IDP_PORT,  default 9400)
#   ClamAV's clamd                    (unix socket under the state folder,
#                                      the test signature only: see clamd_start)
#   the engine (guichet serve)        (unix socket under the state folder)
#   nginx                             (GUICHET_HTTP_PORT, default 8080)
# State lives in GUICHET_VAR (default ./var), so tests can run a second
# stack side by side on other ports.  GUICHET_DEMO=yes (make demo) loads
# the demo world after the engine starts (scripts/demo_world.py) and lets
# the engine's home page list the demo accounts (config key demo).
# GUICHET_ENGINES=2 starts a second engine (its own socket, pid file and
# log, same database) and puts both sockets in nginx's upstream, as two
# engine hosts would be.  GUICHET_ENGINE_TCP=1 with it starts the engines
# from the second on over FastCGI on TCP instead (listen = 127.0.0.1:PORT,
# a free port kept in $VAR/run/guichetN.port, or GUICHET_ENGINE_TCP_PORT
# for the second; listen_allow = 127.0.0.1), as `server 127.0.0.1:PORT;`
# in nginx's upstream: the several-hosts setup of docs/operations.md.
# GUICHET_PG_STANDBY_PORT names a streaming standby (the failover test
# builds it): the engine's connection string then lists both servers.
#
# usage: stack.sh start|stop|restart|status|env [component...]
#        components: pg smtp idp clamd engine nginx (default: all)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VAR="${GUICHET_VAR:-$ROOT/var}"
mkdir -p "$VAR"
VAR="$(cd "$VAR" && pwd)"
HTTP_PORT="${GUICHET_HTTP_PORT:-8080}"
PG_PORT="${GUICHET_PG_PORT:-5433}"
IDP_PORT="${GUICHET_IDP_PORT:-9400}"
SMTP_PORT="${GUICHET_SMTP_PORT:-2525}"
PGBIN=/usr/lib/postgresql/15/bin
GUICHET="${GUICHET_BIN:-$ROOT/build/guichet}"
ENGINES="${GUICHET_ENGINES:-1}"; unset GUICHET_ENGINES   # not an engine setting
ENGINE_TCP="${GUICHET_ENGINE_TCP:-}"; unset GUICHET_ENGINE_TCP   # nor this

as_pg() {   # PostgreSQL refuses to run as root: use its system user then
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

secret_file() {   # a random secret kept in the state folder
  local f="$VAR/$1"
  [ -s "$f" ] || (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$f")
  cat "$f"
}

engine_port() {   # engine_port N: engine N's TCP port, chosen once and kept
  local f="$VAR/run/guichet$1.port"
  if [ ! -s "$f" ]; then
    mkdir -p "$VAR/run"
    if [ "$1" = 2 ] && [ -n "${GUICHET_ENGINE_TCP_PORT:-}" ]; then
      echo "$GUICHET_ENGINE_TCP_PORT" > "$f"
    else
      /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' > "$f"
    fi
  fi
  cat "$f"
}

engine_listening() {   # engine_listening ADDRESS: its socket or port answers
  case "$1" in
    /*) test -S "$1" ;;
    *) /usr/bin/python3 -c 'import socket, sys
h, p = sys.argv[1].rsplit(":", 1); socket.create_connection((h, int(p)), 1).close()' "$1" 2>/dev/null ;;
  esac
}

engine_env() {   # engine_env [N]: the environment of engine N (default 1)
  local pw n="${1:-1}"; [ "$n" -gt 1 ] || n=""
  pw="$(cat "$VAR/pg/guichet-password" 2>/dev/null || true)"
  export GUICHET_CONFIG="$ROOT/etc/guichet.dev.conf"
  export TZ="${TZ:-Europe/Zurich}"     # durations are civil days and months
  export GUICHET_ROOT="$ROOT"
  export GUICHET_LISTEN="$VAR/run/guichet$n.sock"
  unset GUICHET_LISTEN_ALLOW
  if [ -n "$n" ] && [ -n "$ENGINE_TCP" ]; then   # engine N over TCP
    export GUICHET_LISTEN="127.0.0.1:$(engine_port "$n")"
    export GUICHET_LISTEN_ALLOW="127.0.0.1"
  fi
  export GUICHET_PID_FILE="$VAR/run/guichet$n.pid"
  # GUICHET_PG_STANDBY_PORT: a streaming standby there too; libpq finds the primary
  local sb="${GUICHET_PG_STANDBY_PORT:-}"
  export GUICHET_DATABASE="host=127.0.0.1${sb:+,127.0.0.1} port=$PG_PORT${sb:+,$sb} dbname=guichet user=guichet password=$pw${sb:+ target_session_attrs=read-write connect_timeout=3}"
  export GUICHET_BASE_URL="http://127.0.0.1:$HTTP_PORT"
  export GUICHET_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"
  export GUICHET_SECRET="$(secret_file engine-secret)"
  export GUICHET_CLAMD_SOCKET="$VAR/run/clamd.sock"
  if [ -f "$ROOT/scripts/idp/idp.mjs" ]; then
    export GUICHET_IDP_DEV_ISSUER="http://127.0.0.1:$IDP_PORT"
    export GUICHET_IDP_DEV_CLIENT_ID="guichet-dev"
    export GUICHET_IDP_DEV_CLIENT_SECRET="$(secret_file idp-client-secret)"
    export GUICHET_IDP_DEV_LABEL="Fournisseur d'identité de test"
    export GUICHET_IDP_DEV_ACR_STRONG="urn:guichet:acr:strong"
  fi
  if [ "$(id -u)" -eq 0 ]; then export GUICHET_SOCKET_GROUP=www-data; fi
}

wait_for() {   # wait_for SECONDS CMD...: retry CMD until it succeeds
  local t="$1"; shift
  local end=$((SECONDS + t))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$end" ]; then return 1; fi
    sleep 0.1
  done
}

pg_start() {
  local data="$VAR/pg/data"
  mkdir -p "$VAR/pg" "$VAR/log"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$VAR/pg"
  if [ ! -s "$data/PG_VERSION" ]; then
    secret_file pg-super-password >/dev/null
    install -m 600 "$VAR/pg-super-password" "$VAR/pg/superpw"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$VAR/pg/superpw"
    as_pg "$PGBIN/initdb" -D "$data" -U postgres --pwfile="$VAR/pg/superpw" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    mkdir -p "$VAR/pg/run"; [ "$(id -u)" -eq 0 ] && chown postgres: "$VAR/pg/run"
    cat >> "$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$VAR/pg/run'
synchronous_commit = on
max_connections = 200
shared_buffers = 256MB
log_min_messages = warning
# statement counts per page (bench/run.sh, tests/integration/test_round_trips.py)
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
CONF
  fi
  sed -i "s/^port = .*//" "$data/postgresql.conf"
  echo "port = $PG_PORT" >> "$data/postgresql.conf"
  if ! as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$data" -l "$VAR/pg/server.log" -w -t 30 start >/dev/null
  fi
  local pw; pw="$(secret_file pg-guichet-password)"
  cp "$VAR/pg-guichet-password" "$VAR/pg/guichet-password"
  PGPASSWORD="$(cat "$VAR/pg-super-password")" psql -qAt -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
    -v ON_ERROR_STOP=1 -v pw="$pw" >/dev/null <<'SQL'
SELECT format('CREATE ROLE guichet LOGIN PASSWORD %L', :'pw')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'guichet') \gexec
SELECT 'CREATE DATABASE guichet OWNER guichet ENCODING ''UTF8'''
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'guichet') \gexec
SQL
  echo "postgresql: 127.0.0.1:$PG_PORT"
}

pg_stop() {
  local data="$VAR/pg/data"
  [ -d "$data" ] || return 0
  as_pg "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

detach() {   # runs a service in the background, in its own session, with no
             # inherited descriptor but the log it is given (a caller waiting
             # on our output must not wait on the service too)
  (
    for fd in $(ls /proc/$BASHPID/fd); do
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
    done 2>/dev/null
    exec setsid "$@" </dev/null
  ) &
  LAST_PID=$!
}

pidfile_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pidfile() {   # stop_pidfile FILE: TERM, wait, KILL
  local f="$1" pid
  pidfile_alive "$f" || { rm -f "$f"; return 0; }
  pid="$(cat "$f")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$f"
}

smtp_start() {
  # aiosmtpd's Mailbox only makes tmp/new/cur for a folder it creates itself
  mkdir -p "$VAR/mail/tmp" "$VAR/mail/new" "$VAR/mail/cur" "$VAR/run" "$VAR/log"
  pidfile_alive "$VAR/run/smtp.pid" && return 0
  detach /usr/bin/python3 "$ROOT/scripts/smtp_sink.py" 127.0.0.1 "$SMTP_PORT" "$VAR/mail" \
    >>"$VAR/log/smtp.log" 2>&1
  echo "$LAST_PID" > "$VAR/run/smtp.pid"
  wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$SMTP_PORT" || { echo "smtp sink did not start" >&2; return 1; }
  echo "smtp sink: 127.0.0.1:$SMTP_PORT (mail in $VAR/mail)"
}

idp_start() {
  [ -f "$ROOT/scripts/idp/idp.mjs" ] || return 0
  mkdir -p "$VAR/run" "$VAR/log"
  pidfile_alive "$VAR/run/idp.pid" && return 0
  engine_env
  GUICHET_IDP_PORT="$IDP_PORT" IDP_CLIENT_SECRET="$GUICHET_IDP_DEV_CLIENT_SECRET" \
  IDP_REDIRECT_BASE="$GUICHET_BASE_URL" \
    detach node "$ROOT/scripts/idp/idp.mjs" >>"$VAR/log/idp.log" 2>&1
  echo "$LAST_PID" > "$VAR/run/idp.pid"
  wait_for 20 curl -sf "http://127.0.0.1:$IDP_PORT/.well-known/openid-configuration" \
    || { echo "identity provider did not start (see $VAR/log/idp.log)" >&2; return 1; }
  echo "identity provider: http://127.0.0.1:$IDP_PORT"
}

clamd_start() {
  # Debian's clamd on its own socket and configuration, with the database
  # the project ships for tests (tests/fixtures/clamav: the EICAR test
  # signature, nothing else), never freshclam: no download, a start in a
  # second.  Production uses the system clamd and freshclam's databases
  # (docs/runtime.md).  GUICHET_AV=off (development without clamd) skips it.
  [ "${GUICHET_AV:-clamd}" = off ] && return 0
  mkdir -p "$VAR/clamav/db" "$VAR/clamav/tmp" "$VAR/run" "$VAR/log"
  pidfile_alive "$VAR/run/clamd.pid" && return 0
  [ -x /usr/sbin/clamd ] || { echo "clamd missing: run scripts/install-deps.sh (clamav-daemon)" >&2; return 1; }
  rm -f "$VAR/clamav/db/"* "$VAR/run/clamd.sock"
  cp "$ROOT/tests/fixtures/clamav/"*.ndb "$VAR/clamav/db/"
  # StreamMaxLength and MaxFileSize above the engine's max_upload (10 MiB):
  # a file clamd would only partly read is refused, never passed
  cat > "$VAR/clamav/clamd.conf" <<CONF
Foreground yes
LocalSocket $VAR/run/clamd.sock
LocalSocketMode 660
DatabaseDirectory $VAR/clamav/db
TemporaryDirectory $VAR/clamav/tmp
StreamMaxLength 11M
MaxFileSize 11M
MaxThreads 2
MaxQueue 20
SelfCheck 0
Bytecode no
CONF
  detach /usr/sbin/clamd -c "$VAR/clamav/clamd.conf" >>"$VAR/log/clamd.log" 2>&1
  echo "$LAST_PID" > "$VAR/run/clamd.pid"
  wait_for 60 /usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"zPING\0")
sys.exit(s.recv(8) != b"PONG\0")' "$VAR/run/clamd.sock" \
    || { echo "clamd did not start (see $VAR/log/clamd.log)" >&2; return 1; }
  echo "clamd: $VAR/run/clamd.sock"
}

engine_start() {
  mkdir -p "$VAR/run" "$VAR/log"
  [ -x "$GUICHET" ] || { echo "build/guichet missing: run make" >&2; return 1; }
  local i log
  for ((i = 1; i <= ENGINES; i++)); do
    engine_env "$i"
    log="$VAR/log/$(basename "$GUICHET_PID_FILE" .pid).log"
    pidfile_alive "$GUICHET_PID_FILE" && continue
    "$GUICHET" migrate >>"$VAR/log/migrate.log" 2>&1 || { cat "$VAR/log/migrate.log" >&2; return 1; }
    (cd "$ROOT" && detach "$GUICHET" serve >>"$log" 2>&1)
    wait_for 20 engine_listening "$GUICHET_LISTEN" || { echo "engine did not start (see $log)" >&2; return 1; }
    echo "engine: $GUICHET_LISTEN"
  done
}

engine_stop() {
  local f
  for f in "$VAR"/run/guichet*.pid; do [ -e "$f" ] && stop_pidfile "$f"; done
  return 0
}

nginx_start() {
  mkdir -p "$VAR/nginx" "$VAR/log" "$VAR/run"
  sed -e "s|@VAR@|$VAR|g" -e "s|@ROOT@|$ROOT|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" \
      -e "s|@SOCKET@|$VAR/run/guichet.sock|g" "$ROOT/nginx/guichet-dev.conf.in" > "$VAR/nginx/nginx.conf"
  if [ "$(id -u)" -eq 0 ]; then sed -i '1i user www-data;' "$VAR/nginx/nginx.conf"; fi
  local i
  local server
  for ((i = ENGINES; i >= 2; i--)); do   # the other engines join the upstream
    server="unix:$VAR/run/guichet$i.sock"
    [ -z "$ENGINE_TCP" ] || server="127.0.0.1:$(engine_port "$i")"
    sed -i "s|^\( *\)server unix:$VAR/run/guichet.sock;|&\n\1server $server;|" \
      "$VAR/nginx/nginx.conf"
  done
  if pidfile_alive "$VAR/nginx/nginx.pid"; then
    nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -s reload
  else
    nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$VAR/log/nginx-error.log"
  fi
  wait_for 10 curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/assets/guichet.css" \
    || { echo "nginx did not start" >&2; return 1; }
  echo "nginx: http://127.0.0.1:$HTTP_PORT"
}

nginx_stop() {
  if pidfile_alive "$VAR/nginx/nginx.pid"; then
    nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$VAR/log/nginx-error.log" -s quit || true
    for _ in $(seq 1 50); do pidfile_alive "$VAR/nginx/nginx.pid" || break; sleep 0.1; done
  fi
}

demo_world_load() {   # the demo world (data/demo/world.json), idempotently
  engine_env
  GUICHET_BIN="$GUICHET" /usr/bin/python3 "$ROOT/scripts/demo_world.py" \
    || { echo "demo world not loaded (see above)" >&2; return 1; }
}

ALL=(pg smtp idp clamd engine nginx)
cmd="${1:-status}"; shift || true
comps=("$@"); [ ${#comps[@]} -gt 0 ] || comps=("${ALL[@]}")

case "$cmd" in
  start)
    for c in "${comps[@]}"; do "${c}_start"; done
    if [ "${GUICHET_DEMO:-no}" = yes ] && [[ " ${comps[*]} " == *" engine "* ]]; then
      demo_world_load
    fi
    if [ $# -eq 0 ]; then
      echo
      echo "Guichet is running: http://127.0.0.1:$HTTP_PORT"
      echo "Stop it with: make stop"
    fi ;;
  stop)
    for ((i=${#comps[@]}-1; i>=0; i--)); do
      case "${comps[$i]}" in
        pg) pg_stop ;; smtp) stop_pidfile "$VAR/run/smtp.pid" ;;
        idp) stop_pidfile "$VAR/run/idp.pid" ;; engine) engine_stop ;; nginx) nginx_stop ;;
        clamd) stop_pidfile "$VAR/run/clamd.pid" ;;
      esac
    done ;;
  restart) "$0" stop "${comps[@]}"; "$0" start "${comps[@]}" ;;
  env) engine_env; env | grep '^GUICHET_' | sed 's/^/export /' ;;
  status)
    pidfile_alive "$VAR/nginx/nginx.pid" && echo "nginx: up" || echo "nginx: down"
    engine_env; pidfile_alive "$GUICHET_PID_FILE" && echo "engine: up" || echo "engine: down"
    pidfile_alive "$VAR/run/clamd.pid" && echo "clamd: up" || echo "clamd: down"
    as_pg "$PGBIN/pg_ctl" -D "$VAR/pg/data" status >/dev/null 2>&1 && echo "postgresql: up" || echo "postgresql: down" ;;
  *) echo "usage: $0 start|stop|restart|status|env [pg smtp idp clamd engine nginx]" >&2; exit 2 ;;
esac

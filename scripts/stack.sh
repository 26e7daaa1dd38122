#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# stack.sh -- starts and stops the whole Guichet stack on loopback:
#   a private PostgreSQL 15 cluster   (GUICHET_PG_PORT,   default 5433)
#   the SMTP sink (aiosmtpd, Maildir) (GUICHET_SMTP_PORT, default 2525)
#   the OpenID Connect provider       (GUICHET_IDP_PORT,  default 9400)
#   the engine (guichet serve)        (unix socket under the state folder)
#   nginx                             (GUICHET_HTTP_PORT, default 8080)
# State lives in GUICHET_VAR (default ./var), so tests can run a second
# stack side by side on other ports.
#
# usage: stack.sh start|stop|restart|status|env [component...]
#        components: pg smtp idp engine nginx (default: all)
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

as_pg() {   # PostgreSQL refuses to run as root: use its system user then
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

secret_file() {   # a random secret kept in the state folder
  local f="$VAR/$1"
  [ -s "$f" ] || (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$f")
  cat "$f"
}

engine_env() {
  local pw; pw="$(cat "$VAR/pg/guichet-password" 2>/dev/null || true)"
  export GUICHET_CONFIG="$ROOT/etc/guichet.dev.conf"
  export TZ="${TZ:-Europe/Zurich}"     # durations are civil days and months
  export GUICHET_ROOT="$ROOT"
  export GUICHET_LISTEN="$VAR/run/guichet.sock"
  export GUICHET_PID_FILE="$VAR/run/guichet.pid"
  export GUICHET_DATABASE="host=127.0.0.1 port=$PG_PORT dbname=guichet user=guichet password=$pw"
  export GUICHET_BASE_URL="http://127.0.0.1:$HTTP_PORT"
  export GUICHET_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"
  export GUICHET_SECRET="$(secret_file engine-secret)"
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

engine_start() {
  mkdir -p "$VAR/run" "$VAR/log"
  [ -x "$GUICHET" ] || { echo "build/guichet missing: run make" >&2; return 1; }
  engine_env
  pidfile_alive "$GUICHET_PID_FILE" && return 0
  "$GUICHET" migrate >>"$VAR/log/migrate.log" 2>&1 || { cat "$VAR/log/migrate.log" >&2; return 1; }
  (cd "$ROOT" && detach "$GUICHET" serve >>"$VAR/log/guichet.log" 2>&1)
  wait_for 20 test -S "$GUICHET_LISTEN" || { echo "engine did not start (see $VAR/log/guichet.log)" >&2; return 1; }
  echo "engine: $GUICHET_LISTEN"
}

engine_stop() {
  engine_env
  stop_pidfile "$GUICHET_PID_FILE"
}

nginx_start() {
  mkdir -p "$VAR/nginx" "$VAR/log" "$VAR/run"
  sed -e "s|@VAR@|$VAR|g" -e "s|@ROOT@|$ROOT|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" \
      -e "s|@SOCKET@|$VAR/run/guichet.sock|g" "$ROOT/nginx/guichet-dev.conf.in" > "$VAR/nginx/nginx.conf"
  if [ "$(id -u)" -eq 0 ]; then sed -i '1i user www-data;' "$VAR/nginx/nginx.conf"; fi
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

ALL=(pg smtp idp engine nginx)
cmd="${1:-status}"; shift || true
comps=("$@"); [ ${#comps[@]} -gt 0 ] || comps=("${ALL[@]}")

case "$cmd" in
  start)
    for c in "${comps[@]}"; do "${c}_start"; done
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
      esac
    done ;;
  restart) "$0" stop "${comps[@]}"; "$0" start "${comps[@]}" ;;
  env) engine_env; env | grep '^GUICHET_' | sed 's/^/export /' ;;
  status)
    pidfile_alive "$VAR/nginx/nginx.pid" && echo "nginx: up" || echo "nginx: down"
    engine_env; pidfile_alive "$GUICHET_PID_FILE" && echo "engine: up" || echo "engine: down"
    as_pg "$PGBIN/pg_ctl" -D "$VAR/pg/data" status >/dev/null 2>&1 && echo "postgresql: up" || echo "postgresql: down" ;;
  *) echo "usage: $0 start|stop|restart|status|env [pg smtp idp engine nginx]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# The local runner: migrate, generate the nginx config into $TANDEM_DATA,
# start `tandem serve` and nginx in the foreground. Ctrl-C or SIGTERM stops
# both. Used by `make run`, the test harness and the benchmark.
set -euo pipefail
umask 077
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# Values that end up in nginx's config or in paths root writes: only the
# characters they need.
check() { [[ "$2" =~ $3 ]] || { echo "run.sh: $1='$2' is not valid" >&2; exit 1; }; }
check TANDEM_PORT "${TANDEM_PORT:-8080}" '^[0-9]{1,5}$'
check TANDEM_LOGIN_RATE "${TANDEM_LOGIN_RATE:-10r/s}" '^[0-9]+r/[sm]$'
check TANDEM_LOGIN_BURST "${TANDEM_LOGIN_BURST:-20}" '^[0-9]{1,6}$'
check TANDEM_NGINX_WORKERS "${TANDEM_NGINX_WORKERS:-1}" '^([0-9]{1,3}|auto)$'
# Paths: nothing sed or nginx's syntax would read as more than a path.
path_ok='^[^]|&\\;{}"$#[:space:][:cntrl:]]+$'
check TANDEM_FLOOR_SOCKET "${TANDEM_FLOOR_SOCKET:-/x}" "$path_ok"
check TANDEM_DATA "${TANDEM_DATA:-/x}" "$path_ok"
check "the checkout's path" "$ROOT" "$path_ok"
BIN=${TANDEM_BIN:-$ROOT/build/tandem}
PORT=${TANDEM_PORT:-8080}
DATA=${TANDEM_DATA:-$ROOT/var}
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
export TANDEM_DATA=$DATA TANDEM_PORT=$PORT TANDEM_ROOT=$ROOT
# The server's log; TANDEM_LOG puts it elsewhere (another disk than the
# database's, so a full disk can still be told about).
LOG=${TANDEM_LOG:-$DATA/tandem.log}
check TANDEM_LOG "$LOG" "$path_ok"

# A server already on this data directory holds serve.lock: stop here,
# before migrating or rewriting nginx's config or the static files under it.
lock="$DATA/serve.lock"
if [ -f "$lock" ] && [ ! -L "$lock" ] && ! flock -n -x "$lock" true 2>/dev/null; then
  echo "run.sh: a server is already running on $DATA; stop it first" >&2; exit 1
fi
"$BIN" migrate >/dev/null

# nginx started as root drops its workers to www-data, which must reach the
# socket (group www-data, 0660), the static files and its temp folders. They
# live in $RUN: $TANDEM_DATA itself when www-data can get there, otherwise
# (a checkout in root's private home, say) a directory of their own under
# /run. The database and the key never leave $TANDEM_DATA.
USER_LINE=""
RUN=$DATA
if [ "$(id -u)" = 0 ]; then
  # serve hands this directory's group to the user it drops to; only a
  # directory root owns keeps that user from replacing root's files in it
  # (nginx.conf, the logs). serve checks every parent too.
  if [ "$(stat -c %u "$DATA")" != 0 ]; then
    echo "run.sh: $DATA must belong to root when started as root (chown root $DATA)" >&2; exit 1
  fi
  USER_LINE="user www-data www-data;"
  chmod 0711 "$DATA"
  if ! runuser -u www-data -- test -x "$DATA" 2>/dev/null; then
    RUN=/run/tandem/$PORT
    mkdir -p "$RUN"
    chmod 0711 /run/tandem "$RUN"
  fi
fi
export TANDEM_SOCKET=$RUN/tandem.sock
mkdir -p "$RUN/nginx"
# nginx makes its temp folders inside, owned by its workers; they must get in.
[ "$(id -u)" = 0 ] && chmod 0711 "$RUN/nginx"
# nginx serves a copy of the static files from $RUN, never the checkout: a
# clone in a private directory (mode 0700, as mktemp makes) would be 403.
rm -rf "$RUN/static"
cp -R "$ROOT/static" "$RUN/static"
[ "$(id -u)" = 0 ] && chmod -R a+rX "$RUN/static"
# nginx reads no file the server could write: a root nginx including
# files from $TANDEM_DATA (writable by the user serve drops to) would hand
# that user root. The benchmark's floor responder is a location written here.
FLOOR=""
if [ -n "${TANDEM_FLOOR_SOCKET:-}" ]; then
  FLOOR="location = /__floor { include /etc/nginx/fastcgi_params; fastcgi_pass unix:$TANDEM_FLOOR_SOCKET; }"
fi
# TANDEM_TRUSTED_PROXIES: addresses or CIDRs (comma or space separated)
# whose X-Forwarded-For names the client; only these characters can reach
# the config, and it is written into nginx.conf itself (see above: nothing
# is included from the data directory).
REALIP=""
IFS=', ' read -ra proxies <<< "${TANDEM_TRUSTED_PROXIES:-}"
for p in "${proxies[@]}"; do
  [ -z "$p" ] && continue
  if [[ ! "$p" =~ ^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$ ]]; then
    echo "TANDEM_TRUSTED_PROXIES: '$p' is not an address or CIDR" >&2; exit 1
  fi
  REALIP="$REALIP set_real_ip_from $p;"
done
if [ -n "$REALIP" ]; then
  REALIP="$REALIP real_ip_header X-Forwarded-For; real_ip_recursive on;"
fi
sed -e "s|@USER@|$USER_LINE|" -e "s|@DATA@|$DATA|g" -e "s|@RUN@|$RUN|g" -e "s|@ROOT@|$ROOT|g" -e "s|@PORT@|$PORT|g" \
    -e "s|@FLOOR@|$FLOOR|" -e "s|@REALIP@|$REALIP|" -e "s|@NGINX_WORKERS@|${TANDEM_NGINX_WORKERS:-1}|" \
    -e "s|@LOGIN_RATE@|${TANDEM_LOGIN_RATE:-10r/s}|" -e "s|@LOGIN_BURST@|${TANDEM_LOGIN_BURST:-20}|" \
    "$ROOT/deploy/nginx.conf.in" > "$DATA/nginx.conf.tmp"
# Files root opens in the data directory are made anew, exclusively: a
# name the dropped user planted (a link to a file of root's) is removed
# first, and one planted again in between makes the exclusive create fail.
fresh() { rm -f "$1"; (set -C; : > "$1"); }
fresh "$DATA/nginx.conf"; cat "$DATA/nginx.conf.tmp" >> "$DATA/nginx.conf"; rm -f "$DATA/nginx.conf.tmp"
fresh "$DATA/fastcgi.conf"; cat "$ROOT/deploy/fastcgi.conf.in" >> "$DATA/fastcgi.conf"
fresh "$DATA/nginx-app.conf"
sed -e "s|@STATIC@|$RUN/static|g" -e "s|@FASTCGI@|$DATA/fastcgi.conf|g" -e "s|@EXTRA_HEADERS@||" \
    -e "s|@LOGIN_BURST@|${TANDEM_LOGIN_BURST:-20}|" "$ROOT/deploy/nginx-app.conf.in" >> "$DATA/nginx-app.conf"
if [ "$(id -u)" = 0 ]; then
  fresh "$DATA/nginx-error.log"
  # The log is kept across runs while it is root's own plain file.
  [ -f "$LOG" ] && [ ! -L "$LOG" ] && [ "$(stat -c %u:%h "$LOG")" = 0:1 ] || fresh "$LOG"
fi
nginx -q -t -p "$DATA" -e "$DATA/nginx-error.log" -c "$DATA/nginx.conf"

serve_pid=""; nginx_pid=""
stop() {
  trap - INT TERM EXIT
  [ -n "$nginx_pid" ] && kill -TERM "$nginx_pid" 2>/dev/null || true
  [ -n "$serve_pid" ] && kill -TERM "$serve_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

# The log goes to $LOG ($DATA/tandem.log by default). On a terminal it is shown too, through
# tee (which ignores INT/TERM to drain the last lines); otherwise (tests,
# bench, services) serve appends to the file itself: no extra process per line.
start_serve() {
  if [ -t 2 ]; then
    "$BIN" serve 2> >(trap "" INT TERM; exec tee -a "$LOG" >&2) &
  else
    "$BIN" serve 2>>"$LOG" &
  fi
  serve_pid=$!
}
start_serve
for _ in $(seq 1 100); do
  [ -S "$TANDEM_SOCKET" ] && break
  kill -0 "$serve_pid" 2>/dev/null || { echo "tandem serve failed to start:" >&2; tail -5 "$LOG" >&2; exit 1; }
  sleep 0.05
done
nginx -p "$DATA" -e "$DATA/nginx-error.log" -c "$DATA/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
echo "Tandem is running at http://127.0.0.1:$PORT  (Ctrl-C stops it; data in $DATA)"
# A supervisor, as systemd's Restart=on-failure is in production: a server
# killed by a signal (kill -9, the OOM killer) is started again once its
# workers have let go of serve.lock (they follow their master within
# moments); one that exits by itself (an error at start) stops everything,
# and so does nginx stopping.
while :; do
  status=0
  wait -n "$serve_pid" "$nginx_pid" || status=$?
  kill -0 "$nginx_pid" 2>/dev/null || break
  kill -0 "$serve_pid" 2>/dev/null && continue
  [ "$status" -gt 128 ] || break
  echo "tandem: serve was killed (signal $((status - 128))); starting it again" >&2
  flock -w 10 -x "$lock" true 2>/dev/null || break
  start_serve
done
echo "tandem: a process stopped; shutting down" >&2
exit 1

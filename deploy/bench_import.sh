#!/usr/bin/env bash
# The employee import's bench (issue 16): an admin uploads a CSV of 100,000
# employees (about 10 MB), sees the preview, and applies it. Reports the
# preview's time (goal < 3 s) and a page worker's peak memory meanwhile
# (goal < 64 MB), and the application's time (goal < 20 s: 100,000
# accounts, invitations and their outbox rows in one transaction; no
# password is hashed). deploy/bench.sh calls it; it runs alone too (needs
# build/tandem: `make build/tandem`). The mail sender is left out
# (TANDEM_SMTP_URL points nowhere it could deliver fast): what is measured
# is the request, not 100,000 deliveries.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_IMPORT_ROWS:-100000}
PORT=${TANDEM_BENCH_IMPORT_PORT:-8096}
WORKERS=${TANDEM_WORKERS:-$(nproc)}
DATA=$(mktemp -d /tmp/tandem-bench-import-XXXXXX)
chmod 0711 "$DATA"
BASE="http://127.0.0.1:$PORT"
OUT="$ROOT/var/bench"
mkdir -p "$OUT"

cleanup() {
  [ -n "${run_pid:-}" ] && kill -TERM "$run_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "${KEEP_DATA:-}" ] || rm -rf "$DATA"
}
trap cleanup EXIT

TANDEM_DATA="$DATA" "$ROOT/build/tandem" migrate >/dev/null 2>&1
TANDEM_DATA="$DATA" "$ROOT/build/tandem" create-admin --email bench-admin@example.com --name "Bench Admin" \
  <<< "amber otter quietly sings" >/dev/null
TANDEM_BIN="$ROOT/build/tandem" TANDEM_DATA="$DATA" TANDEM_PORT="$PORT" TANDEM_WORKERS="$WORKERS" \
  TANDEM_SMTP_URL="smtp://127.0.0.1:9" "$ROOT/deploy/run.sh" > "$DATA/run.log" 2>&1 &
run_pid=$!
for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

jar="$DATA/cookies"
curl -fs -c "$jar" "$BASE/login" -o "$DATA/login.html"
csrf=$(grep -o 'name="csrf" value="[^"]*"' "$DATA/login.html" | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -b "$jar" -c "$jar" -o /dev/null -H "Origin: $BASE" --data-urlencode "csrf=$csrf" \
  --data-urlencode "email=bench-admin@example.com" --data-urlencode "password=amber otter quietly sings" "$BASE/login"
# Admins pass a second factor (TANDEM_ADMIN_MFA=required): enrol through the
# real pages, the RFC 6238 code computed by Debian's python3 (as bench.sh).
curl -fs -b "$jar" -c "$jar" -o "$DATA/mfa.html" "$BASE/account/mfa"
secret=$(grep -o 'id="secret">[A-Z2-7 ]*<' "$DATA/mfa.html" | sed 's/id="secret">//; s/<$//; s/ //g')
csrf=$(grep -o 'name="csrf" value="[^"]*"' "$DATA/mfa.html" | head -1 | sed 's/.*value="//; s/"$//')
code=$(/usr/bin/python3 -c 'import sys, hmac, hashlib, base64, struct, time
k = base64.b32decode(sys.argv[1])
h = hmac.new(k, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
o = h[19] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff) % 1000000))' "$secret")
curl -fs -b "$jar" -c "$jar" -o /dev/null -H "Origin: $BASE" --data-urlencode "csrf=$csrf" \
  --data-urlencode "code=$code" --data-urlencode "next=" "$BASE/account/mfa"
curl -fs -b "$jar" "$BASE/admin/import" -o "$DATA/form.html"
csrf=$(grep -o 'name="csrf" value="[^"]*"' "$DATA/form.html" | head -1 | sed 's/.*value="//; s/"$//')

# About 100 bytes a line, names with accents and quoted commas.
awk -v n="$N" 'BEGIN {
  print "email,name,team,job_title"
  for (i = 1; i <= n; i++)
    printf "employee.%06d@example.com,\"Zoë Łukasz %06d, Jr.\",Team %02d,\"Senior Engineer, grade %d, platform\"\n", i, i, i % 40, i % 7
}' > "$DATA/people.csv"
bytes=$(stat -c %s "$DATA/people.csv")

# Fresh page workers, so the high-water mark is the import's.
for w in $(pgrep -x tandem -P "$(cat "$DATA/tandem.pid")"); do kill -KILL "$w"; done
for _ in $(seq 1 50); do
  [ "$(pgrep -x tandem -P "$(cat "$DATA/tandem.pid")" | wc -l)" -ge "$WORKERS" ] && break
  sleep 0.1
done
sleep 0.5
ptime=$(curl -fs -b "$jar" -H "Origin: $BASE" -F "csrf=$csrf" -F "file=@$DATA/people.csv;type=text/csv" \
  -o /dev/null -w '%{time_total} %{redirect_url}' "$BASE/admin/import")
read -r ptime where <<< "$ptime"
peak=0
for w in $(pgrep -x tandem -P "$(cat "$DATA/tandem.pid")"); do
  kb=$(awk '/VmHWM/ { print $2 }' "/proc/$w/status"); [ "${kb:-0}" -gt "$peak" ] && peak=$kb
done
path=${where#"$BASE"}
vtime=$(curl -fs -b "$jar" -o "$DATA/preview.html" -w '%{time_total}' "$BASE$path")
adds=$(grep -o '<span class="num">[0-9]*</span><span class="lbl">to add' "$DATA/preview.html" | grep -o '[0-9]\+' | head -1)
atime=$(curl -fs -b "$jar" -H "Origin: $BASE" --data-urlencode "csrf=$csrf" -o /dev/null -w '%{time_total}' \
  "$BASE$path/apply")
made=$(sqlite3 "$DATA/tandem.db" "SELECT count(*) FROM users WHERE email LIKE 'employee.%'")
{
  printf '%-28s %10s rows, %s KB: preview %.2f s (page %.2f s), worker peak RSS %d MB (goal < 3 s, < 64 MB)\n' \
    "import employees (CSV)" "$N" "$((bytes / 1024))" "$ptime" "$vtime" "$((peak / 1024))"
  printf '%-28s %10s to add, %s accounts made: apply %.2f s (goal < 20 s)\n' "import employees: apply" \
    "${adds:-?}" "$made" "$atime"
} | tee -a "$OUT/last.txt"

#!/usr/bin/env bash
# The directory's pages (/mentors in each form, a deep page, /topics) on an
# already seeded data directory, against the floor of the stack in the same
# run: a quick look at one change, not `make bench` (deploy/bench.sh).
#   tests/bench/dir.sh ROOT DATA PORT [SECONDS] [ROUNDS]
# ROOT is a checkout with build/tandem and build/bench/floor; DATA a data
# directory `tandem seed-demo` has filled. Signs in as a seeded mentee
# (every one has two interests) and prints, per target, the median over
# the rounds of req/s, p99 and the ratio to the floor.
set -euo pipefail
ROOT=$1 DATA=$2 PORT=$3 DUR=${4:-5} ROUNDS=${5:-3}
BASE="http://127.0.0.1:$PORT"
cleanup() {
  [ -n "${run_pid:-}" ] && kill -TERM "$run_pid" 2>/dev/null || true
  [ -n "${floor_pid:-}" ] && kill -TERM "$floor_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
"$ROOT/build/bench/floor" "$DATA/floor.sock" 2 &
floor_pid=$!
TANDEM_FLOOR_SOCKET="$DATA/floor.sock" TANDEM_BIN="$ROOT/build/tandem" TANDEM_DATA="$DATA" TANDEM_PORT="$PORT" \
  TANDEM_WORKERS=2 TANDEM_LOGIN_RATE=100000r/s TANDEM_LOGIN_BURST=100000 "$ROOT/deploy/run.sh" > "$DATA/run.log" 2>&1 &
run_pid=$!
for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

mentors=$(sqlite3 "$DATA/tandem.db" "SELECT count(*) FROM profiles WHERE is_mentor = 1")
jar="$DATA/cookies"
curl -fs -c "$jar" "$BASE/login" -o "$DATA/login.html"
csrf=$(grep -o 'name="csrf" value="[^"]*"' "$DATA/login.html" | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -b "$jar" -c "$jar" -o /dev/null -H "Origin: $BASE" --data-urlencode "csrf=$csrf" \
  --data-urlencode "email=person$((mentors + 1))@demo.tandem.example" \
  --data-urlencode "password=tandem demo password" "$BASE/login"
SID=$(awk '$6 == "__Host-sid" { print $7 }' "$jar")

# The 50th page, reached the way a person would: following "Next page".
deep=/mentors
for _ in $(seq 1 49); do
  next=$(curl -fs -H "Cookie: __Host-sid=$SID" "$BASE$deep" | { grep -o 'href="[^"]*"[^>]*>Next page' || true; } |
    head -1 | sed 's/^href="//; s/".*$//; s/&amp;/\&/g')
  [ -z "$next" ] && break
  deep=$next
done

to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
median() { tr ' ' '\n' <<< "$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
TARGETS=("/__floor" "/mentors" "/mentors?topic=Rust" "/mentors?format=pairing" "/mentors?q=kube" "/mentors?q=zzyzx" "$deep" "/topics")
# Interleaved rounds, each target against the floor measured seconds
# before it (this machine's speed drifts; see deploy/bench.sh).
declare -A RPS P99 RATIO BAD
for _ in $(seq 1 "$ROUNDS"); do
  floor=""
  for t in "${TARGETS[@]}"; do
    res=$(wrk -t2 -c16 -d"${DUR}s" --latency -H "Cookie: __Host-sid=$SID" "$BASE$t" 2>&1)
    rps=$(awk '/Requests\/sec/ { print $2 }' <<< "$res")
    [ -z "$floor" ] && floor=$rps
    RPS[$t]+="$rps "
    P99[$t]+="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<< "$res")") "
    RATIO[$t]+="$(awk -v a="$rps" -v b="$floor" 'BEGIN { printf "%.1f", 100 * a / b }') "
    BAD[$t]=$(( ${BAD[$t]:-0} + $(awk '/Non-2xx/ { print $NF }' <<< "$res" | grep . || echo 0) ))
  done
done
printf '%-34s %9s %9s %8s %6s %s\n' target req/s p99_ms vs_floor bytes non-2xx
for t in "${TARGETS[@]}"; do
  size=$(curl -fs -H "Cookie: __Host-sid=$SID" "$BASE$t" | wc -c)
  name=$t
  [ "$t" = "$deep" ] && name="50th page (${t:0:20}…)"
  printf '%-34s %9.0f %9s %7s%% %6s %s   (rounds: %s)\n' "$name" "$(median "${RPS[$t]}")" "$(median "${P99[$t]}")" \
    "$(median "${RATIO[$t]}")" "$size" "${BAD[$t]}" "${RATIO[$t]% }"
done

#!/usr/bin/env bash
# HTTP benchmark of the reference anchor against an actix-web ceiling and django-polaris
# (issue #9). One command, one machine, one run:
#
#   bash scripts/bench.sh
#
# prints a markdown table of requests/s, p50 and p99 latency, errors and peak RSS per
# endpoint and server, and keeps every log and raw result under bench/out/<time>/
# (ignored by git). docs/benchmarks.md explains the method and the figures.
#
# Knobs (environment):
#   BENCH_DURATION=10        seconds measured per point
#   BENCH_WARMUP=2           seconds of load before each point, not measured
#   BENCH_CONNECTIONS=32     open connections of the load generator
#   BENCH_SERVER_CPUS=1      cores the servers are pinned to (taskset -c)
#   BENCH_CLIENT_CPUS=0      cores wrk and the RSS sampler are pinned to
#   BENCH_ROWS=1000000       rows in the transactions table for /transactions
#   BENCH_OWNED_ROWS=1000    of them, rows of the benchmark's account
#   BENCH_TOKEN_POOL_MAX=100000  most pre-signed challenges made for POST /auth
#   BENCH_SERVERS="ceiling anchor-sqlite anchor-postgres django-polaris"
#   BENCH_DJANGO_WORKERS="2 4"   gunicorn worker counts for django-polaris
#   BENCH_PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres
#   BENCH_RUST_LOG=warn      the anchor's RUST_LOG
#   BENCH_VENV=bench/.venv   Python venv (created with django-polaris, gunicorn, stellar-sdk)
#   BENCH_SKIP_BUILD=0       1: use the release binaries already built
#   BENCH_DEPOSITS=1         0: skip the deposits-per-second bench of the processes
#   BENCH_DEPOSIT_COUNT=2000 deposits per point of that bench
#   BENCH_OUT=bench/out/<time>
#   CARGO_TARGET_DIR         where cargo builds (default: target/ of the workspace)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"

DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
SERVER_CPUS=${BENCH_SERVER_CPUS:-1}
CLIENT_CPUS=${BENCH_CLIENT_CPUS:-0}
ROWS=${BENCH_ROWS:-1000000}
OWNED_ROWS=${BENCH_OWNED_ROWS:-1000}
TOKEN_POOL_MAX=${BENCH_TOKEN_POOL_MAX:-100000}
SERVERS=${BENCH_SERVERS:-ceiling anchor-sqlite anchor-postgres django-polaris}
DJANGO_WORKERS=${BENCH_DJANGO_WORKERS:-2 4}
PG_ADMIN_URL=${BENCH_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PG_DB=polaris_bench
ANCHOR_RUST_LOG=${BENCH_RUST_LOG:-warn}
VENV=${BENCH_VENV:-$BENCH/.venv}
SKIP_BUILD=${BENCH_SKIP_BUILD:-0}
OUT=${BENCH_OUT:-$BENCH/out/$(date +%Y%m%d-%H%M%S)}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

# Ports, chosen away from the defaults (8000, 8001) a developer may be running.
CEILING_PORT=18090
ANCHOR_PORT=18000
SANDBOX_PORT=18001
DJANGO_PORT=18100
DJANGO_SANDBOX_PORT=18101

# Every server sees the same public URL, so one kind of SEP-10 challenge (home domain
# localhost:8000) suits them all; they listen on the ports above.
HOST_URL=http://localhost:8000
HOME_DOMAIN=localhost:8000
PASSPHRASE="Test SDF Network ; September 2015"

RESULTS="$OUT/results.tsv"
PIDS=()

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- processes -------------------------------------------------------------------

# Stops every process this script started (by pid), on any exit.
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
}
# A signal is acted on once the step in the foreground (wrk, seeding) has returned.
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server NAME LOGFILE COMMAND...: starts COMMAND pinned to the server cores in
# the background; its pid goes to SERVER_PID.
start_server() {
    local name=$1 logfile=$2
    shift 2
    taskset -c "$SERVER_CPUS" "$@" >"$logfile" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    log "started $name (pid $SERVER_PID), log $logfile"
}

# stop_server PID: SIGTERM, then wait (up to 30 s) for it to exit.
stop_server() {
    local pid=$1 keep=() p i
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    wait "$pid" 2>/dev/null || true
    for p in "${PIDS[@]}"; do
        [[ $p == "$pid" ]] || keep+=("$p")
    done
    PIDS=("${keep[@]}")
}

# wait_http URL PID [SECONDS]: until URL answers 2xx, or fails if PID died or time ran out.
wait_http() {
    local url=$1 pid=$2 limit=${3:-180} i
    for ((i = 0; i < limit * 4; i++)); do
        if curl -fsS -o /dev/null "$url" 2>/dev/null; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || die "server (pid $pid) exited before answering $url"
        sleep 0.25
    done
    die "no answer from $url after ${limit}s"
}

# --- setup -----------------------------------------------------------------------

check_tools() {
    local tool
    for tool in wrk taskset curl psql cargo python3; do
        command -v "$tool" >/dev/null || die "$tool is required"
    done
}

build() {
    if [[ $SKIP_BUILD == 1 ]]; then
        log "BENCH_SKIP_BUILD=1: using the binaries in $TARGET_DIR/release"
    else
        # One build at a time: the two share the machine's cores.
        log "building reference-anchor and the ceiling (release)"
        (cd "$ROOT" && CARGO_TARGET_DIR=$TARGET_DIR cargo build --release -p reference-anchor)
        CARGO_TARGET_DIR=$TARGET_DIR cargo build --release \
            --manifest-path "$BENCH/ceiling/Cargo.toml"
    fi
    ANCHOR_BIN="$TARGET_DIR/release/reference-anchor"
    CEILING_BIN="$TARGET_DIR/release/bench-ceiling"
    [[ -x $ANCHOR_BIN && -x $CEILING_BIN ]] || die "release binaries missing in $TARGET_DIR"
}

setup_venv() {
    if [[ ! -x $VENV/bin/gunicorn ]]; then
        log "creating $VENV with django-polaris, gunicorn and stellar-sdk"
        python3 -m venv "$VENV"
        # django-polaris 2.6 imports names that stellar-sdk 13 removed.
        "$VENV/bin/pip" install -q django-polaris==2.6.0 gunicorn 'stellar-sdk[aiohttp]>=12,<13'
    fi
    PY="$VENV/bin/python"
}

# Keys shared by every server of the run: the SEP-10 signing key, the JWT key and the
# one client account that asks for challenges and owns the benchmark's transactions.
make_keys() {
    eval "$("$PY" "$BENCH/sep10_tool.py" keys)"
    log "client account $CLIENT_ACCOUNT, signing key $SIGNING_KEY"
}

# --- measuring -------------------------------------------------------------------

# drain URL: one more request, answered only once the server has worked through the
# requests wrk left queued when it stopped (gunicorn's sync workers keep accepting
# them), so that no point starts with the previous one's backlog.
drain() {
    curl -s -o /dev/null --max-time 120 "$1" || true
}

# measure ENDPOINT SERVER PID URL METHOD [BODY_FILE]: one point of the table.
# Environment read by bench.lua: BENCH_AUTH, BENCH_BODY, BENCH_CONTENT_TYPE.
# MEASURE_CONNECTIONS overrides the connection count; MEASURE_WARMUP=0 skips warm-up.
measure() {
    local endpoint=$1 server=$2 pid=$3 url=$4 method=$5 body_file=${6:-}
    local conns=${MEASURE_CONNECTIONS:-$CONNECTIONS} warm=${MEASURE_WARMUP:-$WARMUP}
    local slug rss_file wrk_out sampler result rss
    slug=$(printf '%s-%s' "$server" "$endpoint" | tr -c 'A-Za-z0-9' '_')
    rss_file="$OUT/rss-$slug.txt"
    wrk_out="$OUT/wrk-$slug.txt"
    if [[ $warm != 0 && -z $body_file ]]; then
        BENCH_THREADS=1 taskset -c "$CLIENT_CPUS" wrk -t1 -c"$conns" -d"${warm}s" \
            -s "$BENCH/wrk/bench.lua" "$url" -- "$method" >/dev/null
        drain "$url"
    fi
    taskset -c "$CLIENT_CPUS" "$PY" "$BENCH/rss_peak.py" "$pid" "$rss_file" &
    sampler=$!
    PIDS+=("$sampler")
    BENCH_THREADS=1 taskset -c "$CLIENT_CPUS" wrk -t1 -c"$conns" -d"${DURATION}s" \
        --timeout 10s -s "$BENCH/wrk/bench.lua" "$url" -- "$method" "$body_file" \
        >"$wrk_out" 2>&1 || true
    stop_server "$sampler"
    drain "$url"
    result=$(grep '^{"requests"' "$wrk_out" || true)
    [[ -n $result ]] || result='{"requests":0,"seconds":0,"rps":0,"p50_us":0,"p99_us":0,"max_us":0,"errors":1,"status_errors":0,"socket_errors":1,"bodies_exhausted":0}'
    rss=$(cat "$rss_file" 2>/dev/null || echo 0)
    printf '%s\t%s\t%s\t%s\n' "$endpoint" "$server" "$result" "$rss" >>"$RESULTS"
    log "$server $endpoint: $result rss=${rss}KiB"
}

# rps_of SERVER ENDPOINT: the req/s measured for that point, as an integer.
rps_of() {
    awk -F'\t' -v s="$1" -v e="$2" '$1 == e && $2 == s { print $3 }' "$RESULTS" |
        "$PY" -c 'import json, sys; print(int(json.loads(sys.stdin.read() or "{\"rps\": 0}")["rps"]))'
}

# make_challenge_pool SERVER FILE: pre-signed challenges for POST /auth, as many as
# the server answered GET /auth in one point plus a margin (token exchange does more
# work than challenge creation), at most BENCH_TOKEN_POOL_MAX. Made while the server
# is idle, on every core.
make_challenge_pool() {
    local server=$1 file=$2 rate n
    rate=$(rps_of "$server" "GET /auth (challenge)")
    n=$((rate * DURATION * 12 / 10 + 2000))
    ((n <= TOKEN_POOL_MAX)) || n=$TOKEN_POOL_MAX
    log "signing $n challenges for $server"
    SIGNING_SEED=$SIGNING_SEED CLIENT_SEED=$CLIENT_SEED HOME_DOMAIN=$HOME_DOMAIN \
        NETWORK_PASSPHRASE=$PASSPHRASE \
        "$PY" "$BENCH/sep10_tool.py" challenges "$n" "$file"
}

# run_sep_points SERVER PID BASE_URL: every SEP endpoint of the table against one server.
run_sep_points() {
    local server=$1 pid=$2 base=$3 token pool
    measure "GET /.well-known/stellar.toml" "$server" "$pid" "$base/.well-known/stellar.toml" GET
    measure "GET /sep24/info" "$server" "$pid" "$base/sep24/info" GET
    measure "GET /sep6/info" "$server" "$pid" "$base/sep6/info" GET
    measure "GET /auth (challenge)" "$server" "$pid" "$base/auth?account=$CLIENT_ACCOUNT" GET

    pool="$OUT/challenges-$server.jsonl"
    make_challenge_pool "$server" "$pool"
    BENCH_CONTENT_TYPE=application/json MEASURE_WARMUP=0 \
        measure "POST /auth (token)" "$server" "$pid" "$base/auth" POST "$pool"
    rm -f "$pool"

    token=$("$PY" "$BENCH/sep10_tool.py" token "$base" "$CLIENT_SEED")
    local tx_url="$base/sep24/transactions?asset_code=SRT&limit=100"
    BENCH_AUTH=$token measure "GET /sep24/transactions (${ROWS} rows)" \
        "$server" "$pid" "$tx_url" GET
    BENCH_AUTH=$token MEASURE_CONNECTIONS=1 measure \
        "GET /sep24/transactions (${ROWS} rows, 1 connection)" "$server" "$pid" "$tx_url" GET
    BENCH_AUTH=$token BENCH_CONTENT_TYPE=application/json \
        BENCH_BODY="{\"asset_code\":\"SRT\",\"account\":\"$CLIENT_ACCOUNT\"}" \
        measure "POST /sep24/transactions/deposit/interactive" "$server" "$pid" \
        "$base/sep24/transactions/deposit/interactive" POST
}

# --- servers ---------------------------------------------------------------------

bench_ceiling() {
    start_server ceiling "$OUT/ceiling.log" "$CEILING_BIN" "127.0.0.1:$CEILING_PORT"
    local pid=$SERVER_PID
    wait_http "http://127.0.0.1:$CEILING_PORT/json" "$pid" 30
    measure "GET /json (trivial handler)" ceiling "$pid" "http://127.0.0.1:$CEILING_PORT/json" GET
    stop_server "$pid"
}

# start_anchor NAME DATABASE_URL: the reference anchor in a directory of its own (it
# keeps its dev keys, demo asset keys and sandbox ledger in the working directory),
# with the in-process sandbox ledger, without the background processes.
start_anchor() {
    local name=$1 db=$2 dir="$OUT/$1"
    mkdir -p "$dir"
    start_server "$name" "$dir/anchor.log" env -C "$dir" -u HORIZON_URL -u ACTIVE_SEPS \
            LOCAL_MODE=true DATABASE_URL="$db" HOST_URL="$HOST_URL" \
            SIGNING_SEED="$SIGNING_SEED" SERVER_JWT_KEY="$SERVER_JWT_KEY" \
            STELLAR_NETWORK_PASSPHRASE="$PASSPHRASE" RATE_LIMIT_ENABLED=false \
            SANDBOX_BIND="127.0.0.1:$SANDBOX_PORT" SANDBOX_STATE_FILE="$dir/sandbox.json" \
            RUST_LOG="$ANCHOR_RUST_LOG" \
            "$ANCHOR_BIN" serve --bind "127.0.0.1:$ANCHOR_PORT" --no-processes
    wait_http "http://127.0.0.1:$ANCHOR_PORT/.well-known/stellar.toml" "$SERVER_PID"
}

# bench_anchor NAME DATABASE_URL: start, seed the transactions table, measure, stop.
bench_anchor() {
    local name=$1 db=$2 pid
    start_anchor "$name" "$db"
    pid=$SERVER_PID
    log "seeding $ROWS transactions ($OWNED_ROWS of $CLIENT_ACCOUNT) into $name"
    "$PY" "$BENCH/seed_anchor.py" "$db" "$CLIENT_ACCOUNT" "$ROWS" "$OWNED_ROWS"
    run_sep_points "$name" "$pid" "http://127.0.0.1:$ANCHOR_PORT"
    stop_server "$pid"
}

bench_anchor_sqlite() {
    bench_anchor anchor-sqlite "sqlite://$OUT/anchor-sqlite/polaris.sqlite3"
}

bench_anchor_postgres() {
    local base=${PG_ADMIN_URL%/*}
    psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $PG_DB" \
        -c "CREATE DATABASE $PG_DB" >/dev/null
    bench_anchor anchor-postgres "$base/$PG_DB"
}

# django-polaris: a generated site on SQLite, the same rows, served by gunicorn with
# each count of BENCH_DJANGO_WORKERS. Its SEP-10 token exchange loads the client
# account from Horizon: a sandbox ledger of the reference anchor answers it.
bench_django() {
    local dir="$OUT/django" sandbox_pid workers pid
    mkdir -p "$dir"
    start_server django-sandbox "$dir/sandbox.log" env -C "$dir" LOCAL_MODE=true \
        SIGNING_SEED="$SIGNING_SEED" SERVER_JWT_KEY="$SERVER_JWT_KEY" \
        "$ANCHOR_BIN" sandbox --bind "127.0.0.1:$DJANGO_SANDBOX_PORT" \
        --state-file "$dir/sandbox.json"
    sandbox_pid=$SERVER_PID
    wait_http "http://127.0.0.1:$DJANGO_SANDBOX_PORT/" "$sandbox_pid" 30

    SIGNING_SEED=$SIGNING_SEED SERVER_JWT_KEY=$SERVER_JWT_KEY HOST_URL=$HOST_URL \
        HORIZON_URI="http://127.0.0.1:$DJANGO_SANDBOX_PORT" \
        "$PY" "$BENCH/django_site.py" create "$dir"
    (cd "$dir" && "$PY" manage.py migrate -v0) >"$dir/migrate.log" 2>&1
    log "seeding $ROWS transactions ($OWNED_ROWS of $CLIENT_ACCOUNT) into django-polaris"
    "$PY" "$BENCH/django_site.py" seed "$dir" "$CLIENT_ACCOUNT" "$ROWS" "$OWNED_ROWS" \
        >>"$dir/migrate.log" 2>&1

    for workers in $DJANGO_WORKERS; do
        start_server "django-polaris ${workers}w" "$dir/gunicorn-$workers.log" \
            env -C "$dir" "$VENV/bin/gunicorn" benchsite.wsgi --workers "$workers" \
            --bind "127.0.0.1:$DJANGO_PORT"
        pid=$SERVER_PID
        wait_http "http://127.0.0.1:$DJANGO_PORT/.well-known/stellar.toml" "$pid" 60
        run_sep_points "django-polaris ${workers}w" "$pid" "http://127.0.0.1:$DJANGO_PORT"
        stop_server "$pid"
    done
    stop_server "$sandbox_pid"
}

# --- main ------------------------------------------------------------------------

# Deposits completed per second by process-pending-deposits against the sandbox, with 1
# and 3 workers, on SQLite and PostgreSQL, and the memory of a round over 100,000 pending
# rows (polaris-actix/benches/deposits.rs).
bench_deposits() {
    [[ ${BENCH_DEPOSITS:-1} == 1 ]] || return 0
    log "deposits per second (cargo bench -p polaris-actix --bench deposits)"
    (cd "$ROOT" && POLARIS_TEST_DATABASE_URL="$PG_ADMIN_URL" DEPOSITS="${BENCH_DEPOSIT_COUNT:-2000}" \
        cargo bench -q -p polaris-actix --bench deposits) | tee "$OUT/deposits.md"
}

main() {
    mkdir -p "$OUT"
    : >"$RESULTS"
    check_tools
    build
    setup_venv
    make_keys
    log "results in $OUT; servers on cores $SERVER_CPUS, wrk on cores $CLIENT_CPUS," \
        "${DURATION}s per point, $CONNECTIONS connections"
    local server
    for server in $SERVERS; do
        case $server in
            ceiling) bench_ceiling ;;
            anchor-sqlite) bench_anchor_sqlite ;;
            anchor-postgres) bench_anchor_postgres ;;
            django-polaris) bench_django ;;
            *) die "unknown server '$server' in BENCH_SERVERS" ;;
        esac
    done
    "$PY" "$BENCH/report.py" "$RESULTS" | tee "$OUT/table.md"
    bench_deposits
}

main "$@"

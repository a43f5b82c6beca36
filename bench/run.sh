#!/usr/bin/env bash
# Connection-pooler benchmark: pgbench against (a) PostgreSQL directly, (b) the borealis gateway,
# (c) PgBouncer in session mode — same machine, same run, SCRAM-SHA-256 logins over TCP everywhere.
# Prints medians of RUNS runs and the ratios the foundation issue asks for. Not a test: numbers only.
# The kerberos workload (bench/kerberos.py, issue 3) adds Kerberos logins per second and connect
# latency percentiles through the gateway vs PostgreSQL's own GSSAPI ("native-direct"), same run.
#
#   bench/run.sh [--runs N] [--seconds S] [--clients C] [--build-dir DIR] [--workloads scram,kerberos]
#                [--latency-connects N]
#
# The reference PostgreSQL is a second instance of the same binaries and settings that borealis
# uses, listening on 127.0.0.1 with scram-sha-256 in pg_hba; PgBouncer talks to it over its unix
# socket (trust), which is exactly how the gateway talks to its instance.
set -euo pipefail

RUNS=3
SECONDS_PER_RUN=10
CLIENTS=4
BUILD_DIR=""
WORKLOADS="scram,kerberos"
LATENCY_CONNECTS=200
while (($#)); do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --workloads) WORKLOADS=$2; shift 2 ;;
    --latency-connects) LATENCY_CONNECTS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
BOREALIS=$BUILD_DIR/src/cli/borealis
PGBIN=/usr/lib/postgresql/15/bin
[[ -x $BOREALIS ]] || { echo "build borealis first (scripts/build)" >&2; exit 1; }
command -v pgbouncer >/dev/null || { echo "pgbouncer missing (scripts/setup)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/borealis-bench-XXXXXX)
chmod 0711 "$WORK"
RUN_AS=()
SVC=borealis
if [[ $(id -u) -eq 0 ]]; then
  id -u "$SVC" >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --user-group "$SVC"
  RUN_AS=(runuser -u "$SVC" --)
else
  SVC=$(id -un)
fi

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

PASSWORD="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# A second role whose stored SCRAM verifier uses 256 iterations instead of 4096. The client derives
# its key with the server's iteration count, so this takes libpq's PBKDF2 (about 8 ms of client CPU
# per login here) out of the way and shows what the servers themselves sustain. Same verifier on the
# reference instance, the borealis instance and in PgBouncer's auth_file.
FAST_VERIFIER=$(/usr/bin/python3 - "$PASSWORD" <<'PYV'
import base64, hashlib, hmac, os, sys
pw, salt, i = sys.argv[1].encode(), os.urandom(16), 256
salted = hashlib.pbkdf2_hmac("sha256", pw, salt, i)
ck = hmac.new(salted, b"Client Key", "sha256").digest()
sk = hmac.new(salted, b"Server Key", "sha256").digest()
b = lambda x: base64.b64encode(x).decode()
print(f"SCRAM-SHA-256${i}:{b(salt)}${b(hashlib.sha256(ck).digest())}:{b(sk)}")
PYV
)

REF_PORT=55432
BOUNCER_PORT=56432

echo "== starting borealis (data dir $WORK/borealis)" >&2
"$BOREALIS" server --data-dir "$WORK/borealis" --log-level warn --endpoint-network 127.211 >"$WORK/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do [[ -f $WORK/borealis/borealis.db ]] && break; sleep 0.1; done
printf '%s\n' "$PASSWORD" | "$BOREALIS" cluster create --data-dir "$WORK/borealis" --id bench --master-username bench \
  --master-user-password-stdin >/dev/null
for _ in $(seq 1 300); do
  status=$("$BOREALIS" cluster describe --data-dir "$WORK/borealis" --id bench | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["Status"])')
  [[ $status == available ]] && break
  sleep 0.2
done
[[ $status == available ]] || { echo "cluster did not become available" >&2; cat "$WORK/server.log" >&2; exit 1; }
GW_ADDR=$("$BOREALIS" cluster describe --data-dir "$WORK/borealis" --id bench | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["EndpointAddress"])')
sleep 1  # the gateway picks up its config within a second

echo "== starting the reference PostgreSQL on 127.0.0.1:$REF_PORT" >&2
mkdir -p "$WORK/ref" "$WORK/ref-sock"
chown "$SVC" "$WORK/ref" "$WORK/ref-sock" 2>/dev/null || true
chmod 0700 "$WORK/ref" "$WORK/ref-sock"
"${RUN_AS[@]}" "$PGBIN/initdb" -D "$WORK/ref/pgdata" -U bench --auth-local=trust --auth-host=scram-sha-256 \
  --encoding=UTF8 --locale=C.UTF-8 --data-checksums >/dev/null
# The same settings the borealis instance gets (cluster/pg_config), plus a TCP listener.
cat >>"$WORK/ref/pgdata/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $REF_PORT
unix_socket_directories = '$WORK/ref-sock'
max_connections = 200
shared_buffers = 64MB
password_encryption = 'scram-sha-256'
CONF
"${RUN_AS[@]}" "$PGBIN/postgres" -D "$WORK/ref/pgdata" >"$WORK/ref.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do "$PGBIN/pg_isready" -q -h "$WORK/ref-sock" -p $REF_PORT && break; sleep 0.1; done
psql -q -h "$WORK/ref-sock" -p $REF_PORT -U bench -d postgres -c "ALTER ROLE bench PASSWORD '$PASSWORD'" >/dev/null
VERIFIER=$(psql -At -h "$WORK/ref-sock" -p $REF_PORT -U bench -d postgres -c "SELECT rolpassword FROM pg_authid WHERE rolname='bench'")

echo "== starting PgBouncer $(pgbouncer --version | head -1 | awk '{print $2}') (session mode) on 127.0.0.1:$BOUNCER_PORT" >&2
mkdir -p "$WORK/bouncer"
printf '"bench" "%s"\n"bench_fast" "%s"\n' "$VERIFIER" "$FAST_VERIFIER" >"$WORK/bouncer/userlist.txt"
cat >"$WORK/bouncer/pgbouncer.ini" <<INI
[databases]
postgres = host=$WORK/ref-sock port=$REF_PORT dbname=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $WORK/bouncer/userlist.txt
pool_mode = session
max_client_conn = 1000
default_pool_size = 50
server_reset_query = DISCARD ALL
logfile = $WORK/bouncer/pgbouncer.log
INI
chown -R "$SVC" "$WORK/bouncer" 2>/dev/null || true
chmod 0600 "$WORK/bouncer/userlist.txt"
"${RUN_AS[@]}" pgbouncer "$WORK/bouncer/pgbouncer.ini" >"$WORK/bouncer/stdout.log" 2>&1 &
PIDS+=($!)
sleep 1


export PGPASSWORD=$PASSWORD
DIRECT="host=127.0.0.1 port=$REF_PORT user=bench dbname=postgres sslmode=disable"
GATEWAY="host=$GW_ADDR port=5432 user=bench dbname=postgres sslmode=disable gssencmode=disable"
BOUNCER="host=127.0.0.1 port=$BOUNCER_PORT user=bench dbname=postgres sslmode=disable"

echo "== initialising pgbench tables (scale 10) on both instances" >&2
pgbench -q -i -s 10 "$DIRECT" >"$WORK/init-direct.log" 2>&1 || { cat "$WORK/init-direct.log" >&2; exit 1; }
pgbench -q -i -s 10 "$GATEWAY" >"$WORK/init-gateway.log" 2>&1 || { cat "$WORK/init-gateway.log" >&2; exit 1; }
for conn in "$DIRECT" "$GATEWAY"; do
  psql -q -X -v ON_ERROR_STOP=1 "$conn" >/dev/null <<SQL
CREATE ROLE bench_fast LOGIN PASSWORD '$FAST_VERIFIER';
GRANT SELECT ON pgbench_accounts, pgbench_branches TO bench_fast;  -- pgbench reads branches for the scale
SQL
done
DIRECT_FAST=${DIRECT/user=bench/user=bench_fast}
GATEWAY_FAST=${GATEWAY/user=bench/user=bench_fast}
BOUNCER_FAST=${BOUNCER/user=bench/user=bench_fast}

tps() {  # conninfo, extra pgbench args...
  local conn=$1; shift
  pgbench -n -S -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" "$@" "$conn" 2>&1 |
    awk '/^tps = / {print $3; found=1} END {if (!found) print "nan"}' | head -1
}

has_workload() { [[ ",$WORKLOADS," == *",$1,"* ]]; }

RESULTS=$WORK/results.tsv
: >"$RESULTS"
if has_workload scram; then
for run in $(seq 1 "$RUNS"); do
  for target in direct gateway pgbouncer; do
    case $target in
      direct) conn=$DIRECT ;;
      gateway) conn=$GATEWAY ;;
      pgbouncer) conn=$BOUNCER ;;
    esac
    echo "run $run/$RUNS: $target" >&2
    printf 'persistent\t%s\t%s\n' "$target" "$(tps "$conn")" >>"$RESULTS"
    printf 'connect\t%s\t%s\n' "$target" "$(tps "$conn" -C)" >>"$RESULTS"
    case $target in
      direct) fast=$DIRECT_FAST ;;
      gateway) fast=$GATEWAY_FAST ;;
      pgbouncer) fast=$BOUNCER_FAST ;;
    esac
    printf 'connect_fast\t%s\t%s\n' "$target" "$(tps "$fast" -C)" >>"$RESULTS"
  done
done

/usr/bin/python3 - "$RESULTS" "$RUNS" "$SECONDS_PER_RUN" "$CLIENTS" <<'PY'
import statistics, sys
path, runs, secs, clients = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
data = {}
for line in open(path):
    w, t, v = line.split("\t")
    data.setdefault((w, t), []).append(float(v))
med = {k: statistics.median(v) for k, v in data.items()}
print(f"\nborealis gateway benchmark: pgbench -S, {clients} clients, {secs}s per run, median of {runs} runs")
print(f"{'workload':<40}{'direct':>10}{'gateway':>10}{'pgbouncer':>11}{'gw/direct':>11}{'gw/pgb':>9}")
names = {"persistent": "pgbench -S (TPS, persistent)", "connect": "pgbench -C -S (connections/s)",
         "connect_fast": "pgbench -C -S, 256-iteration verifier"}
for w in ("persistent", "connect", "connect_fast"):
    d, g, b = med[(w, "direct")], med[(w, "gateway")], med[(w, "pgbouncer")]
    print(f"{names[w]:<40}{d:>10.0f}{g:>10.0f}{b:>11.0f}{g/d:>11.2f}{g/b:>9.2f}")
print("\nall runs:", {f"{w}/{t}": [None if x != x else round(x) for x in v] for (w, t), v in sorted(data.items())})
PY
fi

if has_workload kerberos; then
  # Joins the bench cluster to a new directory (gateway part; skipped with a note while this borealis
  # has no `directory` command) and starts its own KDC + GSSAPI PostgreSQL for native-direct.
  BENCH_MASTER_PASSWORD=$PASSWORD /usr/bin/python3 "$ROOT/bench/kerberos.py" --runs "$RUNS" \
    --seconds "$SECONDS_PER_RUN" --clients "$CLIENTS" --latency-connects "$LATENCY_CONNECTS" \
    --borealis "$BOREALIS" --data-dir "$WORK/borealis" --cluster bench --master-user bench
fi

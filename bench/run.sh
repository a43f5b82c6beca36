#!/usr/bin/env bash
# Connection-pooler benchmark: pgbench against (a) PostgreSQL directly, (b) the borealis gateway,
# (c) PgBouncer in session mode — same machine, same run, SCRAM-SHA-256 logins over TCP everywhere.
# Prints medians of RUNS runs and the ratios the foundation issue asks for. Not a test: numbers only.
# The kerberos workload (bench/kerberos.py, issue 3) adds Kerberos logins per second and connect
# latency percentiles through the gateway vs PostgreSQL's own GSSAPI ("native-direct"), same run.
# The tls workload: SCRAM (256-iteration verifier) logins over TLS, gateway vs PostgreSQL direct with
# ssl = on, measured with pgbench -C (libpq: one SSL_CTX per connection) and with bench/login_load
# (one SSL_CTX per process), with the client's and the gateway's CPU per login.
# The iam workload: IAM database-auth token logins through the gateway over TLS (verify-full), an
# IAM user and policy made through the borealis API with Debian's aws CLI, next to SCRAM over the
# same TLS settings.
#
#   bench/run.sh [--runs N] [--seconds S] [--clients C] [--build-dir DIR]
#                [--workloads scram,tls,iam,kerberos] [--latency-connects N] [--endpoint-network 127.N]
#                [--server-cpus LIST --client-cpus LIST]
#
# --server-cpus/--client-cpus (taskset lists, e.g. 1 and 0) pin borealis with everything it starts, the
# reference PostgreSQL and PgBouncer to the first list and pgbench/login_load to the second, so a run
# shows what the servers sustain on those cores with the load generator's TLS work kept off them
# (kerberos.py's clients are not pinned). Unpinned, both share every core, as in CI.
#
# The reference PostgreSQL is a second instance of the same binaries and settings that borealis
# uses, listening on 127.0.0.1 with scram-sha-256 in pg_hba; PgBouncer talks to it over its unix
# socket (trust), which is exactly how the gateway talks to its instance.
set -euo pipefail

RUNS=3
SECONDS_PER_RUN=10
CLIENTS=4
BUILD_DIR=""
WORKLOADS="scram,tls,iam,kerberos"
LATENCY_CONNECTS=200
ENDPOINT_NETWORK=127.211  # the bench cluster's endpoint address block (loopback)
SERVER_CPUS=""
CLIENT_CPUS=""
while (($#)); do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --workloads) WORKLOADS=$2; shift 2 ;;
    --latency-connects) LATENCY_CONNECTS=$2; shift 2 ;;
    --endpoint-network) ENDPOINT_NETWORK=$2; shift 2 ;;
    --server-cpus) SERVER_CPUS=$2; shift 2 ;;
    --client-cpus) CLIENT_CPUS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
BOREALIS=$BUILD_DIR/src/cli/borealis
PGBIN=/usr/lib/postgresql/15/bin
LOGIN_LOAD=$BUILD_DIR/bench/login_load
[[ -x $BOREALIS ]] || { echo "build borealis first (scripts/build)" >&2; exit 1; }
has_workload() { [[ ",$WORKLOADS," == *",$1,"* ]]; }
SERVER_PIN=()
CLIENT_PIN=()
[[ -n $SERVER_CPUS ]] && SERVER_PIN=(taskset -c "$SERVER_CPUS")
[[ -n $CLIENT_CPUS ]] && CLIENT_PIN=(taskset -c "$CLIENT_CPUS")
if has_workload tls || has_workload iam; then
  [[ -x $LOGIN_LOAD ]] || { echo "build login_load first (-DBOREALIS_BENCH=ON, --target login_load)" >&2; exit 1; }
fi
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
# The API (iam workload) listens on a free loopback port, found from the server's pid with ss: its
# "borealis API listening" line is logged at info, and at info the gateway would also write a line
# per login, which costs it CPU on the measured path.
API_ARGS=()
has_workload iam && API_ARGS=(--api-port 0)
"${SERVER_PIN[@]}" "$BOREALIS" server --data-dir "$WORK/borealis" --log-level warn --endpoint-network "$ENDPOINT_NETWORK" "${API_ARGS[@]}" \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=($SERVER_PID)
for _ in $(seq 1 100); do [[ -f $WORK/borealis/borealis.db ]] && break; sleep 0.1; done
printf '%s\n' "$PASSWORD" | "$BOREALIS" cluster create --data-dir "$WORK/borealis" --id bench --master-username bench \
  --master-user-password-stdin >/dev/null
for _ in $(seq 1 300); do
  status=$("$BOREALIS" cluster describe --data-dir "$WORK/borealis" --id bench | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["Status"])')
  [[ $status == available ]] && break
  sleep 0.2
done
[[ $status == available ]] || { echo "cluster did not become available" >&2; cat "$WORK/server.log" >&2; exit 1; }
describe() { "$BOREALIS" cluster describe --data-dir "$WORK/borealis" --id bench | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }
GW_ADDR=$(describe EndpointAddress)
GW_HOST=$(describe Endpoint)   # the name in the endpoint's certificate (verify-full)
GW_CA=$(describe CAFile)
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
if has_workload tls; then
  # A throwaway CA and an EC P-256 server certificate for 127.0.0.1, sent as leaf + CA like the
  # gateway's, so both targets cost a client the same certificate work.
  mkdir -p "$WORK/ref-tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=bench reference CA" \
    -keyout "$WORK/ref-tls/ca.key" -out "$WORK/ref-tls/ca.pem" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$WORK/ref-tls/server.key" -out "$WORK/ref-tls/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$WORK/ref-tls/ext.cnf"
  openssl x509 -req -in "$WORK/ref-tls/server.csr" -CA "$WORK/ref-tls/ca.pem" -CAkey "$WORK/ref-tls/ca.key" \
    -CAcreateserial -days 2 -extfile "$WORK/ref-tls/ext.cnf" -out "$WORK/ref-tls/leaf.pem" 2>/dev/null
  cat "$WORK/ref-tls/leaf.pem" "$WORK/ref-tls/ca.pem" >"$WORK/ref-tls/server.crt"
  chown "$SVC" "$WORK/ref-tls/server.key" 2>/dev/null || true
  chmod 0600 "$WORK/ref-tls/server.key"
  cat >>"$WORK/ref/pgdata/postgresql.conf" <<CONF
ssl = on
ssl_cert_file = '$WORK/ref-tls/server.crt'
ssl_key_file = '$WORK/ref-tls/server.key'
CONF
fi
"${SERVER_PIN[@]}" "${RUN_AS[@]}" "$PGBIN/postgres" -D "$WORK/ref/pgdata" >"$WORK/ref.log" 2>&1 &
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
"${SERVER_PIN[@]}" "${RUN_AS[@]}" pgbouncer "$WORK/bouncer/pgbouncer.ini" >"$WORK/bouncer/stdout.log" 2>&1 &
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
  "${CLIENT_PIN[@]}" pgbench -n -S -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" "$@" "$conn" 2>&1 |
    awk '/^tps = / {print $3; found=1} END {if (!found) print "nan"}' | head -1
}

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

# ---- TLS and IAM logins: pgbench -C (libpq) and login_load, client and gateway CPU per login ----
CLK_TCK=$(getconf CLK_TCK)
gateway_pid() { pgrep -f -- "gateway --config $WORK/borealis/" | head -1; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# The borealis instance's PostgreSQL: the postmaster with its reaped children (cutime/cstime) plus
# every live child (pooled backends, the gateway's catalog connection, background workers).
instance_ticks() {
  local pm total child
  pm=$(head -1 "$WORK/borealis/instances/bench-1/pgdata/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  total=$(awk '{print $14+$15+$16+$17}' "/proc/$pm/stat" 2>/dev/null || echo 0)
  for child in $(pgrep -P "$pm"); do total=$((total + $(cpu_ticks "$child"))); done
  echo "$total"
}
GW_PID=""

# Appends "<workload> <target> <metric> <value>" lines for one pgbench -C run. Metrics: rate
# (logins/s = TPS with -C), client_ms (pgbench's user+sys CPU per login), gateway_ms (the gateway
# process's CPU per login; its pooled PostgreSQL backends are not included) and control_ms (the
# borealis server process's: where IAM tokens are verified and policies evaluated; for SCRAM it is
# only the background reconcile ticks spread over the logins) and instance_ms ("pg ms": the borealis
# instance's PostgreSQL processes, pooled backends and the gateway's catalog lookups included).
measure_pgbench() {  # workload target conninfo (PGPASSWORD from the environment)
  local workload=$1 target=$2 conn=$3 g0=0 g1=0 s0=0 s1=0 i0=0 i1=0 out
  [[ $target == gateway* ]] && { g0=$(cpu_ticks "$GW_PID"); s0=$(cpu_ticks "$SERVER_PID"); i0=$(instance_ticks); }
  out=$(/usr/bin/time -f 'cpu %U %S' "${CLIENT_PIN[@]}" pgbench -n -S -C -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" "$conn" 2>&1 || true)
  [[ $target == gateway* ]] && { g1=$(cpu_ticks "$GW_PID"); s1=$(cpu_ticks "$SERVER_PID"); i1=$(instance_ticks); }
  awk -v w="$workload" -v t="pgbench/$target" -v dg=$((g1 - g0)) -v ds=$((s1 - s0)) -v di=$((i1 - i0)) -v hz="$CLK_TCK" \
    -v gw="${target%%-*}" '
    /^tps = / {tps = $3}
    /^number of transactions actually processed/ {split($6, a, "/"); n = a[1]}
    /^cpu / {cpu = $2 + $3}
    END {
      if (tps == "") tps = "nan"
      print w "\t" t "\trate\t" tps
      print w "\t" t "\tclient_ms\t" (n > 0 ? cpu * 1000 / n : "nan")
      if (gw == "gateway") print w "\t" t "\tgateway_ms\t" (n > 0 ? dg * 1000 / hz / n : "nan")
      if (gw == "gateway") print w "\t" t "\tcontrol_ms\t" (n > 0 ? ds * 1000 / hz / n : "nan")
      if (gw == "gateway") print w "\t" t "\tinstance_ms\t" (n > 0 ? di * 1000 / hz / n : "nan")
    }' <<<"$out" >>"$TLS_RESULTS"
  grep -m1 -E '^(pgbench: error|FATAL|connection to server)' <<<"$out" >&2 || true
}

# The same for one login_load run; adds connect latency percentiles and errors.
measure_login_load() {  # workload target login_load-args...
  local workload=$1 target=$2 g0=0 g1=0 s0=0 s1=0 i0=0 i1=0 out
  shift 2
  [[ $target == gateway* ]] && { g0=$(cpu_ticks "$GW_PID"); s0=$(cpu_ticks "$SERVER_PID"); i0=$(instance_ticks); }
  out=$("${CLIENT_PIN[@]}" "$LOGIN_LOAD" --clients "$CLIENTS" --threads 2 --seconds "$SECONDS_PER_RUN" --scale 10 "$@" 2>&1 || true)
  [[ $target == gateway* ]] && { g1=$(cpu_ticks "$GW_PID"); s1=$(cpu_ticks "$SERVER_PID"); i1=$(instance_ticks); }
  tr ' ' '\n' <<<"$out" | awk -F= -v w="$workload" -v t="login_load/$target" -v dg=$((g1 - g0)) -v ds=$((s1 - s0)) -v di=$((i1 - i0)) \
    -v hz="$CLK_TCK" -v gw="${target%%-*}" '
    $1 == "logins" {n = $2}
    $1 == "logins_per_second" {print w "\t" t "\trate\t" $2}
    $1 == "client_cpu_ms_per_login" {print w "\t" t "\tclient_ms\t" $2}
    $1 == "connect_ms_p50" || $1 == "connect_ms_p99" {print w "\t" t "\t" substr($1, 12) "\t" $2}
    $1 == "errors" {print w "\t" t "\terrors\t" $2}
    END {
      if (gw == "gateway") print w "\t" t "\tgateway_ms\t" (n > 0 ? dg * 1000 / hz / n : "nan")
      if (gw == "gateway") print w "\t" t "\tcontrol_ms\t" (n > 0 ? ds * 1000 / hz / n : "nan")
      if (gw == "gateway") print w "\t" t "\tinstance_ms\t" (n > 0 ? di * 1000 / hz / n : "nan")
    }' >>"$TLS_RESULTS"
  grep -m1 '^first_error=' <<<"$out" >&2 || true
}

summarize_tls() {  # title workload
  /usr/bin/python3 - "$TLS_RESULTS" "$1" "$2" "$RUNS" "$SECONDS_PER_RUN" "$CLIENTS" <<'PY'
import math, statistics, sys
path, title, workload, runs, secs, clients = sys.argv[1:]
data = {}
for line in open(path):
    w, target, metric, value = line.rstrip("\n").split("\t")
    if w == workload:
        data.setdefault((target, metric), []).append(float(value))
def med(target, metric):
    v = [x for x in data.get((target, metric), []) if not math.isnan(x)]
    return statistics.median(v) if v else float("nan")
targets = sorted({t for t, _ in data}, key=lambda t: (t.split("/")[1], t))
print(f"\n{title}: -c {clients} -j 2 / --clients {clients} --threads 2, {secs}s per run, median of {runs} runs")
print(f"{'client/target':<34}{'logins/s':>10}{'client ms':>11}{'gateway ms':>12}{'control ms':>12}{'pg ms':>8}{'p50 ms':>9}"
      f"{'p99 ms':>9}{'errors':>8}")
fmt = lambda x, spec: "-" if math.isnan(x) else format(x, spec)
for t in targets:
    print(f"{t:<34}{fmt(med(t, 'rate'), '.0f'):>10}{fmt(med(t, 'client_ms'), '.2f'):>11}"
          f"{fmt(med(t, 'gateway_ms'), '.2f'):>12}{fmt(med(t, 'control_ms'), '.2f'):>12}{fmt(med(t, 'instance_ms'), '.2f'):>8}"
          f"{fmt(med(t, 'p50'), '.2f'):>9}"
          f"{fmt(med(t, 'p99'), '.2f'):>9}"
          f"{fmt(sum(data.get((t, 'errors'), [])), '.0f') if (t, 'errors') in data else '-':>8}")
pairs = {"tls": [("login_load/gateway", "login_load/direct", "gateway / direct"),
                 ("pgbench/gateway", "pgbench/direct", "gateway / direct"),
                 ("login_load/gateway", "pgbench/gateway", "login_load / pgbench")],
         "iam": [("login_load/gateway-iam", "login_load/gateway-scram", "iam / scram-tls"),
                 ("pgbench/gateway-iam", "pgbench/gateway-scram", "iam / scram-tls"),
                 ("login_load/gateway-iam", "pgbench/gateway-iam", "login_load / pgbench")]}[workload]
for a, b, name in pairs:
    ra, rb = med(a, "rate"), med(b, "rate")
    if not (math.isnan(ra) or math.isnan(rb) or rb == 0):
        print(f"  {name:<22} {a} / {b}: {ra / rb:.2f}")
print("all runs (logins/s):", {t: [None if math.isnan(x) else round(x) for x in data.get((t, "rate"), [])]
                               for t in targets})
PY
}

TLS_RESULTS=$WORK/tls-results.tsv
: >"$TLS_RESULTS"
if has_workload tls; then
  GW_PID=$(gateway_pid)
  DIRECT_TLS="host=127.0.0.1 port=$REF_PORT user=bench_fast dbname=postgres sslmode=require"
  GATEWAY_TLS="host=$GW_ADDR port=5432 user=bench_fast dbname=postgres sslmode=require gssencmode=disable"
  for run in $(seq 1 "$RUNS"); do
    echo "run $run/$RUNS: tls (SCRAM, 256-iteration verifier)" >&2
    measure_pgbench tls direct "$DIRECT_TLS"
    measure_pgbench tls gateway "$GATEWAY_TLS"
    measure_login_load tls direct --host 127.0.0.1 --port "$REF_PORT" --user bench_fast --dbname postgres \
      --sslmode verify-full --sslrootcert "$WORK/ref-tls/ca.pem"
    measure_login_load tls gateway --host "$GW_HOST" --hostaddr "$GW_ADDR" --user bench_fast --dbname postgres \
      --sslmode verify-full --sslrootcert "$GW_CA"
  done
  summarize_tls "SCRAM logins over TLS (pgbench sslmode=require; login_load verify-full)" tls
fi

# IAM setup through the API, as a user of the service would do it. Any failing step ends the
# workload with a note (the rest of the benchmark still runs). Secrets (the user's secret key, the
# token) live in shell variables and 0600 files under $WORK only; nothing prints them.
iam_setup() {
  local port
  port=$(ss -H -ltnp 2>/dev/null | awk -v pid="pid=$SERVER_PID," '$0 ~ pid {n = split($4, a, ":"); print a[n]; exit}')
  [[ -n $port ]] || { echo "iam: the API is not listening" >&2; return 1; }
  api() {
    AWS_SHARED_CREDENTIALS_FILE=$WORK/borealis/aws/credentials AWS_CONFIG_FILE=$WORK/borealis/aws/config \
      /usr/bin/aws --endpoint-url "http://127.0.0.1:$port" --output json "$@"
  }
  IAM_REGION=$(awk -F' *= *' '$1 == "region" {print $2; exit}' "$WORK/borealis/aws/config")
  local cluster resource_id account policy
  cluster=$(api rds describe-db-clusters --db-cluster-identifier bench) || { echo "iam: describe-db-clusters failed" >&2; return 1; }
  resource_id=$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["DBClusters"][0]["DbClusterResourceId"])' <<<"$cluster")
  account=$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["DBClusters"][0]["DBClusterArn"].split(":")[4])' <<<"$cluster")
  api iam create-user --user-name benchiam >/dev/null || { echo "iam: create-user failed" >&2; return 1; }
  mkdir -p "$WORK/iam"
  chmod 0700 "$WORK/iam"
  # The access key goes straight into the user's credentials file (0600), never to the terminal.
  (umask 077; api iam create-access-key --user-name benchiam | /usr/bin/python3 -c '
import json, sys
k = json.load(sys.stdin)["AccessKey"]
print("[default]\naws_access_key_id = %s\naws_secret_access_key = %s" % (k["AccessKeyId"], k["SecretAccessKey"]))
' >"$WORK/iam/credentials") || { echo "iam: create-access-key failed" >&2; return 1; }
  policy=$(printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rds-db:connect","Resource":"arn:aws:rds-db:%s:%s:dbuser:%s/benchiam"}]}' \
    "$IAM_REGION" "$account" "$resource_id")
  api iam put-user-policy --user-name benchiam --policy-name bench-rds-connect --policy-document "$policy" >/dev/null ||
    { echo "iam: put-user-policy failed" >&2; return 1; }
  api rds modify-db-cluster --db-cluster-identifier bench --enable-iam-database-authentication --apply-immediately \
    >/dev/null || { echo "iam: modify-db-cluster --enable-iam-database-authentication failed" >&2; return 1; }
  local enabled status
  for _ in $(seq 1 300); do
    read -r enabled status < <(api rds describe-db-clusters --db-cluster-identifier bench |
      /usr/bin/python3 -c 'import json,sys; c = json.load(sys.stdin)["DBClusters"][0]; print(c["IAMDatabaseAuthenticationEnabled"], c["Status"])')
    [[ $enabled == True && $status == available ]] && break
    sleep 0.2
  done
  [[ $enabled == True && $status == available ]] || { echo "iam: the cluster did not become available with IAM auth" >&2; return 1; }
  sleep 1  # the gateway picks up its config within a second
  for _ in $(seq 1 100); do psql -q -X "$GATEWAY" -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
  psql -q -X -v ON_ERROR_STOP=1 "$GATEWAY" >/dev/null <<'SQL' || { echo "iam: creating role benchiam failed" >&2; return 1; }
CREATE ROLE benchiam LOGIN;
GRANT rds_iam TO benchiam;
GRANT SELECT ON pgbench_accounts, pgbench_branches TO benchiam;
SQL
}

# A fresh token for each run: valid for 15 minutes, signed locally by the CLI with the user's key.
iam_token() {
  AWS_SHARED_CREDENTIALS_FILE=$WORK/iam/credentials AWS_CONFIG_FILE=/dev/null /usr/bin/aws rds generate-db-auth-token \
    --hostname "$GW_HOST" --port 5432 --username benchiam --region "$IAM_REGION"
}

if has_workload kerberos; then
  # Joins the bench cluster to a new directory (gateway part; skipped with a note while this borealis
  # has no `directory` command) and starts its own KDC + GSSAPI PostgreSQL for native-direct.  Runs before
  # the iam workload (the order of the recorded results in docs/benchmarks.md).
  BENCH_MASTER_PASSWORD=$PASSWORD /usr/bin/python3 "$ROOT/bench/kerberos.py" --runs "$RUNS" \
    --seconds "$SECONDS_PER_RUN" --clients "$CLIENTS" --latency-connects "$LATENCY_CONNECTS" \
    --borealis "$BOREALIS" --data-dir "$WORK/borealis" --cluster bench --master-user bench
fi

if has_workload iam; then
  if iam_setup; then
    GW_PID=$(gateway_pid)  # a modification that reboots the instance may have restarted the gateway too
    VERIFY="sslmode=verify-full sslrootcert=$GW_CA gssencmode=disable"
    GATEWAY_IAM="host=$GW_HOST hostaddr=$GW_ADDR port=5432 user=benchiam dbname=postgres $VERIFY"
    GATEWAY_SCRAM_VF="host=$GW_HOST hostaddr=$GW_ADDR port=5432 user=bench_fast dbname=postgres $VERIFY"
    LL_GATEWAY=(--host "$GW_HOST" --hostaddr "$GW_ADDR" --dbname postgres --sslmode verify-full --sslrootcert "$GW_CA")
    for run in $(seq 1 "$RUNS"); do
      echo "run $run/$RUNS: iam (token) and scram over TLS, verify-full" >&2
      TOKEN=$(iam_token) || { echo "iam: generate-db-auth-token failed" >&2; break; }
      PGPASSWORD=$TOKEN measure_pgbench iam gateway-iam "$GATEWAY_IAM"
      measure_pgbench iam gateway-scram "$GATEWAY_SCRAM_VF"
      PGPASSWORD=$TOKEN measure_login_load iam gateway-iam "${LL_GATEWAY[@]}" --user benchiam
      measure_login_load iam gateway-scram "${LL_GATEWAY[@]}" --user bench_fast
      TOKEN=""
    done
    summarize_tls "IAM token logins vs SCRAM (256 iterations) through the gateway, TLS verify-full" iam
  else
    echo "iam workload skipped (see above)" >&2
  fi
fi


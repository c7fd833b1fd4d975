#!/usr/bin/env bash
# A local 3-node MariaDB Galera cluster for tests, benchmarks and local use: one machine, 127.0.0.1 only,
# root without a password. Needs mariadbd 10.11+, galera-4 and rsync (Debian: apt-get install -y
# mariadb-server galera-4 rsync).
#
#   cluster.sh up          kills what an earlier run left; fresh data dirs; node 1 bootstraps, 2 then 3 join
#                          by SST, each waited until Synced; then the database GALERA_DATABASE is created
#   cluster.sh down        TERM every node (3, 2, 1: node 1 leaves last) and wait for each to exit
#   cluster.sh start N     start a stopped node (it rejoins by IST from its saved position); waits for Synced
#   cluster.sh stop N      TERM node N and wait for it to exit
#   cluster.sh kill9 N     SIGKILL node N (a crash)
#   cluster.sh recover N   restart a killed node: --wsrep-recover reads its last committed position from
#                          InnoDB, the node starts from it and catches up by IST; waits for Synced
#   cluster.sh status      one line per node: state, cluster size, ready, Primary or not
#   cluster.sh wait N      wait until node N is Synced (GALERA_WAIT_TIMEOUT)
#   cluster.sh url         the DATABASE_URL listing the three nodes
#   cluster.sh clean       down, then remove GALERA_DIR
#
# Settings (environment):
#   GALERA_DIR           /tmp/token-metering-galera; node N lives in GALERA_DIR/nodeN (my.cnf, data/, error.log)
#   GALERA_PORT          13300; node N listens on 127.0.0.1 at
#                          SQL GALERA_PORT+N, gcomm GALERA_PORT+10N, IST GALERA_PORT+10N+1, SST GALERA_PORT+10N+2
#                        (default: SQL 13301-13303, Galera 13310-13312, 13320-13322, 13330-13332; clear of the
#                        usual 3306, 4444 and 4567-4568, and of another local cluster on 4406-4408/4567-4589)
#   GALERA_DATABASE      tokens
#   GALERA_WAIT_TIMEOUT  120 seconds to wait for a node to be Synced
#   GALERA_STOP_TIMEOUT  60 seconds to wait for a node to exit after TERM
#
# Each node's configuration: node.cnf, next to this script.
# Run as root (as CI does), mariadbd drops to the `mysql` user and the data dirs belong to it, as in a
# real deployment. That also matters for rsync SST: the joiner's rsync daemon, started as root, would
# drop to `nobody` and could not write a datadir owned by anyone else.
set -euo pipefail

GALERA_DIR="${GALERA_DIR:-/tmp/token-metering-galera}"
GALERA_PORT="${GALERA_PORT:-13300}"
GALERA_DATABASE="${GALERA_DATABASE:-tokens}"
WAIT_TIMEOUT="${GALERA_WAIT_TIMEOUT:-120}"
STOP_TIMEOUT="${GALERA_STOP_TIMEOUT:-60}"
MARIADBD="${MARIADBD:-/usr/sbin/mariadbd}"
PROVIDER="${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}"
MARKER="$GALERA_DIR/.token-metering-galera"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODES=(1 2 3)

fail() { echo "cluster.sh: $*" >&2; exit 1; }
say() { echo "cluster.sh: $*"; }

[[ "$GALERA_DIR" =~ ^/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$ ]] ||
  fail "GALERA_DIR must be an absolute path other than /, of letters, digits and ._-/ (got '$GALERA_DIR')"
[[ "$GALERA_PORT" =~ ^[0-9]+$ ]] && ((GALERA_PORT >= 1024 && GALERA_PORT + 32 <= 65535)) ||
  fail "GALERA_PORT must be a number from 1024 to 65503 (got '$GALERA_PORT')"
[[ "$GALERA_DATABASE" =~ ^[A-Za-z0-9_]+$ ]] || fail "GALERA_DATABASE may hold letters, digits and _ only"

if [ "$(id -u)" = 0 ]; then AS_ROOT=yes RUN_USER=mysql; else AS_ROOT="" RUN_USER="$(id -un)"; fi
MARIADBD_EXE="$(readlink -f "$(command -v "$MARIADBD" || echo "$MARIADBD")")"

node_dir() { echo "$GALERA_DIR/node$1"; }
sql_port() { echo $((GALERA_PORT + $1)); }
gcomm_port() { echo $((GALERA_PORT + 10 * $1)); }
ist_port() { echo $((GALERA_PORT + 10 * $1 + 1)); }
sst_port() { echo $((GALERA_PORT + 10 * $1 + 2)); }

check_node() { [[ "${1:-}" =~ ^[123]$ ]] || fail "which node? give 1, 2 or 3"; }

# Processes of node N: its mariadbd (found by its --defaults-file, so a pid file lost in a crash does not
# hide it) and, during an SST, the rsync daemon and SST script working in its datadir.
node_pids() {
  local defaults="--defaults-file=$(node_dir "$1")/my.cnf" data="$(node_dir "$1")/data" proc arg args
  for proc in /proc/[0-9]*; do
    mapfile -d '' -t args 2>/dev/null <"$proc/cmdline" || continue
    for arg in "${args[@]}"; do
      if [ "$arg" = "$defaults" ] || [[ "$arg" == "$data"/* ]] || [ "$arg" = "$data" ]; then
        echo "${proc#/proc/}"
        break
      fi
    done
  done
}
mariadbd_pid() {
  local pid
  for pid in $(node_pids "$1"); do
    [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$MARIADBD_EXE" ] && echo "$pid" && return
  done
  return 0
}
running_nodes() { for n in "${NODES[@]}"; do [ -n "$(mariadbd_pid "$n")" ] && echo "$n"; done; return 0; }

sql() { # N QUERY: tab-separated rows, no header
  mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$(sql_port "$1")" -uroot --connect-timeout=2 -N -B -e "$2"
}
wsrep_status() { # N NAME
  sql "$1" "SELECT variable_value FROM information_schema.global_status WHERE variable_name = '$2'" 2>/dev/null
}

require_tools() {
  local tool
  for tool in "$MARIADBD" mariadb-install-db mariadb rsync; do
    command -v "$tool" >/dev/null || fail "$tool not found (apt-get install -y mariadb-server galera-4 rsync)"
  done
  [ -f "$PROVIDER" ] || fail "no Galera provider at $PROVIDER (apt-get install -y galera-4, or set GALERA_PROVIDER)"
}

write_config() { # N: nodeN/my.cnf from node.cnf
  local n=$1 cluster="" m
  for m in "${NODES[@]}"; do cluster+="${cluster:+,}127.0.0.1:$(gcomm_port "$m")"; done
  sed -e "s|@DIR@|$(node_dir "$n")|g" -e "s|@NODE@|$n|g" -e "s|@SQL_PORT@|$(sql_port "$n")|g" \
    -e "s|@GCOMM_PORT@|$(gcomm_port "$n")|g" -e "s|@IST_PORT@|$(ist_port "$n")|g" -e "s|@SST_PORT@|$(sst_port "$n")|g" \
    -e "s|@CLUSTER@|$cluster|g" -e "s|@PROVIDER@|$PROVIDER|g" -e "s|@USER@|$RUN_USER|g" \
    "$HERE/node.cnf" >"$(node_dir "$n")/my.cnf"
  # mariadbd takes another user only when started as root.
  [ -n "$AS_ROOT" ] || sed -i '/^user=/d' "$(node_dir "$n")/my.cnf"
}

start_mariadbd() { # N [extra mariadbd options]
  local n=$1 dir
  shift
  dir="$(node_dir "$n")"
  # Its own session: an interrupt of the caller (Ctrl-C, a test runner's exit) does not reach the node.
  setsid "$MARIADBD" --defaults-file="$dir/my.cnf" "$@" >>"$dir/stdout.log" 2>&1 </dev/null &
  say "node $n started (pid $!) $*"
}

log_tail() { tail -n 15 "$(node_dir "$1")/error.log" 2>/dev/null | sed 's/^/    /' >&2 || true; }

wait_synced() { # N
  local n=$1 deadline=$((SECONDS + WAIT_TIMEOUT)) state why
  while :; do
    state="$(wsrep_status "$n" wsrep_local_state_comment || true)"
    [ "$state" = Synced ] && return 0
    why=""
    [ -n "$(mariadbd_pid "$n")" ] || why="exited before reaching Synced"
    ((SECONDS < deadline)) || why="not Synced after ${WAIT_TIMEOUT}s (state: ${state:-no SQL answer})"
    [ -z "$why" ] || { log_tail "$n" && fail "node $n (127.0.0.1:$(sql_port "$n")) $why; see $(node_dir "$n")/error.log"; }
    sleep 0.5
  done
}

# A process that exited but is not yet reaped (a zombie, waiting for init) counts as gone.
alive() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [ "${stat%% *}" != Z ]
}

wait_gone() { # TIMEOUT PID...
  local deadline=$((SECONDS + $1)) pid
  shift
  for pid in "$@"; do
    while alive "$pid"; do
      ((SECONDS < deadline)) || return 1
      sleep 0.2
    done
  done
}

stop_node() { # N
  local pid
  pid="$(mariadbd_pid "$1")"
  [ -n "$pid" ] || { say "node $1 is not running"; return 0; }
  kill -TERM "$pid"
  wait_gone "$STOP_TIMEOUT" "$pid" || fail "node $1 (pid $pid) still running ${STOP_TIMEOUT}s after TERM"
  say "node $1 stopped"
}

kill_node() { # N: SIGKILL every process of the node (mariadbd, and SST helpers if any)
  local pids
  pids="$(node_pids "$1" | xargs)"
  [ -n "$pids" ] || return 0
  kill -KILL $pids 2>/dev/null || true
  wait_gone 10 $pids || fail "node $1 processes ($pids) survived SIGKILL"
  say "node $1 killed (pids $pids)"
}

require_peer() { # N: a node can only join a running Primary component (one that holds the quorum)
  local others m
  others="$(running_nodes | grep -vx "$1" | xargs || true)"
  [ -n "$others" ] || fail "no other node is running, so node $1 has no cluster to join; run \`cluster.sh up\`"
  for m in $others; do [ "$(wsrep_status "$m" wsrep_cluster_status || true)" = Primary ] && return 0; done
  fail "node(s) $others run but none is in a Primary component (the cluster lost its quorum), so node $1 cannot join; run \`cluster.sh up\` for a fresh cluster"
}

# Node N restarted while the others still count its killed incarnation rejoins slowly (membership rounds
# time out, about 10-20 s instead of 4): wait until they have evicted it (evs.suspect_timeout).
wait_evicted() { # N
  local n=$1 deadline=$((SECONDS + 30)) others count m
  others="$(running_nodes | grep -vx "$n" | xargs || true)"
  count="$(wc -w <<<"$others")"
  while :; do
    for m in $others; do
      [ "$(wsrep_status "$m" wsrep_cluster_size || true)" = "$count" ] && return 0
    done
    ((SECONDS < deadline)) || fail "nodes $others still count node $n after 30s"
    sleep 0.2
  done
}

cmd_up() {
  local n started=$SECONDS port
  require_tools
  if [ -e "$GALERA_DIR" ] && [ ! -e "$MARKER" ] && [ -n "$(ls -A "$GALERA_DIR")" ]; then
    fail "$GALERA_DIR exists and is not a cluster directory made by this script; choose another GALERA_DIR"
  fi
  for n in "${NODES[@]}"; do kill_node "$n"; done # a node left by an earlier, crashed run
  for n in "${NODES[@]}"; do
    for port in $(sql_port "$n") $(gcomm_port "$n") $(ist_port "$n") $(sst_port "$n"); do
      ! ss -Htln "sport = :$port" 2>/dev/null | grep -q . || fail "port $port is in use; choose another GALERA_PORT"
    done
  done
  mkdir -p "$GALERA_DIR"
  chmod 755 "$GALERA_DIR"
  touch "$MARKER"
  for n in "${NODES[@]}"; do
    rm -rf "$(node_dir "$n")"
    mkdir -p "$(node_dir "$n")/data"
    write_config "$n"
    [ -z "$AS_ROOT" ] || chown -R mysql:mysql "$(node_dir "$n")"
  done
  if [ -n "$AS_ROOT" ] && ! runuser -u mysql -- test -w "$(node_dir 1)/data"; then
    fail "the mysql user cannot reach $GALERA_DIR (a parent directory is closed to it); use a GALERA_DIR under /tmp"
  fi
  # Node 1 gets the system tables; 2 and 3 start empty and receive node 1's data by SST.
  mariadb-install-db --no-defaults --datadir="$(node_dir 1)/data" --user="$RUN_USER" \
    --auth-root-authentication-method=normal --skip-test-db >"$(node_dir 1)/install.log" 2>&1 ||
    fail "mariadb-install-db failed; see $(node_dir 1)/install.log"
  start_mariadbd 1 --wsrep-new-cluster
  wait_synced 1
  for n in 2 3; do
    start_mariadbd "$n"
    wait_synced "$n"
  done
  sql 1 "CREATE DATABASE IF NOT EXISTS \`$GALERA_DATABASE\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
  say "cluster up in $((SECONDS - started))s: $(cmd_url)"
}

cmd_down() {
  local n
  for n in 3 2 1; do stop_node "$n"; done
  # SST helpers of a node that died mid-transfer.
  for n in "${NODES[@]}"; do kill_node "$n"; done
}

cmd_start() {
  check_node "${1:-}"
  [ -z "$(mariadbd_pid "$1")" ] || fail "node $1 is already running"
  [ -f "$(node_dir "$1")/my.cnf" ] || fail "no node $1 in $GALERA_DIR; run \`cluster.sh up\` first"
  require_peer "$1"
  wait_evicted "$1"
  start_mariadbd "$1"
  wait_synced "$1"
  say "node $1 Synced"
}

cmd_recover() {
  local n=${1:-} dir log position started=$SECONDS
  check_node "$n"
  [ -z "$(mariadbd_pid "$n")" ] || fail "node $n is running; recover is for a node that was killed"
  dir="$(node_dir "$n")"
  [ -f "$dir/my.cnf" ] || fail "no node $n in $GALERA_DIR; run \`cluster.sh up\` first"
  require_peer "$n"
  kill_node "$n" # an SST helper the killed node left behind
  log="$dir/recover.log"
  rm -f "$log"
  # --defaults-file must come first; the recovery run logs to a file of its own, and exits.
  "$MARIADBD" --defaults-file="$dir/my.cnf" --wsrep-recover --log-error="$log" >>"$dir/stdout.log" 2>&1 ||
    fail "mariadbd --wsrep-recover failed for node $n; see $log"
  position="$(sed -n 's/.*WSREP: Recovered position: *\([^ ]*\).*/\1/p' "$log" | tail -n 1)"
  [ -n "$position" ] || fail "no 'Recovered position' in $log"
  wait_evicted "$n"
  start_mariadbd "$n" --wsrep-start-position="$position"
  wait_synced "$n"
  say "node $n recovered from $position, Synced in $((SECONDS - started))s"
}

cmd_status() {
  local n pid state
  local query="SELECT CONCAT_WS(' ', MAX(IF(n = 'wsrep_local_state_comment', v, NULL)),
    CONCAT('cluster_size=', MAX(IF(n = 'wsrep_cluster_size', v, NULL))), CONCAT('ready=', MAX(IF(n = 'wsrep_ready', v, NULL))),
    CONCAT('component=', MAX(IF(n = 'wsrep_cluster_status', v, NULL))))
    FROM (SELECT LOWER(variable_name) n, variable_value v FROM information_schema.global_status) s"
  for n in "${NODES[@]}"; do
    pid="$(mariadbd_pid "$n")"
    if [ -z "$pid" ]; then
      echo "node$n 127.0.0.1:$(sql_port "$n") down"
    else
      state="$(sql "$n" "$query" 2>/dev/null || true)"
      echo "node$n 127.0.0.1:$(sql_port "$n") pid $pid ${state:-starting (no SQL answer yet)}"
    fi
  done
}

cmd_url() {
  local n hosts=""
  for n in "${NODES[@]}"; do hosts+="${hosts:+,}127.0.0.1:$(sql_port "$n")"; done
  echo "mysql://root@$hosts/$GALERA_DATABASE"
}

cmd_clean() {
  if [ ! -e "$GALERA_DIR" ]; then return 0; fi
  [ -e "$MARKER" ] || fail "$GALERA_DIR is not a cluster directory made by this script; not removing it"
  (cmd_down) || { say "down failed; killing what is left"; for n in "${NODES[@]}"; do kill_node "$n"; done; }
  rm -rf "$GALERA_DIR"
  say "removed $GALERA_DIR"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  start) cmd_start "${2:-}" ;;
  stop) check_node "${2:-}" && stop_node "$2" ;;
  kill9) check_node "${2:-}" && kill_node "$2" ;;
  recover) cmd_recover "${2:-}" ;;
  status) cmd_status ;;
  wait) check_node "${2:-}" && wait_synced "$2" && say "node $2 Synced" ;;
  url) cmd_url ;;
  clean) cmd_clean ;;
  *) fail "usage: cluster.sh up|down|start N|stop N|kill9 N|recover N|status|wait N|url|clean (see the header)" ;;
esac

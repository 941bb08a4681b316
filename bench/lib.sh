#!/usr/bin/env bash
# Helpers shared by the bench scripts (sourced, not run): logging, installing missing Debian
# packages, starting processes that are stopped on exit, waiting for a port or an HTTP answer.
# The sourcing script sets BENCH_TAG (the log prefix) first; it fills `pids` and `work`.

log() { printf '[%s %s] %s\n' "${BENCH_TAG:-bench}" "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# install_missing PKG... : installs the Debian packages given (as root), or dies saying how.
install_missing() {
  [ $# -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing $*; run as root or: apt-get install -y $*"
  log "installing $* from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Processes in `pids` are stopped on exit (TERM, then KILL after 5 s); the work directory `work`
# is removed unless BENCH_KEEP=1.
work=""
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [ -n "$work" ] && [ -d "$work" ]; then
    if [ "${BENCH_KEEP:-}" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_http URL SECONDS NAME [any] : until URL answers 2xx (with "any": any HTTP status).
wait_http() {
  local i fail=-f
  [ "${4:-}" = any ] && fail=
  for i in $(seq 1 $(($2 * 10))); do
    curl $fail -sS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  die "$3 did not answer $1 within $2 s (logs in $work)"
}

# free_port : a free loopback TCP port (bound and released, so another process may take it first).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { date +%s%3N; }
# cpu_ms PID : CPU time (utime + stime, ms) of a process from /proc/PID/stat (fields counted after
# the command name, which may hold spaces).
cpu_ms() { awk -v t="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print int(($12 + $13) * 1000 / t) }' "/proc/$1/stat"; }

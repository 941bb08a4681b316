#!/bin/sh
# crossgate-iptables: transparent capture for a pod with a Crossgate sidecar (run by the
# crossgate-init init container, which needs only NET_ADMIN and NET_RAW).
#
# Inbound:  every TCP connection arriving at the pod is redirected to the sidecar's inbound
#           listener, except to the excluded inbound ports (the sidecar's admin port by default).
# Outbound: every TCP connection the pod opens is redirected to the sidecar's outbound listener,
#           except connections opened by the sidecar's own UID, connections over loopback, and
#           connections to the excluded outbound ports or CIDRs.
#
# Idempotent: the rules live in chains of their own (CROSSGATE_INBOUND, CROSSGATE_OUTPUT) that
# are flushed and refilled; the jumps to them are added only when missing. Running it twice
# leaves exactly the same rules. 'crossgate-iptables.sh clean' removes everything it added.
#
# Settings (environment):
#   CROSSGATE_PROXY_UID               UID the sidecar runs as (default 1337)
#   CROSSGATE_INBOUND_PORT            sidecar inbound listener (default 4143)
#   CROSSGATE_OUTBOUND_PORT           sidecar outbound listener (default 4140)
#   CROSSGATE_EXCLUDE_INBOUND_PORTS   comma-separated ports not captured inbound (default 4191)
#   CROSSGATE_EXCLUDE_OUTBOUND_PORTS  comma-separated destination ports not captured outbound
#   CROSSGATE_EXCLUDE_OUTBOUND_CIDRS  comma-separated IPv4 CIDRs not captured outbound
#   CROSSGATE_IPV6                    on | off | auto (default auto: on when ip6tables exists and
#                                     the kernel has IPv6)
# Exit codes: 0 rules in place, 1 a setting is invalid, 2 bad usage, 3 iptables failed.
set -eu

die() { echo "crossgate-iptables: $2" >&2; exit "$1"; }

proxy_uid="${CROSSGATE_PROXY_UID:-1337}"
inbound_port="${CROSSGATE_INBOUND_PORT:-4143}"
outbound_port="${CROSSGATE_OUTBOUND_PORT:-4140}"
exclude_in="${CROSSGATE_EXCLUDE_INBOUND_PORTS-4191}"
exclude_out="${CROSSGATE_EXCLUDE_OUTBOUND_PORTS:-}"
exclude_cidrs="${CROSSGATE_EXCLUDE_OUTBOUND_CIDRS:-}"
ipv6="${CROSSGATE_IPV6:-auto}"

is_number() { case "$1" in ''|*[!0-9]*) return 1 ;; *) return 0 ;; esac; }

check_port() { # name value
  is_number "$2" && [ "$2" -ge 1 ] && [ "$2" -le 65535 ] \
    || die 1 "$1: '$2' (expected: a port 1..65535)"
}

check_ports() { # name comma-list
  old_ifs="$IFS"; IFS=,
  for p in $2; do
    IFS="$old_ifs"
    check_port "$1" "$p"
  done
  IFS="$old_ifs"
}

check_cidrs() { # name comma-list
  old_ifs="$IFS"; IFS=,
  for c in $2; do
    echo "$c" | grep -Eq '^([0-9]{1,3}\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$' \
      || die 1 "$1: '$c' (expected: an IPv4 CIDR such as 10.0.0.0/8)"
  done
  IFS="$old_ifs"
}

is_number "$proxy_uid" || die 1 "CROSSGATE_PROXY_UID: '$proxy_uid' (expected: a numeric UID)"
check_port CROSSGATE_INBOUND_PORT "$inbound_port"
check_port CROSSGATE_OUTBOUND_PORT "$outbound_port"
check_ports CROSSGATE_EXCLUDE_INBOUND_PORTS "$exclude_in"
check_ports CROSSGATE_EXCLUDE_OUTBOUND_PORTS "$exclude_out"
check_cidrs CROSSGATE_EXCLUDE_OUTBOUND_CIDRS "$exclude_cidrs"
case "$ipv6" in on|off|auto) ;; *) die 1 "CROSSGATE_IPV6: '$ipv6' (expected: on, off or auto)" ;; esac

action="${1:-apply}"
case "$action" in apply|clean) ;; *) die 2 "unknown argument '$action' (expected: apply or clean)" ;; esac

tables="iptables"
if [ "$ipv6" = on ] || { [ "$ipv6" = auto ] && command -v ip6tables >/dev/null 2>&1 \
    && [ -f /proc/net/if_inet6 ]; }; then
  tables="iptables ip6tables"
fi
command -v iptables >/dev/null 2>&1 || die 3 "iptables not found on PATH"

ipt() { # tool args...
  tool="$1"; shift
  "$tool" -w -t nat "$@" || die 3 "$tool -t nat $* failed"
}

ensure_chain() { # tool chain
  "$1" -w -t nat -L "$2" -n >/dev/null 2>&1 || ipt "$1" -N "$2"
  ipt "$1" -F "$2"
}

ensure_jump() { # tool from-chain to-chain
  "$1" -w -t nat -C "$2" -p tcp -j "$3" >/dev/null 2>&1 || ipt "$1" -A "$2" -p tcp -j "$3"
}

remove_jump() { # tool from-chain to-chain
  while "$1" -w -t nat -C "$2" -p tcp -j "$3" >/dev/null 2>&1; do
    ipt "$1" -D "$2" -p tcp -j "$3"
  done
}

for_each() { # comma-list command-prefix...
  list="$1"; shift
  old_ifs="$IFS"; IFS=,
  for item in $list; do
    IFS="$old_ifs"
    "$@" "$item"
  done
  IFS="$old_ifs"
}

for tool in $tables; do
  if [ "$action" = clean ]; then
    remove_jump "$tool" PREROUTING CROSSGATE_INBOUND
    remove_jump "$tool" OUTPUT CROSSGATE_OUTPUT
    for chain in CROSSGATE_INBOUND CROSSGATE_OUTPUT; do
      if "$tool" -w -t nat -L "$chain" -n >/dev/null 2>&1; then
        ipt "$tool" -F "$chain"
        ipt "$tool" -X "$chain"
      fi
    done
    continue
  fi

  if [ "$tool" = ip6tables ]; then loopback=::1/128; else loopback=127.0.0.1/32; fi

  # Inbound: everything but the sidecar's own inbound port and the excluded ports.
  ensure_chain "$tool" CROSSGATE_INBOUND
  ipt "$tool" -A CROSSGATE_INBOUND -p tcp --dport "$inbound_port" -j RETURN
  for_each "$exclude_in" ipt "$tool" -A CROSSGATE_INBOUND -p tcp -j RETURN --dport
  ipt "$tool" -A CROSSGATE_INBOUND -p tcp -j REDIRECT --to-ports "$inbound_port"

  # Outbound: not the sidecar itself, not loopback, not the excluded ports or CIDRs.
  ensure_chain "$tool" CROSSGATE_OUTPUT
  ipt "$tool" -A CROSSGATE_OUTPUT -m owner --uid-owner "$proxy_uid" -j RETURN
  ipt "$tool" -A CROSSGATE_OUTPUT -o lo -j RETURN
  ipt "$tool" -A CROSSGATE_OUTPUT -d "$loopback" -j RETURN
  for_each "$exclude_out" ipt "$tool" -A CROSSGATE_OUTPUT -p tcp -j RETURN --dport
  if [ "$tool" = iptables ]; then
    for_each "$exclude_cidrs" ipt "$tool" -A CROSSGATE_OUTPUT -j RETURN -d
  fi
  ipt "$tool" -A CROSSGATE_OUTPUT -p tcp -j REDIRECT --to-ports "$outbound_port"

  ensure_jump "$tool" PREROUTING CROSSGATE_INBOUND
  ensure_jump "$tool" OUTPUT CROSSGATE_OUTPUT
done

if [ "$action" = apply ]; then
  echo "crossgate-iptables: inbound TCP -> :$inbound_port (except ${exclude_in:-none}), outbound" \
    "TCP -> :$outbound_port (except uid $proxy_uid, loopback, ports ${exclude_out:-none}," \
    "CIDRs ${exclude_cidrs:-none}) [$tables]"
else
  echo "crossgate-iptables: rules removed [$tables]"
fi

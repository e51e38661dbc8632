#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Leakwatch's network lab: four network namespaces wired with veth pairs,
# with real servers and a real OpenVPN tunnel, on documentation addresses.
#
#   internet  coturn (STUN) and an HTTPS "what is my address" echo
#   isp       the home router: NATs the LAN to 198.51.100.7, routes
#             2001:db8:1::/64 to it
#   vpn       an OpenVPN server reached through the ISP; NATs its clients
#             to 203.0.113.51 and 2001:db8:51::1
#   client    the user's machine: lan0 192.168.1.23 / 2001:db8:1::23, and
#             tun0 once the VPN is up
#
# Usage (as root):
#   lab.sh up SCENARIO     build the lab for SCENARIO: novpn, fullvpn, splitvpn,
#                          ipv6leak, stun-blocked, protected, tunnelvision,
#                          ipv6split, deadvpn or localnet (scenario_* below)
#   lab.sh down            remove every namespace, process and file it made
#   lab.sh exec CMD...     run CMD in the client namespace
#   lab.sh args            print leakwatch's options for the lab's servers
#   lab.sh tunnel up|down  start or stop the client's OpenVPN (routes stay)
#   lab.sh scenarios       list the scenarios
#
# LW_LAB sets the name prefix (default "lwlab"), so several labs can exist at
# once; LW_LAB_DIR the directory for its files (default /tmp/$LW_LAB).
# Nothing is added to the root namespace: no address, no route, no veth end.

set -euo pipefail

P=${LW_LAB:-lwlab}
DIR=${LW_LAB_DIR:-/tmp/$P}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SERVERS=$HERE/../servers
PYTHON=${PYTHON:-python3}

INET=$P-inet
ISP=$P-isp
VPN=$P-vpn
CLIENT=$P-client
NAMESPACES="$CLIENT $VPN $ISP $INET"

# Addresses (documentation ranges, and private ones inside the LAN and tunnel).
LAN4=192.168.1.23     LAN4_GW=192.168.1.1
LAN6=2001:db8:1::23   LAN6_GW=2001:db8:1::1
ISP4=198.51.100.7     ISP6=2001:db8:ff01::2
VPN_SERVER=203.0.113.50
EXIT4=203.0.113.51    EXIT6=2001:db8:51::1
STUN4=203.0.113.1     STUN6=2001:db8:113::1
ECHO4=203.0.113.5     ECHO6=2001:db8:113::5
TUN4_GW=10.8.0.1      TUN6_GW=fd51::1
LOCALNET4=203.0.113.200

in_ns () { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# A STUN binding request, by hand: exits 0 when the server at $1 answers.
STUN_PROBE='
import os, socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.3)
s.sendto(b"\x00\x01\x00\x00\x21\x12\xa4\x42" + os.urandom(12), (sys.argv[1], 3478))
sys.exit(0 if s.recv(512)[:2] == b"\x01\x01" else 1)
'

log () { printf 'lab: %s\n' "$*" >&2; }

wait_for () {
  # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      log "timed out waiting for $what"
      return 1
    fi
    sleep 0.1
  done
}

# Starts a program in a namespace, detached, with its output in $DIR.
spawn () {
  local ns=$1 name=$2; shift 2
  # A simple command, not the in_ns function, so that $! is the program itself.
  ip netns exec "$ns" "$@" >"$DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$DIR/$name.pid"
}

new_ns () {
  local ns=$1
  ip netns add "$ns"
  in_ns "$ns" sh -c '
    ip link set lo up
    for f in /proc/sys/net/ipv6/conf/all/accept_dad /proc/sys/net/ipv6/conf/default/accept_dad; do
      echo 0 > "$f"
    done
    echo 1 > /proc/sys/net/ipv4/ip_forward
    echo 1 > /proc/sys/net/ipv6/conf/all/forwarding'
}

make_certs () {
  # The HTTPS echo's certificate (and the CA Leakwatch gets with --ca-file).
  "$SERVERS/make-certs.sh" "$DIR" "$ECHO4" "$ECHO6"
  # OpenVPN's: a CA of its own, a server and a client certificate.
  (
    cd "$DIR"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
      -subj "/CN=Lab VPN CA" -keyout vpn-ca.key -out vpn-ca.pem 2>/dev/null
    for who in server client; do
      local eku=serverAuth
      [ $who = client ] && eku=clientAuth
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -subj "/CN=vpn-$who" -keyout vpn-$who.key -out vpn-$who.csr 2>/dev/null
      printf 'extendedKeyUsage=%s\nkeyUsage=digitalSignature,keyAgreement\n' $eku >vpn-$who.ext
      openssl x509 -req -in vpn-$who.csr -CA vpn-ca.pem -CAkey vpn-ca.key -CAcreateserial \
        -days 2 -extfile vpn-$who.ext -out vpn-$who.pem 2>/dev/null
    done
  )
}

build_topology () {
  for ns in $INET $ISP $VPN $CLIENT; do new_ns "$ns"; done

  # Each veth pair is made inside its namespaces, never in the root one.
  ip -n "$CLIENT" link add lan0 type veth peer name lan netns "$ISP"
  ip -n "$ISP" link add wan type veth peer name isp netns "$INET"
  ip -n "$VPN" link add wan type veth peer name vpn netns "$INET"

  # The client: its LAN, default routes to the home router.
  in_ns "$CLIENT" sh -c "
    ip link set lan0 up
    ip addr add $LAN4/24 dev lan0
    ip -6 addr add $LAN6/64 dev lan0 nodad
    ip route add default via $LAN4_GW
    ip -6 route add default via $LAN6_GW"

  # The home router: NAT for IPv4, routed global IPv6.
  in_ns "$ISP" sh -c "
    ip link set lan up; ip link set wan up
    ip addr add $LAN4_GW/24 dev lan
    ip -6 addr add $LAN6_GW/64 dev lan nodad
    ip addr add $ISP4/24 dev wan
    ip -6 addr add $ISP6/64 dev wan nodad
    ip route add default via 198.51.100.1
    ip -6 route add default via 2001:db8:ff01::1"
  in_ns "$ISP" nft -f - <<EOF
table ip nat {
  chain postrouting {
    type nat hook postrouting priority 100;
    oifname "wan" masquerade
  }
}
EOF

  # The internet: a router between the ISP and the VPN provider, and the
  # servers on addresses of their own.
  in_ns "$INET" sh -c "
    ip link set isp up; ip link set vpn up
    ip addr add 198.51.100.1/24 dev isp
    ip -6 addr add 2001:db8:ff01::1/64 dev isp nodad
    ip addr add 203.0.113.49/29 dev vpn
    ip -6 addr add 2001:db8:ff02::1/64 dev vpn nodad
    ip -6 route add 2001:db8:1::/64 via $ISP6
    ip -6 route add 2001:db8:51::/64 via 2001:db8:ff02::2
    for a in $STUN4 $ECHO4; do ip addr add \$a/32 dev lo; done
    for a in $STUN6 $ECHO6; do ip -6 addr add \$a/128 dev lo nodad; done"

  # The VPN provider: its server address, its exit addresses, and NAT.
  in_ns "$VPN" sh -c "
    ip link set wan up
    ip addr add $VPN_SERVER/29 dev wan
    ip addr add $EXIT4/29 dev wan
    ip -6 addr add 2001:db8:ff02::2/64 dev wan nodad
    ip -6 addr add $EXIT6/64 dev wan nodad
    ip route add default via 203.0.113.49
    ip -6 route add default via 2001:db8:ff02::1"
  in_ns "$VPN" nft -f - <<EOF
table ip vpn {
  chain postrouting {
    type nat hook postrouting priority 100;
    oifname "wan" ip saddr 10.8.0.0/24 snat to $EXIT4
  }
  chain forward {
    type filter hook forward priority 0;
    # A VPN server forwards only its clients' tunnel addresses.
    iifname "tun0" ip saddr != 10.8.0.0/24 drop
  }
}
table ip6 vpn6 {
  chain postrouting {
    type nat hook postrouting priority 100;
    oifname "wan" ip6 saddr fd51::/64 snat to $EXIT6
  }
  chain forward {
    type filter hook forward priority 0;
    iifname "tun0" ip6 saddr != fd51::/64 drop
  }
}
EOF
}

start_servers () {
  make_certs
  spawn "$INET" coturn turnserver -n --stun-only --no-cli --no-tls --no-dtls \
    --listening-ip "$STUN4" --listening-ip "$STUN6" --listening-port 3478 \
    --log-file stdout --simple-log --no-software-attribute \
    --pidfile "$DIR/turnserver-own.pid"
  spawn "$INET" echo "$PYTHON" "$SERVERS/ip-echo.py" --cert "$DIR/server.pem" \
    --key "$DIR/server.key" --bind "$ECHO4" --bind "$ECHO6" --port 443 \
    --ready-file "$DIR/echo.port"
  wait_for 10 "the HTTPS echo" test -f "$DIR/echo.port"
  wait_for 10 "coturn" in_ns "$INET" "$PYTHON" -c "$STUN_PROBE" "$STUN4"

  spawn "$VPN" openvpn-server openvpn --dev tun0 --dev-type tun --proto udp \
    --local "$VPN_SERVER" --lport 1194 --disable-dco \
    --server 10.8.0.0 255.255.255.0 --server-ipv6 fd51::/64 --topology subnet \
    --ca "$DIR/vpn-ca.pem" --cert "$DIR/vpn-server.pem" --key "$DIR/vpn-server.key" \
    --dh none --data-ciphers AES-256-GCM --keepalive 2 10 --verb 3
}

tunnel_up () {
  # The route to the VPN server stays on the LAN, whatever else changes.
  in_ns "$CLIENT" ip route replace "$VPN_SERVER/32" via "$LAN4_GW"
  local attempt
  for attempt in 1 2; do
    # The old client's log must go first: the new one is truncated only
    # once the background job runs, and its "Initialization Sequence
    # Completed" would pass for the new connection's.
    rm -f "$DIR/openvpn-client.log"
    spawn "$CLIENT" openvpn-client openvpn --client --dev tun0 --dev-type tun --proto udp \
      --remote "$VPN_SERVER" 1194 --nobind --disable-dco --route-nopull \
      --ca "$DIR/vpn-ca.pem" --cert "$DIR/vpn-client.pem" --key "$DIR/vpn-client.key" \
      --remote-cert-tls server --data-ciphers AES-256-GCM --verb 3
    if wait_for 20 "the VPN tunnel" grep -q "Initialization Sequence Completed" "$DIR/openvpn-client.log" &&
       wait_for 5 "tun0" in_ns "$CLIENT" ip link show tun0; then
      return 0
    fi
    # Say why, then try once more with a fresh client: a reconnect right
    # after a disconnect has been seen to stall on a loaded machine.
    log "OpenVPN did not connect (attempt $attempt): $(tail -n 3 "$DIR/openvpn-client.log" | tr '\n' ' ')"
    kill "$(cat "$DIR/openvpn-client.pid")" 2>/dev/null || true
    sleep 0.5
  done
  return 1
}

tunnel_down () {
  if [ -f "$DIR/openvpn-client.pid" ]; then
    kill "$(cat "$DIR/openvpn-client.pid")" 2>/dev/null || true
    rm -f "$DIR/openvpn-client.pid"
  fi
  wait_for 10 "the tunnel to close" sh -c "! ip netns exec '$CLIENT' ip link show tun0"
}

# --- scenarios: each starts from the plain topology with servers up -------

scenario_novpn () {
  # No tunnel: the LAN carries everything.
  :
}

# Routes the way OpenVPN's redirect-gateway def1 does: two halves of the
# address space through the tunnel, the LAN's default route left in place
# (so a socket pinned to the LAN still finds a way out).
tunnel_ipv4 () {
  in_ns "$CLIENT" ip route replace 0.0.0.0/1 via "$TUN4_GW" dev tun0
  in_ns "$CLIENT" ip route replace 128.0.0.0/1 via "$TUN4_GW" dev tun0
}

tunnel_ipv6 () {
  in_ns "$CLIENT" ip -6 route replace ::/1 via "$TUN6_GW" dev tun0
  in_ns "$CLIENT" ip -6 route replace 8000::/1 via "$TUN6_GW" dev tun0
}

# Each scenario has a setup (run once) and the routes through its tunnel
# (run again by "lab.sh tunnel up", since they go with the tun device).

scenario_fullvpn () {
  # IPv4 and IPv6 tunnelled; the LAN keeps its global IPv6 address.
  tunnel_up
  routes_fullvpn
}
routes_fullvpn () { tunnel_ipv4; tunnel_ipv6; }

scenario_splitvpn () {
  # Everything tunnelled but the STUN server, which a split-tunnel rule
  # sends through the LAN.
  tunnel_up
  routes_splitvpn
}
routes_splitvpn () {
  routes_fullvpn
  in_ns "$CLIENT" ip route replace "$STUN4/32" via "$LAN4_GW" dev lan0
}

scenario_ipv6leak () {
  # IPv4 tunnelled; IPv6 stays native on the LAN.
  tunnel_up
  routes_ipv6leak
}
routes_ipv6leak () { tunnel_ipv4; }

scenario_stun_blocked () {
  # IPv4 fully tunnelled, no IPv6 on the LAN, and the VPN provider drops
  # UDP to the STUN server.
  in_ns "$CLIENT" ip -6 route del default
  in_ns "$CLIENT" ip -6 addr del "$LAN6/64" dev lan0
  in_ns "$VPN" nft add rule ip vpn forward ip daddr "$STUN4" udp dport 3478 drop
  tunnel_up
  routes_stun_blocked
}
routes_stun_blocked () { tunnel_ipv4; }

scenario_protected () {
  # IPv4 fully tunnelled and no IPv6 on the LAN: nothing outside the tunnel
  # for a page to see.
  in_ns "$CLIENT" ip -6 route del default
  in_ns "$CLIENT" ip -6 addr del "$LAN6/64" dev lan0
  tunnel_up
  routes_protected
}
routes_protected () { tunnel_ipv4; }
routes_novpn () { :; }

# No IPv6 on the LAN, as in "protected".
no_lan_ipv6 () {
  in_ns "$CLIENT" ip -6 route del default
  in_ns "$CLIENT" ip -6 addr del "$LAN6/64" dev lan0
}

scenario_tunnelvision () {
  # IPv4 fully tunnelled, then the routes a rogue DHCP server pushes with
  # option 121: four /2s through the LAN gateway, each more specific than
  # OpenVPN's /1s, so every packet leaves through the LAN while tun0 stays
  # up with its routes (TunnelVision, CVE-2024-3661).
  no_lan_ipv6
  tunnel_up
  routes_tunnelvision
}
routes_tunnelvision () {
  tunnel_ipv4
  local quarter
  for quarter in 0.0.0.0/2 64.0.0.0/2 128.0.0.0/2 192.0.0.0/2; do
    in_ns "$CLIENT" ip route replace "$quarter" via "$LAN4_GW" dev lan0 proto dhcp
  done
}

scenario_ipv6split () {
  # Both families tunnelled, but a /128 sends the IPv6 STUN server through
  # the LAN: the default IPv6 route stays inside the tunnel.
  tunnel_up
  routes_ipv6split
}
routes_ipv6split () {
  routes_fullvpn
  in_ns "$CLIENT" ip -6 route replace "$STUN6/128" via "$LAN6_GW" dev lan0
}

scenario_deadvpn () {
  # As "protected", then the VPN's server dies. The client keeps tun0 and
  # its routes until its keepalive gives up (10 s), so the tunnel is up and
  # passes nothing.
  no_lan_ipv6
  tunnel_up
  routes_deadvpn
  kill "$(cat "$DIR/openvpn-server.pid")"
  wait_for 5 "the VPN server to stop" sh -c "! kill -0 $(cat "$DIR/openvpn-server.pid") 2>/dev/null"
}
routes_deadvpn () { tunnel_ipv4; }

scenario_localnet () {
  # IPv4 fully tunnelled, but the local network also uses 203.0.113.0/24,
  # where the STUN server and the HTTPS echo are (TunnelCrack's LocalNet):
  # the LAN's own link route is more specific than the tunnel's /1s, and
  # the ISP's router answers for those addresses (proxy ARP).
  no_lan_ipv6
  in_ns "$ISP" sysctl -qw net.ipv4.conf.lan.proxy_arp=1
  in_ns "$ISP" ip route add "$LOCALNET4/32" dev lan
  in_ns "$CLIENT" ip addr add "$LOCALNET4/24" dev lan0
  tunnel_up
  routes_localnet
}
routes_localnet () { tunnel_ipv4; }

SCENARIOS="novpn fullvpn splitvpn ipv6leak stun-blocked protected tunnelvision ipv6split deadvpn localnet"

# --- commands ------------------------------------------------------------

down () {
  local ns pids
  for ns in $NAMESPACES; do
    ip netns list 2>/dev/null | grep -qw "^$ns" || continue
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -n "$pids" ] && kill $pids 2>/dev/null || true
  done
  for ns in $NAMESPACES; do
    ip netns list 2>/dev/null | grep -qw "^$ns" || continue
    for _ in $(seq 30); do
      [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break
      sleep 0.1
    done
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null || true
    ip netns del "$ns"
  done
  rm -rf "$DIR"
}

up () {
  local scenario=${1:-}
  if ! printf '%s\n' $SCENARIOS | grep -qx -- "$scenario"; then
    echo "usage: lab.sh up {$(echo $SCENARIOS | tr ' ' '|')}" >&2
    exit 64
  fi
  down
  mkdir -p "$DIR"
  trap 'log "setting up failed; tearing down"; down' ERR
  trap 'down; exit 130' INT TERM
  build_topology
  start_servers
  "scenario_${scenario//-/_}"
  echo "$scenario" >"$DIR/scenario"
  trap - ERR INT TERM
  log "$scenario is up (prefix $P)"
}

args () {
  echo "--stun $STUN4:3478 --stun [$STUN6]:3478" \
       "--ip-url https://$ECHO4/ --ip-url https://[$ECHO6]/json --ca-file $DIR/ca.pem"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  exec) shift; exec ip netns exec "$CLIENT" "$@" ;;
  args) args ;;
  tunnel)
    case "${2:-}" in
      up)
        tunnel_up
        scenario=$(cat "$DIR/scenario")
        "routes_${scenario//-/_}" ;;
      down) tunnel_down ;;
      *) echo "usage: lab.sh tunnel up|down" >&2; exit 64 ;;
    esac ;;
  scenarios) echo $SCENARIOS ;;
  *) sed -n '3,26p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64 ;;
esac

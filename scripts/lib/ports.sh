# shellcheck shell=bash
# free_ports N: sets the array `ports` to N distinct free loopback TCP ports below the ephemeral
# range. Another program may hold any fixed port; inside the ephemeral range the load generators'
# and other programs' outgoing connections take local ports, so a port free when checked was often
# taken by the time a proxy bound it (FreePorts in Java does the same).
free_ports() {
  local want=$1 ephemeral p
  read -r ephemeral _ </proc/sys/net/ipv4/ip_local_port_range
  ports=()
  while [ ${#ports[@]} -lt "$want" ]; do
    p=$((10000 + RANDOM % (ephemeral > 12000 ? ephemeral - 10000 : 20000)))
    ss -Htan "sport = :$p" | grep -q . || [[ " ${ports[*]} " == *" $p "* ]] || ports+=("$p")
  done
}

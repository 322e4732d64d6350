#!/usr/bin/env bash
# A real PXE client, a qemu PC under TCG, network-boots through snowboot's dhcpd and in.tftpd
# (chrooted with -s), each in network namespaces this test creates:
#   server namespace: s0 (192.168.0.1/24), dhcpd and in.tftpd from the build tree
#   client namespace: bridge br0 holding c0 (the veth peer of s0) and tap0 for qemu
#   bios: SeaBIOS + iPXE ROM (e1000) -> pxelinux.0 -> ldlinux.c32 -> pxelinux.cfg lookups
#         (UUID, 01-MAC, hex IP shrinking, then `default`, a relative symlink) -> the config says
#         a marker on the serial console -> poweroff.c32
#   uefi: OVMF's own PXE (virtio-net, no option ROM, option 93 = 7) -> ipxe.efi -> iPXE asks
#         again with user-class "iPXE" -> boot.ipxe echoes a marker, then the test stops qemu
#   pxe_boot_test.sh bios|uefi DHCPD IN_TFTPD
set -euo pipefail
mode=$1
dhcpd=$2
tftpd=$3
case "$mode" in bios|uefi) ;; *) echo "usage: $0 bios|uefi DHCPD IN_TFTPD" >&2; exit 2;; esac

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86 is not installed"
command -v radvd >/dev/null || skip "radvd is not installed"
[ -c /dev/net/tun ] || skip "no /dev/net/tun for qemu's tap"
if [ "$mode" = bios ]; then
  rom=/usr/lib/ipxe/qemu/pxe-e1000.rom
  pxelinux=/usr/lib/PXELINUX/pxelinux.0
  modules=/usr/lib/syslinux/modules/bios
  [ -r "$rom" ] || skip "ipxe-qemu is not installed ($rom)"
  [ -r "$pxelinux" ] || skip "pxelinux is not installed ($pxelinux)"
  [ -r "$modules/ldlinux.c32" ] || skip "syslinux-common is not installed ($modules)"
else
  ovmfCode=/usr/share/OVMF/OVMF_CODE_4M.fd
  ovmfVars=/usr/share/OVMF/OVMF_VARS_4M.fd
  ipxeEfi=/usr/lib/ipxe/ipxe.efi
  [ -r "$ovmfCode" ] && [ -r "$ovmfVars" ] || skip "ovmf is not installed ($ovmfCode)"
  [ -r "$ipxeEfi" ] || skip "ipxe is not installed ($ipxeEfi)"
fi

# TCG boots take ~7 s (BIOS) and ~20 s (UEFI) here; the bound only stops a hung boot.
bootLimit=120
mac=52:54:00:12:34:56
# iPXE sends the SMBIOS UUID in option 97 with its first three fields byte-swapped from qemu's
# text, and pxelinux asks for pxelinux.cfg/<option 97 as text>.
uuid=8fd9a7c2-0e2b-4f3a-9c1d-5a6b7c8d9e0f
pxeUuid=c2a7d98f-2b0e-3a4f-9c1d-5a6b7c8d9e0f
marker="SNOWBOOT-PXE-${mode^^}-$$-$RANDOM"
source "$(dirname "$0")/../support/netns_test.sh"
server=sb-pxe-s-$$
client=sb-pxe-c-$$
make_work pxe
fail() {
  echo "FAIL: $*"
  for log in dhcpd tftpd radvd serial qemu; do
    echo "--- $log log"
    [ -f "$work/$log.log" ] && tr -d '\r' <"$work/$log.log" | tail -n 60
  done
  exit 1
}

# The served tree: world-readable, as in.tftpd (like tftpd-hpa) serves nothing else once it
# runs as nobody.
root=$work/tftproot
mkdir -p "$root"
if [ "$mode" = bios ]; then
  cp "$pxelinux" "$modules/ldlinux.c32" "$modules/poweroff.c32" "$root/"
  mkdir -p "$root/pxelinux.cfg" "$root/configs"
  cat >"$root/configs/lab.cfg" <<CFG
SERIAL 0 115200
SAY $marker
PROMPT 0
TIMEOUT 1
DEFAULT off
LABEL off
  COM32 poweroff.c32
CFG
  # pxelinux finds nothing until `default`, a relative link that must stay inside the root.
  ln -s ../configs/lab.cfg "$root/pxelinux.cfg/default"
else
  cp "$ipxeEfi" "$root/ipxe.efi"
  # Debian's ipxe.efi (1.0.0+git-20190125) has no `poweroff` command: the script parks iPXE
  # in its shell and the test stops qemu once the marker is out.
  printf '#!ipxe\necho %s\nshell\n' "$marker" >"$root/boot.ipxe"
  cp "$ovmfVars" "$work/OVMF_VARS_4M.fd"
fi
chmod -R a+rX "$work"

# The classic ISC pattern for mixed BIOS/UEFI/iPXE clients. BIOS iPXE ROMs send user-class
# "iPXE" as well, so the BIOS case comes first to send them to pxelinux.
cat >"$work/dhcpd.conf" <<'CONF'
ddns-update-style none;
default-lease-time 600;
max-lease-time 7200;
authoritative;
option domain-name "pxelab.test";
option arch code 93 = unsigned integer 16;
allow booting;
allow bootp;

subnet 192.168.0.0 netmask 255.255.255.0 {
  option routers 192.168.0.1;
  option subnet-mask 255.255.255.0;
  option broadcast-address 192.168.0.255;
  next-server 192.168.0.1;
  if option arch = 00:00 {
    filename "pxelinux.0";
  } elsif exists user-class and option user-class = "iPXE" {
    filename "boot.ipxe";
  } elsif option arch = 00:07 {
    filename "ipxe.efi";
  }
}

host pxeclient {
  hardware ethernet 52:54:00:12:34:56;
  fixed-address 192.168.0.200;
}
CONF
: >"$work/dhcpd.leases"

add_namespaces "$server" "$client"
# No IPv6 on the client side's bridge and tap: the kernel there takes no part in the boot.
ip netns exec "$client" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
  net.ipv6.conf.default.disable_ipv6=1
# radvd needs IPv6 on s0 (a new namespace may inherit it turned off).
ip netns exec "$server" sysctl -q -w net.ipv6.conf.all.disable_ipv6=0 \
  net.ipv6.conf.default.disable_ipv6=0 || true
ip link add s0 netns "$server" type veth peer name c0 netns "$client"
ip -n "$server" addr add 192.168.0.1/24 dev s0
ip -n "$server" link set s0 up
ip -n "$client" link add br0 type bridge stp_state 0 forward_delay 0
ip -n "$client" tuntap add tap0 mode tap
ip -n "$client" link set c0 master br0
ip -n "$client" link set tap0 master br0
for dev in c0 tap0 br0; do ip -n "$client" link set "$dev" up; done

# iPXE waits ~16 s for an IPv6 router advertisement before it boots (its DHCPv4 lease is ready
# long before): measured here, turning IPv6 off on the client side does not shorten that. One
# router advertisement with router lifetime 0 and no prefix ends the wait at once.
cat >"$work/radvd.conf" <<'CONF'
interface s0 {
  AdvSendAdvert on;
  AdvDefaultLifetime 0;
  MinRtrAdvInterval 3;
  MaxRtrAdvInterval 10;
};
CONF
ip netns exec "$server" radvd -n -m stderr -C "$work/radvd.conf" -p "$work/radvd.pid" \
  >"$work/radvd.log" 2>&1 &
track $!

ip netns exec "$server" "$dhcpd" -f -d -cf "$work/dhcpd.conf" -lf "$work/dhcpd.leases" \
  --no-pid s0 >"$work/dhcpd.log" 2>&1 &
track $!
ip netns exec "$server" "$tftpd" -L -v -s --stderr -a 192.168.0.1:69 "$root" \
  >"$work/tftpd.log" 2>&1 &
track $!
wait_for "$work/dhcpd.log" "^Listening on LPF/s0/" 10
# SNOWBOOT_PXE_CAPTURE=FILE records the boot's packets on s0 (dumpcap, from tshark) to debug.
if [ -n "${SNOWBOOT_PXE_CAPTURE:-}" ]; then
  ip netns exec "$server" dumpcap -q -i s0 -w "$SNOWBOOT_PXE_CAPTURE" 2>/dev/null &
  track $!
  sleep 1
fi

qemu=(qemu-system-x86_64 -accel tcg -m 256 -smp 1 -display none -no-user-config -nodefaults
      -serial "file:$work/serial.log" -monitor none -uuid "$uuid"
      -netdev tap,id=net0,ifname=tap0,script=no,downscript=no)
if [ "$mode" = bios ]; then
  qemu+=(-machine pc,graphics=off -boot n
         -device "e1000,netdev=net0,mac=$mac,romfile=$rom")
else
  qemu+=(-machine q35
         -drive "if=pflash,format=raw,unit=0,readonly=on,file=$ovmfCode"
         -drive "if=pflash,format=raw,unit=1,file=$work/OVMF_VARS_4M.fd"
         -device "virtio-net-pci,netdev=net0,mac=$mac,romfile=,bootindex=1")
fi
started=$SECONDS
ip netns exec "$client" "${qemu[@]}" >"$work/qemu.log" 2>&1 &
qemuPid=$!
track "$qemuPid"

# A boot that hangs is killed by the cleanup.
wait_for "$work/serial.log" "$marker" "$bootLimit"
echo "ok   marker on the serial console after $((SECONDS - started)) s"
if [ "$mode" = bios ]; then
  # poweroff.c32, fetched after the marker, turns the machine off.
  deadline=$((SECONDS + 20))
  while kill -0 "$qemuPid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  kill -0 "$qemuPid" 2>/dev/null && fail "qemu did not power off after the marker"
  echo "ok   the client powered off after $((SECONDS - started)) s"
else
  kill "$qemuPid"
  wait "$qemuPid" 2>/dev/null || true
fi

# What the daemons saw, in the order a PXE client of this kind asks.
ack="^DHCPACK on 192.168.0.200 to $mac via s0$"
grep -q "$ack" "$work/dhcpd.log" || fail "no '$ack' in the dhcpd log"
if [ "$mode" = bios ]; then
  want=(pxelinux.0 ldlinux.c32 "pxelinux.cfg/$pxeUuid" pxelinux.cfg/01-52-54-00-12-34-56
        pxelinux.cfg/C0A800C8 pxelinux.cfg/C0A800C pxelinux.cfg/C0A800 pxelinux.cfg/C0A80
        pxelinux.cfg/C0A8 pxelinux.cfg/C0A pxelinux.cfg/C0 pxelinux.cfg/C pxelinux.cfg/default
        poweroff.c32)
else
  want=(ipxe.efi boot.ipxe)
fi
# The firmware's own account of the first download: the size our OACK announced (tsize) is the
# file's, and the transfer completed.
if [ "$mode" = bios ]; then
  firmwareSaw=("pxelinux.0 : $(stat -c %s "$root/pxelinux.0") bytes [PXE-NBP]")
else
  firmwareSaw=("NBP filename is ipxe.efi" "NBP filesize is $(stat -c %s "$root/ipxe.efi") Bytes"
               "NBP file downloaded successfully" "Filename: boot.ipxe")
fi
for text in "${firmwareSaw[@]}"; do
  grep -aqF -- "$text" "$work/serial.log" || fail "no '$text' on the serial console"
done
echo "ok   on the console: ${firmwareSaw[*]}"
got=$(sed -n 's/^.*RRQ from 192\.168\.0\.200 filename \(.*\)$/\1/p' "$work/tftpd.log" | uniq)
[ "$got" = "$(printf '%s\n' "${want[@]}")" ] \
  || fail "TFTP requests, expected: ${want[*]}; got: $(echo $got)"
echo "ok   TFTP requests in order: $(echo $got)"
if [ "$mode" = uefi ]; then
  # The second ACK goes to iPXE, which asked with user-class "iPXE" for boot.ipxe.
  acks=$(grep -c "$ack" "$work/dhcpd.log" || true)
  [ "$acks" -ge 2 ] || fail "expected DHCPACKs for OVMF and for iPXE, found $acks"
fi
echo "PXE $mode boot through snowboot dhcpd and in.tftpd in $((SECONDS - started)) s"

#!/usr/bin/env bash
# Installs the system tools the tests need, when they are missing.
#
#   bash scripts/ensure-tools.sh dovecot tmux mbsync
#
# dovecot -> packages dovecot-imapd (dovecot, doveadm) and openssl
# tmux    -> package tmux
# mbsync  -> package isync
# openssl -> package openssl
#
# As root with apt-get: installs what is missing. Otherwise: prints one line per missing
# package saying how to install it, and exits 1.
set -euo pipefail

# "binary package" pairs for a tool name.
requirements() {
  case "$1" in
    dovecot) echo "dovecot dovecot-imapd"; echo "doveadm dovecot-imapd"; echo "openssl openssl" ;;
    tmux) echo "tmux tmux" ;;
    mbsync) echo "mbsync isync" ;;
    openssl) echo "openssl openssl" ;;
    *) echo "ensure-tools: unknown tool '$1' (known: dovecot tmux mbsync openssl)" >&2; return 2 ;;
  esac
}

have() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/local/sbin/$1" ] || [ -x "/sbin/$1" ]
}

missing=()
for tool in "$@"; do
  lines=$(requirements "$tool") || exit 2
  while read -r binary package; do
    [ -n "$binary" ] || continue
    if ! have "$binary"; then
      case " ${missing[*]-} " in
        *" $package "*) ;;
        *) missing+=("$package") ;;
      esac
    fi
  done <<<"$lines"
done

[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  for package in "${missing[@]}"; do
    echo "imap-migrate tests need $package: install it with: sudo apt-get install $package"
  done
  exit 1
fi

echo "ensure-tools: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null

# Installing dovecot-imapd starts the system service on 143/993. The tests run their own
# private instances on free loopback ports and never use it: stop it and keep it from starting.
for package in "${missing[@]}"; do
  if [ "$package" = dovecot-imapd ]; then
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      systemctl disable --now dovecot >/dev/null 2>&1 || true
    fi
    if command -v service >/dev/null 2>&1; then
      service dovecot stop >/dev/null 2>&1 || true
    elif command -v invoke-rc.d >/dev/null 2>&1; then
      invoke-rc.d dovecot stop >/dev/null 2>&1 || true
    fi
    if command -v update-rc.d >/dev/null 2>&1; then
      update-rc.d dovecot disable >/dev/null 2>&1 || true
    fi
  fi
done

for tool in "$@"; do
  while read -r binary package; do
    if [ -n "$binary" ] && ! have "$binary"; then
      echo "ensure-tools: $binary is still missing after installing $package" >&2
      exit 1
    fi
  done <<<"$(requirements "$tool")"
done

#!/usr/bin/env bash
# Installs what cross-building Wisp for AArch64 and running it under emulation need, from
# Debian 12's packages: the cross compiler, qemu-user, and the arm64 builds of the libraries
# through Debian multiarch. Idempotent: touches apt only when something is missing.
set -euo pipefail

packages=(
  g++-aarch64-linux-gnu qemu-user          # the cross toolchain and the emulator
  libasmjit-dev:arm64 libcapstone-dev:arm64 libstdc++6:arm64   # the emulated runs use these
  libgtest-dev:arm64 libgmock-dev:arm64
  libcli11-dev nlohmann-json3-dev libxxhash-dev   # header only
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$package")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup-aarch64: all ${#packages[@]} packages are installed"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "setup-aarch64: missing packages: ${missing[*]}" >&2
  echo "setup-aarch64: run this script as root (or install sudo) to install them" >&2
  exit 1
fi

echo "setup-aarch64: installing ${missing[*]}"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  "${as_root[@]}" dpkg --add-architecture arm64
fi
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"

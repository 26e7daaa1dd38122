#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# install-deps.sh -- installs what Guichet needs on Debian 12 and is missing:
# Debian packages (build libraries, PostgreSQL 15, nginx, the SMTP sink,
# Chromium, test runners, systemd-analyze and the Debian packaging tools
# for `make deb`) and the npm packages of the development identity
# provider and the browser tests (pinned by their package-lock.json).
# Safe to run again: it only installs what is absent.  Needs root (or sudo)
# only when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
  build-essential pkg-config git ca-certificates curl
  libfcgi-dev libfcgi-bin libpq-dev libxml2-dev libxml2-utils libxslt1-dev
  libssl-dev liboauth2-dev libcmocka-dev libcurl4-openssl-dev
  libxlsxwriter-dev libgraphviz-dev graphviz
  postgresql-15 postgresql-client-15 nginx-light
  python3 python3-pytest python3-aiosmtpd
  nodejs npm chromium wrk
  systemd debhelper dpkg-dev fakeroot lintian man-db
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    # a package may be provided by another (e.g. nodejs from a newer source)
    case "$p" in
      nodejs|npm) command -v "${p/nodejs/node}" >/dev/null 2>&1 && continue ;;
    esac
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    SUDO="sudo -n"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi

# nginx-light's package starts a system nginx on port 80; ours runs on its
# own prefix and ports, so the system one is left as the package set it up.

# the development identity provider (oidc-provider 9) needs Node >= 20.18;
# Debian 12's own nodejs is 18, so say so plainly instead of failing later
node_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number);
  console.log(a > 20 || (a === 20 && b >= 18) ? "yes" : "no")' 2>/dev/null || echo no)
if [ "$node_ok" != yes ]; then
  echo "install-deps: Node.js >= 20.18 is needed (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# npm packages, pinned by lock files, installed offline-first
for dir in scripts/idp tests/browser; do
  if [ -f "$dir/package.json" ]; then
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
      echo "install-deps: npm ci in $dir"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error </dev/null)
      touch "$dir/node_modules"
    fi
  fi
done

#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# install-deps.sh -- installs what Guichet needs on Debian 12 and is missing:
# Debian packages (build libraries, PostgreSQL 15, nginx, the SMTP sink,
# ClamAV's daemon, WeasyPrint and poppler-utils for the letters, Chromium, test runners, systemd-analyze and the Debian
# packaging tools for `make deb`) and the npm packages of the development
# identity provider and the browser tests (pinned by their package-lock.json).
# Safe to run again: it only installs what is absent.  Needs root (or sudo)
# only when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
  build-essential pkg-config git ca-certificates curl
  libfcgi-dev libfcgi-bin libpq-dev libxml2-dev libxml2-utils libxslt1-dev
  libssl-dev liboauth2-dev libcmocka-dev libcurl4-openssl-dev
  libxlsxwriter-dev libgraphviz-dev graphviz
  weasyprint poppler-utils
  postgresql-15 postgresql-client-15 nginx-light
  python3 python3-pytest python3-aiosmtpd python3-openpyxl clamav-daemon
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
  # clamav-daemon would start a system clamd (which finds no database) and
  # freshclam (which downloads the real ones, ~200 MB): the stack runs its
  # own clamd on the project's test signature, so while installing, a
  # policy-rc.d of ours says no to those two (and defers to no policy for
  # the rest); one already there (a container's) is left alone
  policy=/usr/sbin/policy-rc.d
  if [[ " ${missing[*]} " == *" clamav-daemon "* ]] && [ ! -e "$policy" ]; then
    printf '%s\n' '#!/bin/sh' '# Guichet install-deps.sh, for one apt-get run' \
      'for a; do case "$a" in clamav-daemon|clamav-freshclam) exit 101 ;; esac; done' \
      'exit 104' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    trap '$SUDO rm -f "$policy"' EXIT
  fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
  if [[ " ${missing[*]} " == *" clamav-daemon "* ]]; then
    echo "install-deps: clamav-daemon installed, its system clamd and freshclam not started;"
    echo "  the stack runs its own clamd.  A server scanning for real enables them (docs/runtime.md)."
  fi
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

#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# make-deb.sh -- `make deb`: builds the guichet .deb with debhelper from a
# copy of the tree (the files git knows, committed or not), so the
# package build's clean step never touches this tree's build/, then runs
# lintian on it.  Every lintian tag that remains is explained in
# debian/guichet.lintian-overrides; any other warning or error fails.
# Output: build/deb/guichet_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
# the package's own layout (debian/rules), whatever this shell has set
unset PREFIX DATADIR SYSCONFDIR LOCALSTATEDIR UNITDIR DESTDIR
OUT="$PWD/build/deb"
SRC="$OUT/guichet"
rm -rf "$OUT"
mkdir -p "$SRC"
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | xargs -0 cp --parents -t "$SRC"
(
  cd "$SRC"
  DEB_BUILD_OPTIONS="parallel=$(nproc) nocheck" \
    dpkg-buildpackage -b -us -uc --no-sign >"$OUT/build.log" 2>&1 \
    || { tail -40 "$OUT/build.log" >&2; exit 1; }
)
deb=$(ls "$OUT"/guichet_*.deb)
echo "built $deb"
lintian --fail-on error,warning --display-info "$deb" | tee "$OUT/lintian.log"

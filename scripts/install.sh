#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# install.sh -- `make install`: puts the built engine and its files in an
# FHS layout under DESTDIR (the Makefile passes PREFIX, DATADIR,
# SYSCONFDIR, LOCALSTATEDIR, UNITDIR and DESTDIR):
#   PREFIX/bin/guichet                         the command
#   DATADIR/workflows/workflow.rng             the schema
#   DATADIR/xslt/ (i18n/, pages/, mail/)       stylesheets and catalogues
#   DATADIR/sql/                               migrations
#   DATADIR/nginx/, DATADIR/assets/            nginx templates, static files
#   PREFIX/share/man/man5, man8                guichet-workflow(5), guichet(8)
#   PREFIX/lib/systemd/system/guichet.service  the unit
#   SYSCONFDIR/guichet.conf                    configuration (kept if present)
#   SYSCONFDIR/workflows/*.xml                 the procedures (kept if present)
#   LOCALSTATEDIR                              state (an empty folder)
# Configuration and procedures an administrator has edited are never
# overwritten.  Run from the top of the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PREFIX:=/usr/local}" "${DATADIR:=$PREFIX/share/guichet}"
: "${SYSCONFDIR:=$PREFIX/etc/guichet}" "${LOCALSTATEDIR:=$PREFIX/var/lib/guichet}"
D="${DESTDIR:-}"

copy_tree() {   # copy_tree SRC DEST: every file under SRC, mode 0644
  local src="$1" dest="$2" f
  while IFS= read -r -d '' f; do
    install -D -m 0644 "$f" "$dest/${f#"$src"/}"
  done < <(find "$src" -type f ! -name '*~' -print0)
}

install -D -m 0755 build/guichet "$D$PREFIX/bin/guichet"
install -D -m 0644 workflows/workflow.rng "$D$DATADIR/workflows/workflow.rng"
copy_tree xslt "$D$DATADIR/xslt"
copy_tree assets "$D$DATADIR/assets"
copy_tree nginx "$D$DATADIR/nginx"
install -d "$D$DATADIR/sql"
install -m 0644 sql/*.sql "$D$DATADIR/sql/"
for m in man/*.[0-9]; do
  [ -f "$m" ] || continue
  install -D -m 0644 "$m" "$D$PREFIX/share/man/man${m##*.}/$(basename "$m")"
done

# the systemd unit, pointed at this layout
sed -e "s|/usr/bin/guichet|$PREFIX/bin/guichet|g" -e "s|/etc/guichet|$SYSCONFDIR|g" \
    systemd/guichet.service > build/guichet.service
install -D -m 0644 build/guichet.service "$D${UNITDIR:-$PREFIX/lib/systemd/system}/guichet.service"
rm -f build/guichet.service

install -d "$D$SYSCONFDIR/workflows" "$D$LOCALSTATEDIR"
if [ ! -e "$D$SYSCONFDIR/guichet.conf" ]; then
  sed -e "s|@DATADIR@|$DATADIR|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" \
      -e "s|@LOCALSTATEDIR@|$LOCALSTATEDIR|g" etc/guichet.conf.in > "$D$SYSCONFDIR/guichet.conf"
  chmod 0644 "$D$SYSCONFDIR/guichet.conf"
fi
for w in workflows/*.xml; do
  [ -e "$D$SYSCONFDIR/workflows/$(basename "$w")" ] \
    || install -m 0644 "$w" "$D$SYSCONFDIR/workflows/"
done
echo "installed under ${D:-/}: $PREFIX/bin/guichet, $DATADIR, $SYSCONFDIR"

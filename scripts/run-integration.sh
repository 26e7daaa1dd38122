#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# run-integration.sh -- the integration and browser tests, each of which
# starts its own stack (PostgreSQL, SMTP sink, identity provider, engine,
# nginx) on free loopback ports.  pytest prints its own summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration "$@"

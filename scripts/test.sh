#!/usr/bin/env bash
# Runs the whole test suite (unit, in-process clusters, process-level tests) after installing the
# system tools some tests drive. Safe to run again; installs only what is missing.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
"$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/install-test-tools.sh"
exec mvn -B verify "$@"

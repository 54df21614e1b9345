#!/usr/bin/env bash
# failures.sh: one way to report a store failure (issue 13). A store
# function returns one value: a db_rc, or a store result type whose first
# values are db_rc's (X_OK, X_DB_BUSY, X_DB_ERR, X_DB_FULL; app/store/db.h),
# and pages hand every failure to ctx_store_error. No public store function
# reports its error through an out-parameter (`enum db_rc *`), and the old
# `dbrc` out-parameter and `X_STORE` codes are gone.
# Prints file:line for each one found and exits 1; exits 0 when none is.
# Usage: tests/lint/failures.sh [app-dir]   (default: app)
set -euo pipefail

root=${1:-app}
found=$( {
	grep -rnwE 'dbrc|[A-Z]+_STORE|MFA_STORE_ERR' "$root" || true
	grep -nE 'enum db_rc \*' "$root"/store/*.h || true
	grep -nE 'enum pw_rc' "$root"/store/*.h || true
} )
if [[ -n $found ]]; then
	echo "$found"
	echo "failures.sh: a store failure reported outside the one store result type (see app/store/db.h)" >&2
	exit 1
fi

#!/usr/bin/env bash
# layers.sh: dependencies point one way. Each directory under app/ is a
# layer, in this order, lowest first:
#   core < http < security < store < view < pages < server < main (app/main.c)
# A file may include headers from its own layer and from layers below it,
# never from one above: a back-edge is how a "small" change in a low layer
# starts to need the pages, and then nothing can be changed alone. Below
# pages the layers are side by side rather than a chain, so each one also
# lists what it may use (README: pages -> view, store, security, http ->
# core): view and http use core only, security core only, store core and
# security. A new edge between them is a design decision: add it here.
# Prints file:line for every edge that breaks the rule and exits 1; exits 0
# when there is none.
# Usage: tests/lint/layers.sh [app-dir]   (default: app)
set -euo pipefail

root=${1:-app}
# Lowest first. main is app/main.c, the top.
order=(core http security store view pages server main)

# What each layer may include besides itself (empty: everything below).
declare -A may=(
	[core]=""
	[http]="core"
	[security]="core"
	[store]="core security"
	[view]="core"
)

rank() {
	local i
	for i in "${!order[@]}"; do
		if [[ ${order[$i]} == "$1" ]]; then
			echo "$i"
			return
		fi
	done
	echo -1
}

bad=0
while IFS= read -r -d '' file; do
	rel=${file#"$root"/}
	if [[ $rel == */* ]]; then layer=${rel%%/*}; else layer=main; fi
	own=$(rank "$layer")
	if ((own < 0)); then
		echo "$file: not in a known layer (${order[*]})"
		bad=1
		continue
	fi
	# Only quoted project includes: "layer/name.h".
	while IFS=: read -r line inc; do
		to=${inc%%/*}
		theirs=$(rank "$to")
		if ((theirs < 0)); then
			echo "$file:$line: includes \"$inc\" from no known layer"
			bad=1
		elif ((theirs > own)); then
			echo "$file:$line: $layer includes \"$inc\" from $to, a higher layer"
			bad=1
		elif [[ $to != "$layer" && -v may[$layer] && " ${may[$layer]} " != *" $to "* ]]; then
			echo "$file:$line: $layer includes \"$inc\" from $to, which it may not use (only: ${may[$layer]:-nothing})"
			bad=1
		fi
	done < <(grep -n -o -E '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[^"]+"' "$file" |
		sed -E 's/^([0-9]+):.*"([^"]+)"$/\1:\2/')
done < <(find "$root" -name '*.[ch]' -print0 | sort -z)

if ((bad)); then
	echo "layers: back-edges found (order, lowest first: ${order[*]})" >&2
	exit 1
fi

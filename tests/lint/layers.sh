#!/usr/bin/env bash
# layers.sh: dependencies point one way. Each directory under app/ is a
# layer; a file may include headers from its own layer and the layers below
# it, never from one above: a back-edge is how a "small" change in a low
# layer starts to need the pages, and then nothing can be changed alone.
# Prints file:line for every back-edge and exits 1; exits 0 when there is none.
# Usage: tests/lint/layers.sh [app-dir]   (default: app)
set -euo pipefail

root=${1:-app}
# Lowest first. main is app/main.c, the top.
order=(core http security store view pages server main)

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
		fi
	done < <(grep -n -o -E '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[^"]+"' "$file" |
		sed -E 's/^([0-9]+):.*"([^"]+)"$/\1:\2/')
done < <(find "$root" -name '*.[ch]' -print0 | sort -z)

if ((bad)); then
	echo "layers: back-edges found (order, lowest first: ${order[*]})" >&2
	exit 1
fi

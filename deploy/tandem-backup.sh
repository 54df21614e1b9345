#!/usr/bin/env bash
# Daily backup of Tandem's database (run by tandem-backup.timer): an online
# copy (`tandem backup`), checked (`tandem check FILE`), kept as the newest
# 7 daily and 4 weekly copies (a weekly one each Sunday, and whenever none
# exists yet). The key file is never copied here: a backup alone cannot be
# read, so keep $TANDEM_DATA/secret.key somewhere else (deploy/README.md).
set -euo pipefail
umask 077
BIN=${TANDEM_BIN:-/opt/tandem/tandem}
DEST=${TANDEM_BACKUP_DIR:-/var/backups/tandem}
KEEP_DAILY=${TANDEM_BACKUP_DAILY:-7}
KEEP_WEEKLY=${TANDEM_BACKUP_WEEKLY:-4}
# The day, as YYYY-MM-DD (UTC); tests set it to play many days quickly.
TODAY=${TANDEM_BACKUP_TODAY:-$(date -u +%F)}
[[ "$TODAY" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || { echo "tandem-backup: bad date '$TODAY'" >&2; exit 1; }

mkdir -p "$DEST/daily" "$DEST/weekly"
file="$DEST/daily/tandem-$TODAY.db"
tmp="$file.partial"
rm -f "$tmp" "$tmp"-*
"$BIN" backup "$tmp" >/dev/null
if ! "$BIN" check "$tmp" >"$tmp.check" 2>&1; then
  echo "tandem-backup: the new backup did not pass its checks; the previous ones are kept:" >&2
  cat "$tmp.check" >&2
  rm -f "$tmp" "$tmp"-* "$tmp.check"
  exit 1
fi
rm -f "$tmp.check"
mv -f "$tmp" "$file"
if [ "$(date -u -d "$TODAY" +%u)" = 7 ] || [ -z "$(ls -A "$DEST/weekly")" ]; then
  cp -f "$file" "$DEST/weekly/tandem-$TODAY.db.partial"
  mv -f "$DEST/weekly/tandem-$TODAY.db.partial" "$DEST/weekly/tandem-$TODAY.db"
fi
# The names sort by date: keep the newest N of each.
prune() { { ls -1 "$1"/tandem-*.db 2>/dev/null || true; } | sort -r | tail -n +"$(($2 + 1))" | xargs -r rm -f --; }
prune "$DEST/daily" "$KEEP_DAILY"
prune "$DEST/weekly" "$KEEP_WEEKLY"
echo "tandem-backup: $file"

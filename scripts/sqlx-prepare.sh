#!/usr/bin/env bash
# Regenerates .sqlx/, the offline data that lets sqlx check our SQL at compile time
# without a database. Run it after changing a query or a migration, and commit .sqlx/.
#
# It starts a throwaway PostgreSQL, applies migrations/, and re-checks the crates that
# hold queries (domain, demo) with SQLX_OFFLINE_DIR set, which makes sqlx write one file per query.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bindir" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

work=$(mktemp -d /tmp/vitrine-sqlx.XXXXXX)
chmod 755 "$work"
as_pg=()
if [ "$(id -u)" = 0 ]; then chown postgres "$work"; as_pg=(runuser -u postgres --); fi
stop() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT
"${as_pg[@]}" "$bindir/initdb" -D "$work/data" -U vitrine --auth=trust --no-locale -E UTF8 --no-sync >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$work/data" -l "$work/log" -w \
  -o "-k $work -c listen_addresses= -c fsync=off" start >/dev/null
psql "postgresql://vitrine@localhost/postgres?host=$work" -qc 'CREATE DATABASE vitrine'
url="postgresql://vitrine@localhost/vitrine?host=$work"
for migration in "$root"/migrations/*.sql; do
  psql "$url" -q -v ON_ERROR_STOP=1 -f "$migration"
done

rm -rf "$root/.sqlx" && mkdir "$root/.sqlx"
# Touching the sources makes cargo re-expand the query macros.
find "$root/domain" "$root/demo" -name '*.rs' -exec touch {} +
cd "$root"
SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$root/.sqlx" DATABASE_URL="$url" \
  cargo check --quiet -p domain -p demo --tests
echo "wrote $(ls "$root/.sqlx" | wc -l) query files to .sqlx/"

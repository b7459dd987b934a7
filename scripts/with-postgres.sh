#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server, then stops the server and deletes its data,
# whatever the command's outcome:
#
#   scripts/with-postgres.sh npm test      # with WHARF_TEST_DATABASE=postgres, the suite's switch
#
# The server listens on 127.0.0.1 only, on a free port, with trust authentication for that address
# and nothing else; its data directory lives under $TMPDIR. The command sees the server's
# maintenance URL as WHARF_TEST_POSTGRES_URL (specs create one database per file from it).
# Run as root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command> [args…]" >&2
  exit 2
fi

bindir="$(pg_config --bindir 2>/dev/null || true)"
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL server binaries not found (install the postgresql package)" >&2
  exit 1
fi

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

work="$(mktemp -d "${TMPDIR:-/tmp}/wharf-pg.XXXXXX")"
[ "$(id -u)" -ne 0 ] || chown postgres: "$work"
chmod 700 "$work"

cleanup() {
  local status=$?
  if [ -f "$work/data/postmaster.pid" ]; then
    as_server_user "$bindir/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port the kernel just handed out and released: free unless someone races us for it.
port="${WHARF_TEST_POSTGRES_PORT:-$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}"

as_server_user "$bindir/initdb" -D "$work/data" -U postgres --auth=trust --encoding=UTF8 \
  --locale=C.UTF-8 >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; exit 1; }
# Loopback TCP only: no socket rule, no other address.
echo 'host all all 127.0.0.1/32 trust' >"$work/data/pg_hba.conf"

# A throwaway server: durability settings off for speed; enough connections for a few pools per spec.
as_server_user "$bindir/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 60 \
  -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$work/server.log" >&2; exit 1; }

export WHARF_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
export WHARF_TEST_DATABASE=postgres
status=0
"$@" || status=$?
exit "$status"

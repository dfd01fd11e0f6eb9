#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL beside it: a fresh cluster in a temp dir on a free
# loopback port, a `camhub` role with a password, and CAMHUB_TEST_POSTGRES_URL pointing at it.
# The server is stopped and its folder removed when the command ends, whether it passed or not.
# PostgreSQL refuses to run as root, so as root it runs as the `postgres` user the package made.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "with-postgres: no PostgreSQL found (run scripts/setup-system.sh test)" >&2; exit 1; }

run_as=()
if [ "$(id -u)" -eq 0 ]; then run_as=(runuser -u postgres --); fi

dir=$(mktemp -d /tmp/camhub-pg.XXXXXX)
chmod 755 "$dir"
[ ${#run_as[@]} -gt 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')

stop() {
  "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

echo "$password" > "$dir/pwfile"
[ ${#run_as[@]} -gt 0 ] && chown postgres "$dir/pwfile"
"${run_as[@]}" "$bin/initdb" -D "$dir/data" -U camhub --pwfile "$dir/pwfile" -A scram-sha-256 -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# In the config file, not on the command line, so a test that stops and starts the server (as a
# crash and a restart would) gets the same port.
cat >> "$dir/data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
CONF
"${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
PGPASSWORD="$password" "$bin/createdb" -h 127.0.0.1 -p "$port" -U camhub camhub

export CAMHUB_TEST_POSTGRES_URL="postgres://camhub:$password@127.0.0.1:$port/camhub?sslmode=disable"
export CAMHUB_TEST_POSTGRES_BIN="$bin"
export CAMHUB_TEST_POSTGRES_DATA="$dir/data"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
"$@"

#!/usr/bin/env bash
# postgis-entrypoint [postgres [OPTION...]] | COMMAND...
# On an empty $PGDATA, initialise the cluster first:
#   POSTGRES_PASSWORD_FILE  file holding the superuser's password (a Docker secret, /run/secrets/...); or
#   POSTGRES_PASSWORD       the password itself (tests only: it shows in `docker inspect`)
#   POSTGRES_USER           superuser name (default postgres)
#   POSTGRES_DB             database created with the postgis extension (default: the superuser's name)
#   /docker-entrypoint-initdb.d/*.sql and *.sh run once, in name order, against POSTGRES_DB.
# On an initialised $PGDATA with POSTGRES_PASSWORD_FILE set, the superuser's password is set from that file again
# (the secret is the one source of truth: a new secret version changes the password at the next start).
# Then run postgres, listening on every address; remote clients authenticate with scram-sha-256.
# GEOSTACK_PGBACKREST_SERVER=y: run `pgbackrest server` beside postgres (restarted if it stops; its configuration is
# the file PGBACKREST_CONFIG names, a Docker secret), for the repository host to take the backups; signals go to
# postgres, and the server is stopped once postgres has stopped.
set -euo pipefail

if [ "${1:-postgres}" != postgres ] && [ "${1#-}" = "$1" ]; then
  exec "$@"
fi
[ "${1:-}" = postgres ] && shift

fail() { echo "postgis-entrypoint: $*" >&2; exit 1; }

user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
# The private servers below listen on a socket of their own (local trust), never on the shared socket directory.
private=$(mktemp -d)

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=${POSTGRES_PASSWORD_FILE:-}
  if [ -z "$pwfile" ]; then
    [ -n "${POSTGRES_PASSWORD:-}" ] || fail "$PGDATA is empty: set POSTGRES_PASSWORD_FILE (a Docker secret) or POSTGRES_PASSWORD to initialise it"
    pwfile=$(mktemp)
    trap 'rm -f "$pwfile"' EXIT
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  fi
  [ -r "$pwfile" ] || fail "POSTGRES_PASSWORD_FILE=$pwfile is not a readable file"
  [ -s "$pwfile" ] || fail "POSTGRES_PASSWORD_FILE=$pwfile is empty"
  echo "postgis-entrypoint: initialising $PGDATA (superuser $user, database $db)" >&2
  initdb --username="$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 -D "$PGDATA" >/dev/null
  printf "\nlisten_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
  printf 'host all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  # A private server (unix socket only) for the setup.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=$private" -w -t 60 start >/dev/null
  psql=(psql -v ON_ERROR_STOP=1 -X -q --host="$private" --username="$user" --no-password)
  if [ "$db" != postgres ]; then
    "${psql[@]}" --dbname=postgres --set=db="$db" <<<'CREATE DATABASE :"db";'
  fi
  "${psql[@]}" --dbname="$db" -c 'CREATE EXTENSION IF NOT EXISTS postgis;'
  for script in /docker-entrypoint-initdb.d/*; do
    case "$script" in
      *.sql) echo "postgis-entrypoint: running $script" >&2; "${psql[@]}" --dbname="$db" -f "$script" ;;
      *.sh) echo "postgis-entrypoint: running $script" >&2; PGHOST="$private" PGUSER="$user" PGDATABASE="$db" bash "$script" ;;
      *) ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "postgis-entrypoint: initialised" >&2
elif [ -n "${POSTGRES_PASSWORD_FILE:-}" ] && [ ! -e "$PGDATA/recovery.signal" ] && [ ! -e "$PGDATA/standby.signal" ]; then
  # (Not on a cluster to recover, restored by pgBackRest: a private server would start its recovery, read-only; the
  # password is set again at the next start.)
  [ -s "$POSTGRES_PASSWORD_FILE" ] || fail "POSTGRES_PASSWORD_FILE=$POSTGRES_PASSWORD_FILE is not a readable, non-empty file"
  # A private server (unix socket only) sets the password; the password goes to psql on its standard input, and the
  # statement is never logged (not even under log_statement = all in postgresql.auto.conf): SET LOCAL in its
  # transaction.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=$private" -w -t 120 start >/dev/null
  {
    # psql runs the backquoted command itself (\set name `command`): the single quotes are meant.
    # shellcheck disable=SC2016
    printf '\\set pw `cat %s`\n' "$POSTGRES_PASSWORD_FILE"
    printf 'BEGIN;\nSET LOCAL log_statement = none;\nSET LOCAL log_min_duration_statement = -1;\n'
    printf 'SET LOCAL log_min_error_statement = panic;\n'
    printf 'ALTER ROLE :"user" PASSWORD :\x27pw\x27;\nCOMMIT;\n'
  } | psql -v ON_ERROR_STOP=1 -X -q --host="$private" --username="$user" --no-password --dbname=postgres --set=user="$user" >/dev/null
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
rm -rf "$private"

if [ "${GEOSTACK_PGBACKREST_SERVER:-n}" != y ]; then
  exec postgres "$@"
fi
[ -r "${PGBACKREST_CONFIG:-/etc/pgbackrest/pgbackrest.conf}" ] || fail "GEOSTACK_PGBACKREST_SERVER=y: no readable PGBACKREST_CONFIG"
( trap 'kill -TERM "$child" 2>/dev/null; exit 0' TERM
  while :; do
    pgbackrest server & child=$!
    wait "$child" || true
    echo "postgis-entrypoint: pgbackrest server stopped, starting it again in 5 s" >&2
    sleep 5
  done ) &
server=$!
postgres "$@" &
pg=$!
trap 'kill -INT "$pg" 2>/dev/null' INT
trap 'kill -TERM "$pg" 2>/dev/null' TERM
trap 'kill -QUIT "$pg" 2>/dev/null' QUIT
status=0
while kill -0 "$pg" 2>/dev/null; do
  wait "$pg" && status=0 || status=$?
done
kill -TERM "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
exit "$status"

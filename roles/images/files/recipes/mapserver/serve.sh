#!/usr/bin/env bash
# serve: nginx on :8080 in front of MAPSERVER_WORKERS FastCGI mapserv processes (multiwatch restarts a worker that
# dies). If nginx or the worker pool stops, everything stops, so that Swarm replaces the task.
#   MS_MAPFILE       default mapfile, used when a request has no map= parameter
#   MS_MAP_PATTERN   regular expression a map= path must match (default: under /etc/mapserver or /srv/mapserver)
#   MAPSERVER_WORKERS  number of mapserv processes (default 4)
set -euo pipefail
run=/tmp/geostack
mkdir -p "$run/nginx"
rm -f "$run/fcgi.sock"

# MapServer 8 reads its settings from a config file; write one from the environment.
{
  echo 'CONFIG'
  echo '  ENV'
  printf '    MS_MAP_PATTERN "%s"\n' "${MS_MAP_PATTERN:-^/(etc|srv)/mapserver/}"
  if [ -n "${MS_MAPFILE:-}" ]; then
    printf '    MS_MAPFILE "%s"\n' "$MS_MAPFILE"
  fi
  echo '  END'
  echo 'END'
} > "$run/mapserver.conf"
export MAPSERVER_CONFIG_FILE="$run/mapserver.conf"

# mapserv only notes a SIGTERM and goes on waiting for a request: the workers are stopped with SIGINT.
spawn-fcgi -n -s "$run/fcgi.sock" -M 0600 -- /usr/bin/multiwatch -s INT -f "${MAPSERVER_WORKERS:-4}" -- /usr/lib/cgi-bin/mapserv &
workers=$!
nginx -c /etc/geostack/nginx.conf -g 'daemon off;' &
front=$!

stop() { kill -TERM "$workers" "$front" 2>/dev/null || true; }
trap stop TERM INT
status=0
wait -n "$workers" "$front" || status=$?
stop
wait || true
echo "serve: a process stopped (status $status); stopping" >&2
exit "$status"

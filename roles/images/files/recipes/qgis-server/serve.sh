#!/usr/bin/env bash
# serve: nginx on :8080 in front of QGIS_SERVER_WORKERS FastCGI qgis_mapserv.fcgi processes (multiwatch restarts a
# worker that dies). If nginx or the worker pool stops, everything stops, so that Swarm replaces the task.
#   QGIS_PROJECT_FILE    default project, used when a request has no MAP= parameter
#   QGIS_SERVER_WORKERS  number of QGIS Server processes (default 4)
# QGIS Server reads the rest of its settings (QGIS_SERVER_*) from the environment.
set -euo pipefail
run=/tmp/geostack
mkdir -p "$run/nginx" "$run/qgis" "$HOME"
rm -f "$run/fcgi.sock"

spawn-fcgi -n -s "$run/fcgi.sock" -M 0600 -- /usr/bin/multiwatch -f "${QGIS_SERVER_WORKERS:-4}" -- /usr/lib/cgi-bin/qgis_mapserv.fcgi &
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

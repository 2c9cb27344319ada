#!/bin/sh
# pygeoapi-entrypoint COMMAND...: generate the OpenAPI document from $PYGEOAPI_CONFIG into $PYGEOAPI_OPENAPI (pygeoapi
# serves it and refuses to start without it), size gunicorn's workers, then run COMMAND (by default gunicorn with
# pygeoapi's Flask app). PYGEOAPI_WORKERS: a number, or auto (the default): two per CPU the container may use (the
# CPUs it sees, or its CFS quota when lower, cgroup v1 or v2), plus one.
set -eu
if [ ! -r "$PYGEOAPI_CONFIG" ]; then
  echo "pygeoapi-entrypoint: PYGEOAPI_CONFIG=$PYGEOAPI_CONFIG is not a readable file" >&2
  exit 1
fi

cpus() {
  n=$(nproc)
  quota=max
  period=100000
  if [ -r /sys/fs/cgroup/cpu.max ]; then
    read -r quota period < /sys/fs/cgroup/cpu.max
  elif [ -r /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
    quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)
    period=$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)
  fi
  case "$quota" in
    max|-1|'') ;;
    *) limit=$(( (quota + period - 1) / period ))
       if [ "$limit" -ge 1 ] && [ "$limit" -lt "$n" ]; then n=$limit; fi ;;
  esac
  echo "$n"
}

workers=${PYGEOAPI_WORKERS:-auto}
case "$workers" in
  auto) workers=$(( $(cpus) * 2 + 1 )) ;;
  *[!0-9]*|'') echo "pygeoapi-entrypoint: PYGEOAPI_WORKERS=$workers must be a number or auto" >&2; exit 1 ;;
esac
export GUNICORN_CMD_ARGS="--workers $workers ${GUNICORN_CMD_ARGS:-}"
echo "pygeoapi-entrypoint: $workers gunicorn workers" >&2

pygeoapi openapi generate "$PYGEOAPI_CONFIG" --output-file "$PYGEOAPI_OPENAPI"
exec "$@"

#!/bin/sh
# mapserver-entrypoint COMMAND...: write MapServer 8's config file ($MAPSERVER_CONFIG_FILE) from the environment
# (MS_MAP_PATTERN, and MS_MAPFILE and MS_MAP_NO_PATH when set), then run COMMAND (by default fcgi-serve).
set -eu
mkdir -p "$(dirname "$MAPSERVER_CONFIG_FILE")"
{
  echo 'CONFIG'
  echo '  ENV'
  printf '    MS_MAP_PATTERN "%s"\n' "${MS_MAP_PATTERN:-^/(etc|srv)/mapserver/}"
  if [ -n "${MS_MAPFILE:-}" ]; then
    printf '    MS_MAPFILE "%s"\n' "$MS_MAPFILE"
  fi
  if [ -n "${MS_MAP_NO_PATH:-}" ]; then
    printf '    MS_MAP_NO_PATH "%s"\n' "$MS_MAP_NO_PATH"
  fi
  echo '  END'
  echo 'END'
} > "$MAPSERVER_CONFIG_FILE"
exec "$@"

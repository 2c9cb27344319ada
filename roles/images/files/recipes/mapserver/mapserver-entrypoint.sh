#!/bin/sh
# mapserver-entrypoint COMMAND...: write MapServer 8's config file ($MAPSERVER_CONFIG_FILE) from the environment
# (MS_MAP_PATTERN, and MS_MAPFILE when set), then run COMMAND (by default fcgi-serve).
set -eu
mkdir -p "$(dirname "$MAPSERVER_CONFIG_FILE")"
{
  echo 'CONFIG'
  echo '  ENV'
  printf '    MS_MAP_PATTERN "%s"\n' "${MS_MAP_PATTERN:-^/(etc|srv)/mapserver/}"
  if [ -n "${MS_MAPFILE:-}" ]; then
    printf '    MS_MAPFILE "%s"\n' "$MS_MAPFILE"
  fi
  echo '  END'
  echo 'END'
} > "$MAPSERVER_CONFIG_FILE"
exec "$@"

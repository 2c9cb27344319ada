#!/bin/sh
# pygeoapi-entrypoint COMMAND...: generate the OpenAPI document from $PYGEOAPI_CONFIG into $PYGEOAPI_OPENAPI (pygeoapi
# serves it and refuses to start without it), then run COMMAND (by default gunicorn with pygeoapi's Flask app).
set -eu
if [ ! -r "$PYGEOAPI_CONFIG" ]; then
  echo "pygeoapi-entrypoint: PYGEOAPI_CONFIG=$PYGEOAPI_CONFIG is not a readable file" >&2
  exit 1
fi
pygeoapi openapi generate "$PYGEOAPI_CONFIG" --output-file "$PYGEOAPI_OPENAPI"
exec "$@"

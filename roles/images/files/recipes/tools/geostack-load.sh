#!/usr/bin/env bash
# geostack-load: load one dataset into PostGIS, replacing the table in one transaction (readers never see it empty).
# The connection comes from libpq's environment (PGHOST, PGPORT, PGDATABASE, PGUSER; the password from PGPASSFILE, a
# Docker secret in .pgpass format); what to load from these variables:
#   LOAD_NAME           the dataset's name (for messages and the table's comment)
#   LOAD_SOURCE         the file: GeoPackage, Shapefile, GeoJSON, CSV (vector) or a GDAL raster such as GeoTIFF
#   LOAD_KIND           vector or raster
#   LOAD_LAYER          the source's layer (a GeoPackage with several); default: the first
#   LOAD_SCHEMA, LOAD_TABLE   the target table
#   LOAD_SRID           the table's SRID: the data is reprojected to it
#   LOAD_SOURCE_SRID    the source's SRID where the file does not say (CSV)
#   LOAD_GEOMETRY_TYPE  vector: ogr2ogr's -nlt; default: polygons and lines become multi-geometries, points stay
#   LOAD_CSV_X, LOAD_CSV_Y   CSV: the columns that hold the coordinates (or LOAD_CSV_WKT: a column of WKT)
#   LOAD_TILE_SIZE      raster: tile size (default 256x256)
#   LOAD_GRANT          roles granted SELECT on the table (space-separated)
#   LOAD_DIGEST         the source's digest, kept in the table's comment
set -euo pipefail

fail() { echo "geostack-load: ${LOAD_NAME:-?}: $*" >&2; exit 1; }
for var in LOAD_NAME LOAD_SOURCE LOAD_KIND LOAD_SCHEMA LOAD_TABLE LOAD_SRID; do
  [ -n "${!var:-}" ] || fail "$var is not set"
done
[ -r "$LOAD_SOURCE" ] || fail "LOAD_SOURCE=$LOAD_SOURCE is not a readable file"
staging=geostack_staging
psql=(psql -X -q -v ON_ERROR_STOP=1)
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
quote() { printf '"%s"' "${1//\"/\"\"}"; }
target="$(quote "$LOAD_SCHEMA").$(quote "$LOAD_TABLE")"
staged="$staging.$(quote "$LOAD_TABLE")"

until pg_isready -q -t 5; do
  echo "geostack-load: waiting for PostgreSQL at ${PGHOST:-local}:${PGPORT:-5432}" >&2
  sleep 2
done

"${psql[@]}" <<SQL
CREATE SCHEMA IF NOT EXISTS $staging;
CREATE SCHEMA IF NOT EXISTS $(quote "$LOAD_SCHEMA");
DROP TABLE IF EXISTS $staged;
SQL

case "$LOAD_KIND" in
  vector)
    args=(-f PostgreSQL "PG:dbname=${PGDATABASE:-}" "$LOAD_SOURCE")
    [ -n "${LOAD_LAYER:-}" ] && args+=("$LOAD_LAYER")
    # The layer name is schema-qualified: with -lco SCHEMA alone, ogr2ogr would find the table of the same name that
    # is being replaced (in the search path) and append to it.
    args+=(-nln "$staging.$LOAD_TABLE" -lco GEOMETRY_NAME=geom -lco FID=fid -lco SPATIAL_INDEX=GIST
           -lco PRECISION=NO -t_srs "EPSG:$LOAD_SRID" --config PG_USE_COPY YES)
    [ -n "${LOAD_SOURCE_SRID:-}" ] && args+=(-s_srs "EPSG:$LOAD_SOURCE_SRID")
    if [ -n "${LOAD_CSV_WKT:-}" ]; then
      args+=(-oo "GEOM_POSSIBLE_NAMES=$LOAD_CSV_WKT" -oo KEEP_GEOM_COLUMNS=NO)
    elif [ -n "${LOAD_CSV_X:-}" ]; then
      args+=(-oo "X_POSSIBLE_NAMES=$LOAD_CSV_X" -oo "Y_POSSIBLE_NAMES=$LOAD_CSV_Y" -oo KEEP_GEOM_COLUMNS=NO)
    fi
    geometry_type=${LOAD_GEOMETRY_TYPE:-}
    if [ -z "$geometry_type" ]; then
      if [ -n "${LOAD_LAYER:-}" ]; then
        info=$(ogrinfo -ro -so "$LOAD_SOURCE" "$LOAD_LAYER" 2>/dev/null || true)
      else
        info=$(ogrinfo -ro -so -al "$LOAD_SOURCE" 2>/dev/null || true)
      fi
      case "$(printf '%s\n' "$info" | sed -n 's/^Geometry: //p' | head -n 1)" in
        *Polygon*|*"Line String"*|*LineString*) geometry_type=PROMOTE_TO_MULTI ;;
        *) ;;
      esac
    fi
    [ -n "$geometry_type" ] && args+=(-nlt "$geometry_type")
    ogr2ogr "${args[@]}" || fail "ogr2ogr could not load $LOAD_SOURCE"
    ;;
  raster)
    source=$LOAD_SOURCE
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    gdalwarp -q -t_srs "EPSG:$LOAD_SRID" -of GTiff -co COMPRESS=DEFLATE "$source" "$work/warped.tif" \
      || fail "gdalwarp could not reproject $LOAD_SOURCE to EPSG:$LOAD_SRID"
    raster2pgsql -q -s "$LOAD_SRID" -t "${LOAD_TILE_SIZE:-256x256}" -I -C -M -f rast "$work/warped.tif" "$staging.$LOAD_TABLE" \
      > "$work/load.sql" || fail "raster2pgsql could not read $LOAD_SOURCE"
    "${psql[@]}" -f "$work/load.sql" >/dev/null || fail "the raster could not be loaded"
    ;;
  *) fail "LOAD_KIND=$LOAD_KIND is neither vector nor raster" ;;
esac

grants=""
for role in ${LOAD_GRANT:-}; do
  grants+="GRANT USAGE ON SCHEMA $(quote "$LOAD_SCHEMA") TO $(quote "$role"); GRANT SELECT ON $target TO $(quote "$role");"
done
comment="geostack dataset ${LOAD_NAME}, source digest ${LOAD_DIGEST:-unknown}, loaded $(date -u +%Y-%m-%dT%H:%M:%SZ)"
"${psql[@]}" <<SQL || fail "$target could not be replaced (a view that depends on it must be dropped first)"
BEGIN;
DROP TABLE IF EXISTS $target;
ALTER TABLE $staged SET SCHEMA $(quote "$LOAD_SCHEMA");
COMMENT ON TABLE $target IS '${comment//\'/\'\'}';
$grants
COMMIT;
SQL
count=$("${psql[@]}" -At -c "SELECT count(*) FROM $target")
echo "geostack-load: ${LOAD_NAME}: $count rows in $LOAD_SCHEMA.$LOAD_TABLE"

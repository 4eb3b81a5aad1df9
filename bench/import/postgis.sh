#!/usr/bin/env bash
# The PostGIS side of the import benchmark.
#
#   bench/import/postgis.sh GED.csv CERCLES.geojson URL_BASE [DBNAME]
#
# URL_BASE is postgres://user:pass@host:port (a superuser: the script creates DBNAME,
# default vigil_bench, with the postgis extension). Untimed set-up: the database, the
# cercles table with its GiST index, the empty incidents table (the 49 GED columns with
# proper types; gid a generated column holding the PRIO-GRID formula, so COPY fills it).
# Timed, from the start of COPY to the end: COPY of the CSV (client side, as \copy), the
# ANALYZE, then one UPDATE … FROM cercles … ST_Contains (through the cercles' GiST index) that sets
# admin2 (skipping where_prec >= 4, as Vigil does).
# Prints each step's time and, last, a line `postgis_seconds=S`.
set -euo pipefail
csv=$(realpath "$1")
geojson=$(realpath "$2")
base=$3
db=${4:-vigil_bench}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
psql=${VIGIL_PG_BINDIR:+$VIGIL_PG_BINDIR/}psql

"$psql" "$base/postgres" -X -q -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
url=$base/$db
"$psql" "$url" -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION postgis"
python3 "$here/cercles_sql.py" "$geojson" cercles | "$psql" "$url" -X -q -v ON_ERROR_STOP=1 >/dev/null

"$psql" "$url" -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE incidents (
    id bigint PRIMARY KEY,
    relid text,
    year smallint,
    active_year smallint,
    code_status text,
    type_of_violence smallint,
    conflict_dset_id integer,
    conflict_new_id integer,
    conflict_name text,
    dyad_dset_id integer,
    dyad_new_id integer,
    dyad_name text,
    side_a_dset_id integer,
    side_a_new_id integer,
    side_a text,
    side_b_dset_id integer,
    side_b_new_id integer,
    side_b text,
    number_of_sources integer,
    source_article text,
    source_office text,
    source_date text,
    source_headline text,
    source_original text,
    where_prec smallint,
    where_coordinates text,
    where_description text,
    adm_1 text,
    adm_2 text,
    latitude double precision,
    longitude double precision,
    geom_wkt text,
    priogrid_gid integer,
    country text,
    country_id integer,
    region text,
    event_clarity smallint,
    date_prec smallint,
    date_start date,
    date_end date,
    deaths_a integer,
    deaths_b integer,
    deaths_civilians integer,
    deaths_unknown integer,
    best integer,
    high integer,
    low integer,
    gwnoa text,
    gwnob text,
    gid integer GENERATED ALWAYS AS
        ((floor((latitude + 90) / 0.5) * 720 + floor((longitude + 180) / 0.5) + 1)::integer) STORED,
    admin2 text
);
SQL

cols="id, relid, year, active_year, code_status, type_of_violence, conflict_dset_id, conflict_new_id, conflict_name, dyad_dset_id, dyad_new_id, dyad_name, side_a_dset_id, side_a_new_id, side_a, side_b_dset_id, side_b_new_id, side_b, number_of_sources, source_article, source_office, source_date, source_headline, source_original, where_prec, where_coordinates, where_description, adm_1, adm_2, latitude, longitude, geom_wkt, priogrid_gid, country, country_id, region, event_clarity, date_prec, date_start, date_end, deaths_a, deaths_b, deaths_civilians, deaths_unknown, best, high, low, gwnoa, gwnob"

t0=$(date +%s.%N)
"$psql" "$url" -X -v ON_ERROR_STOP=1 <<SQL
\\timing on
\\echo COPY
\\copy incidents ($cols) FROM '$csv' WITH (FORMAT csv, HEADER true)
\\echo ANALYZE
ANALYZE incidents;
\\echo UPDATE admin2 (ST_Contains, GiST index on the cercles)
UPDATE incidents i SET admin2 = c.pcode
  FROM cercles c
 WHERE i.where_prec < 4
   AND ST_Contains(c.geom, ST_SetSRID(ST_MakePoint(i.longitude, i.latitude), 4326));
SQL
t1=$(date +%s.%N)
echo "postgis_seconds=$(python3 -c "print(f'{$t1 - $t0:.2f}')")"

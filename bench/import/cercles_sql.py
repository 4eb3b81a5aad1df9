#!/usr/bin/env python3
"""Print SQL that loads an admin-area GeoJSON into a PostGIS table (no GDAL needed).

    python3 cercles_sql.py FILE.geojson [TABLE] [CODE_FIELD] [NAME_FIELD] | psql URL

Creates TABLE (default `cercles`: pcode, name, geom MultiPolygon 4326) with a GiST
index on geom.
"""
import json
import sys

path = sys.argv[1]
table = sys.argv[2] if len(sys.argv) > 2 else "cercles"
code_field = sys.argv[3] if len(sys.argv) > 3 else "adm2_pcode"
name_field = sys.argv[4] if len(sys.argv) > 4 else "adm2_name"


def lit(s):
    return "'" + str(s).replace("'", "''") + "'"


with open(path, encoding="utf-8") as f:
    fc = json.load(f)
print(f"DROP TABLE IF EXISTS {table};")
print(f"CREATE TABLE {table} (pcode text PRIMARY KEY, name text, geom geometry(MultiPolygon, 4326) NOT NULL);")
print("BEGIN;")
for feat in fc["features"]:
    p = feat["properties"]
    g = json.dumps(feat["geometry"], separators=(",", ":"))
    print(
        f"INSERT INTO {table} VALUES ({lit(p[code_field])}, {lit(p[name_field])}, "
        f"ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON({lit(g)}), 4326)));"
    )
print("COMMIT;")
print(f"CREATE INDEX {table}_geom ON {table} USING gist (geom);")
print(f"ANALYZE {table};")

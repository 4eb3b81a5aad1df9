-- Incidents, admin areas and the column layouts of source-specific extras.
-- Dates are ISO text (YYYY-MM-DD): they sort and compare correctly as text and read
-- the same on both backends.

CREATE TABLE extra_layouts (
    id INTEGER PRIMARY KEY,
    columns TEXT NOT NULL UNIQUE            -- JSON array of column names
);

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    source_id TEXT NOT NULL,
    date_start TEXT NOT NULL,
    date_end TEXT NOT NULL,
    date_prec INTEGER,
    type_of_violence INTEGER,
    event_type TEXT,
    sub_event_type TEXT,
    conflict_name TEXT,
    dyad_name TEXT,
    side_a TEXT,
    side_b TEXT,
    country TEXT,
    place TEXT,
    where_description TEXT,
    adm_1 TEXT,
    adm_2 TEXT,
    latitude REAL,
    longitude REAL,
    where_prec INTEGER,
    deaths_a INTEGER,
    deaths_b INTEGER,
    deaths_civilians INTEGER,
    deaths_unknown INTEGER,
    best INTEGER NOT NULL,
    low INTEGER NOT NULL,
    high INTEGER NOT NULL,
    number_of_sources INTEGER,
    source_gid INTEGER,
    extra_layout INTEGER REFERENCES extra_layouts(id),
    extra TEXT,                              -- JSON array of values, in layout order
    bounds_flag INTEGER NOT NULL DEFAULT 0,  -- 1 when low <= best <= high is broken
    row_hash INTEGER NOT NULL,
    gid INTEGER,
    admin1 TEXT,
    admin2 TEXT,
    UNIQUE (source, source_id)
);
CREATE INDEX incidents_date ON incidents (date_start);
CREATE INDEX incidents_gid ON incidents (gid);
CREATE INDEX incidents_admin2 ON incidents (admin2);

CREATE TABLE admin_areas (
    level INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    geometry TEXT NOT NULL,                  -- GeoJSON geometry
    PRIMARY KEY (level, code)
);

-- Incidents, admin areas and the column layouts of source-specific extras.
-- Dates are ISO text (YYYY-MM-DD): they sort and compare correctly as text and read
-- the same on both backends.

CREATE TABLE extra_layouts (
    id BIGSERIAL PRIMARY KEY,
    columns TEXT NOT NULL UNIQUE            -- JSON array of column names
);

CREATE TABLE incidents (
    id BIGSERIAL PRIMARY KEY,
    source TEXT NOT NULL,
    source_id TEXT NOT NULL,
    date_start TEXT NOT NULL,
    date_end TEXT NOT NULL,
    date_prec BIGINT,
    type_of_violence BIGINT,
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
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    where_prec BIGINT,
    deaths_a BIGINT,
    deaths_b BIGINT,
    deaths_civilians BIGINT,
    deaths_unknown BIGINT,
    best BIGINT NOT NULL,
    low BIGINT NOT NULL,
    high BIGINT NOT NULL,
    number_of_sources BIGINT,
    source_gid BIGINT,
    extra_layout BIGINT REFERENCES extra_layouts(id),
    extra TEXT,                              -- JSON array of values, in layout order
    bounds_flag BIGINT NOT NULL DEFAULT 0,  -- 1 when low <= best <= high is broken
    row_hash BIGINT NOT NULL,
    gid BIGINT,
    admin1 TEXT,
    admin2 TEXT,
    UNIQUE (source, source_id)
);
CREATE INDEX incidents_date ON incidents (date_start);
CREATE INDEX incidents_gid ON incidents (gid);
CREATE INDEX incidents_admin2 ON incidents (admin2);

CREATE TABLE admin_areas (
    level BIGINT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    geometry TEXT NOT NULL,                  -- GeoJSON geometry
    PRIMARY KEY (level, code)
);

-- Footprint options (issue #17): the mission's sites, and scenarios as the baseline
-- plus an ordered list of changes. The shipped options (options.toml) are read-only
-- (`shipped`); planners edit copies. A change names the sites it refers to in `refs`
-- (space-separated ids) and the site it adds in `defines`; the store refuses a
-- scenario whose change refers to a site neither stored nor added by an earlier change.
CREATE TABLE footprint_sites (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    sector TEXT NOT NULL,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL,
    status TEXT NOT NULL,                   -- active | proposed (January 2023)
    site_json TEXT NOT NULL                 -- the whole site: units with tags, sources, notes
);

CREATE TABLE footprint_scenarios (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    based_on TEXT REFERENCES footprint_scenarios (id),
    description TEXT NOT NULL,
    source TEXT NOT NULL,                   -- paragraphs of S/2023/36, or who wrote it
    shipped BOOLEAN NOT NULL,               -- loaded from options.toml: not editable
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,               -- RFC 3339 UTC
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL                -- 1, +1 per edit
);

CREATE TABLE footprint_changes (
    scenario_id TEXT NOT NULL REFERENCES footprint_scenarios (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,                   -- order of application, from 0
    kind TEXT NOT NULL,
    change_json TEXT NOT NULL,
    refs TEXT NOT NULL,
    defines TEXT,
    PRIMARY KEY (scenario_id, seq)
);

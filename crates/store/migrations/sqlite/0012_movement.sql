-- Freedom of movement and the mission's own safety (issue #18): movement requests
-- and their decisions, attacks on the mission, named routes (lines), convoys.
-- Restrictions and attacks are not restricted records unless marked so
-- (`restricted`); synthetic rows (the demo's) say so.

CREATE TABLE movement_routes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    approximate BOOLEAN NOT NULL,           -- drawn between towns, not surveyed
    note TEXT,
    line_json TEXT NOT NULL,                -- [[lon, lat], ...]
    synthetic BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE movement_requests (
    id INTEGER PRIMARY KEY,
    mode TEXT NOT NULL,                     -- air | ground
    kind TEXT NOT NULL,                     -- patrol | casevac | medevac | isr | logistics | hr_mission | convoy | investigation
    from_place TEXT NOT NULL,
    to_place TEXT NOT NULL,
    from_lon REAL,
    from_lat REAL,
    to_lon REAL NOT NULL,
    to_lat REAL NOT NULL,
    route_id INTEGER REFERENCES movement_routes (id),
    requested_at TEXT NOT NULL,             -- RFC 3339 UTC
    planned_at TEXT NOT NULL,
    asset TEXT NOT NULL,
    sector TEXT NOT NULL,                   -- north | east | centre | west | bamako
    purpose TEXT NOT NULL,
    restricted BOOLEAN NOT NULL DEFAULT FALSE,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX movement_requests_planned ON movement_requests (planned_at);

-- One decision per request (a later one replaces it; the audit log keeps the old).
CREATE TABLE movement_decisions (
    request_id INTEGER PRIMARY KEY REFERENCES movement_requests (id),
    outcome TEXT NOT NULL,                  -- granted | granted_with_conditions | delayed | denied | no_answer
    decided_at TEXT,                        -- NULL for no answer in time
    delay_minutes INTEGER CHECK (delay_minutes >= 0),
    authority TEXT NOT NULL,
    reason TEXT NOT NULL,                   -- insecurity | military_operations | procedure_not_followed | none_given
    conditions TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);

CREATE TABLE mission_attacks (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,                     -- YYYY-MM-DD
    kind TEXT NOT NULL,                     -- ied | indirect_fire | complex_attack | convoy_ambush | mine
    sector TEXT NOT NULL,
    place TEXT NOT NULL,
    lon REAL,
    lat REAL,
    unit TEXT NOT NULL,
    contingent TEXT NOT NULL,
    peacekeepers_killed INTEGER NOT NULL CHECK (peacekeepers_killed >= 0),
    peacekeepers_injured INTEGER NOT NULL CHECK (peacekeepers_injured >= 0),
    civilians_killed INTEGER NOT NULL CHECK (civilians_killed >= 0),
    civilians_injured INTEGER NOT NULL CHECK (civilians_injured >= 0),
    incident_id INTEGER REFERENCES incidents (id),
    restricted BOOLEAN NOT NULL DEFAULT FALSE,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX mission_attacks_date ON mission_attacks (date);

CREATE TABLE convoys (
    id INTEGER PRIMARY KEY,
    route_id INTEGER REFERENCES movement_routes (id),
    departed_at TEXT NOT NULL,
    arrived_at TEXT,
    vehicles INTEGER NOT NULL CHECK (vehicles >= 0),
    escort TEXT NOT NULL,
    delay_reason TEXT,
    incident_ids TEXT NOT NULL,             -- comma-separated incident ids met on the way
    synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Incidents: how many were injured, and who the victims were.
ALTER TABLE incidents ADD COLUMN injured INTEGER;
ALTER TABLE incidents ADD COLUMN victim_affiliation TEXT;   -- civilian | national_forces | peacekeepers | armed_group
CREATE INDEX incidents_category ON incidents (category);

-- Accounts, field reports and their triage, restricted detail, and the audit log.
-- Restricted detail (victims, witnesses, contacts, and a report's raw body, which
-- carries them) lives in its own tables so that no query over reports or incidents
-- can return it by accident: reading it is always a deliberate join.
-- Timestamps are RFC 3339 UTC text.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,            -- argon2id PHC string
    created_at TEXT NOT NULL
);

-- Browser sessions and API tokens. Only the SHA-256 of a token is kept, so a copy
-- of the database does not hand out logins.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,                     -- 'cookie' | 'bearer'
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    reporter_id INTEGER NOT NULL REFERENCES users(id),
    channel TEXT NOT NULL,
    category TEXT NOT NULL,
    occurred_at TEXT NOT NULL,              -- as given (date or RFC 3339)
    occurred_date TEXT NOT NULL,            -- YYYY-MM-DD, for matching
    place_name TEXT,
    latitude REAL,
    longitude REAL,
    town_id INTEGER,
    people_affected INTEGER,
    description TEXT NOT NULL,
    reliability TEXT NOT NULL,              -- Admiralty A-F
    credibility INTEGER NOT NULL,           -- Admiralty 1-6
    language TEXT,
    status TEXT NOT NULL DEFAULT 'new',     -- new | verified | merged | discarded
    incident_id INTEGER REFERENCES incidents(id),
    discard_reason TEXT,
    actioned_by INTEGER REFERENCES users(id),
    actioned_at TEXT
);
CREATE INDEX reports_status ON reports (status, received_at);
CREATE INDEX reports_reporter ON reports (reporter_id);
CREATE INDEX reports_incident ON reports (incident_id);

-- The body exactly as received and the restricted fields parsed from it.
CREATE TABLE report_restricted (
    report_id INTEGER PRIMARY KEY REFERENCES reports(id),
    content_type TEXT NOT NULL,
    raw_body BLOB NOT NULL,
    victims TEXT,
    witnesses TEXT,
    contacts TEXT
);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    filename TEXT,
    content_type TEXT,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    bytes BLOB NOT NULL
);
CREATE INDEX attachments_report ON attachments (report_id);

CREATE TABLE incident_restricted (
    incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
    victims TEXT,
    witnesses TEXT,
    contacts TEXT
);

ALTER TABLE incidents ADD COLUMN category TEXT;          -- mission category (IED, CRSV, ...)
ALTER TABLE incidents ADD COLUMN sensitivity TEXT;       -- public | restricted | confidential
ALTER TABLE incidents ADD COLUMN verification TEXT;      -- e.g. verified

-- Towns for picking a place in the report form (GeoNames cities1000 extract).
CREATE TABLE places (
    geonameid INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    country_code TEXT NOT NULL,
    admin1_code TEXT,
    population INTEGER,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL
);

-- Append-only, hash-chained: hash = SHA-256(prev_hash, entry). `seq` orders it.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,                   -- e.g. report/12, incident/40117, user/3
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log (entity);

-- The chain's head: the last seq and hash. Every append updates this one row first,
-- which serialises appends on both backends and lets verification notice a removed
-- last entry.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

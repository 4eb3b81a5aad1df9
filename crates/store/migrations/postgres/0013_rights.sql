-- Human-rights cases ("who did what to whom"), special investigations, evidence with
-- its chain of custody, HRDDP support requests and risk assessments (vigil-rights).
-- Victims, witnesses and sources, and an investigation's file (terms of reference,
-- findings, recommendations) are stored encrypted (ChaCha20-Poly1305, key outside
-- the database: [rights] in vigil.toml); nothing else here names a person.
CREATE TABLE hr_key_check (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL               -- HMAC of a fixed label under the key: tells a wrong key from a right one
);

CREATE TABLE hr_cases (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    date TEXT NOT NULL,                     -- YYYY-MM-DD of the event
    place TEXT,                             -- public place name (town or area)
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    admin1 TEXT,
    admin2 TEXT,
    perpetrator TEXT NOT NULL,              -- vocab rights::PERPETRATORS
    armed_group TEXT,
    unit TEXT,
    acts_json TEXT NOT NULL,                -- [{act_type, victims: {man, woman, boy, girl, unknown}}]
    status TEXT NOT NULL,                   -- vocab rights::CASE_STATUSES
    status_by TEXT NOT NULL,
    status_at TEXT NOT NULL,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX hr_cases_date ON hr_cases (date);
CREATE INDEX hr_cases_unit ON hr_cases (unit);

CREATE TABLE hr_case_status (
    case_id BIGINT NOT NULL REFERENCES hr_cases (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);

CREATE TABLE hr_case_links (
    case_id BIGINT NOT NULL REFERENCES hr_cases (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('incident', 'report')),
    target_id BIGINT NOT NULL,
    PRIMARY KEY (case_id, kind, target_id)
);

-- victims, witnesses, sources (case_id) and investigation files (investigation_id):
-- the JSON record sealed under the key, bound to its kind and owner as associated data
CREATE TABLE hr_restricted (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT REFERENCES hr_cases (id) ON DELETE CASCADE,
    investigation_id BIGINT,
    kind TEXT NOT NULL CHECK (kind IN ('victim', 'witness', 'source', 'investigation_file')),
    nonce TEXT NOT NULL,                    -- hex, 96 bits
    sealed TEXT NOT NULL,                   -- hex ciphertext and tag
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX hr_restricted_case ON hr_restricted (case_id);

CREATE TABLE hr_investigations (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    team_json TEXT NOT NULL,                -- account names
    team_only BOOLEAN NOT NULL DEFAULT FALSE,
    opened_on TEXT NOT NULL,
    published_on TEXT,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE hr_investigation_cases (
    investigation_id BIGINT NOT NULL REFERENCES hr_investigations (id) ON DELETE CASCADE,
    case_id BIGINT NOT NULL REFERENCES hr_cases (id),
    PRIMARY KEY (investigation_id, case_id)
);

CREATE TABLE hr_missions (
    id BIGSERIAL PRIMARY KEY,
    investigation_id BIGINT NOT NULL REFERENCES hr_investigations (id) ON DELETE CASCADE,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    place TEXT NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('granted', 'denied'))
);

CREATE TABLE hr_evidence (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES hr_cases (id),
    file_name TEXT NOT NULL,
    path TEXT NOT NULL,                     -- where the bytes are kept (the evidence folder)
    sha256 TEXT NOT NULL,                   -- on arrival
    size BIGINT NOT NULL,
    received_by TEXT NOT NULL,
    received_at TEXT NOT NULL
);

CREATE TABLE hr_custody (
    id BIGSERIAL PRIMARY KEY,
    evidence_id BIGINT NOT NULL REFERENCES hr_evidence (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,                   -- received | accessed | exported | transferred | verified | changed
    sha256 TEXT,                            -- the hash seen at this step
    note TEXT
);

CREATE TABLE hr_support_requests (
    id BIGSERIAL PRIMARY KEY,
    force TEXT NOT NULL,
    unit TEXT NOT NULL,
    support_type TEXT NOT NULL,
    description TEXT NOT NULL,
    requested_on TEXT NOT NULL,
    status TEXT NOT NULL,                   -- pending | approved | declined
    synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE hr_assessments (
    id BIGSERIAL PRIMARY KEY,
    request_id BIGINT NOT NULL UNIQUE REFERENCES hr_support_requests (id),
    record_json TEXT NOT NULL,              -- the unit's case record when assessed
    risk_level TEXT NOT NULL,
    mitigations_json TEXT NOT NULL,
    decision TEXT,
    decided_by TEXT,
    decided_on TEXT,
    needs_review BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- a new case against a unit whose support was approved: an alert to the HR officers
CREATE TABLE hr_followups (
    id BIGSERIAL PRIMARY KEY,
    assessment_id BIGINT NOT NULL REFERENCES hr_assessments (id),
    case_id BIGINT NOT NULL REFERENCES hr_cases (id),
    unit TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TEXT
);

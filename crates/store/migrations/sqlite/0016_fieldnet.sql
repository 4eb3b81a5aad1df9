-- Early-warning networks, the SMS gateway and the call centre (issue #19).
-- Contact details (focal points' numbers and names, SMS senders, callers and
-- callback numbers) sit in tables of their own, read only through the store's
-- restricted-detail functions (hr_officer, or an account with the audited grant).

CREATE TABLE ew_networks (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    organisation TEXT,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- A focal point is known by a label (e.g. "FP Ménaka 1"); who they are is restricted.
CREATE TABLE ew_focal_points (
    id INTEGER PRIMARY KEY,
    network_id INTEGER NOT NULL REFERENCES ew_networks (id),
    label TEXT NOT NULL UNIQUE,
    place_id INTEGER,                        -- gazetteer town they report from
    active BOOLEAN NOT NULL DEFAULT TRUE,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE ew_focal_point_contacts (
    focal_point_id INTEGER PRIMARY KEY REFERENCES ew_focal_points (id),
    phone TEXT NOT NULL UNIQUE,              -- normalised: + and digits
    full_name TEXT,
    notes TEXT
);

-- The towns (gazetteer places) each network covers.
CREATE TABLE ew_coverage (
    network_id INTEGER NOT NULL REFERENCES ew_networks (id),
    place_id INTEGER NOT NULL,
    PRIMARY KEY (network_id, place_id)
);

-- One row per SMS, however often the gateway delivered it: dedupe_key is the
-- gateway's message id, or a digest of sender, text and time (never served).
CREATE TABLE sms_messages (
    id INTEGER PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    gateway TEXT NOT NULL,                   -- plain | rapidpro | form
    gateway_id TEXT,
    sent_at TEXT,
    received_at TEXT NOT NULL,
    text TEXT NOT NULL,
    parts INTEGER NOT NULL DEFAULT 1,
    focal_point_id INTEGER REFERENCES ew_focal_points (id),
    status TEXT NOT NULL,                    -- report | held | accepted | rejected
    report_id INTEGER REFERENCES reports (id),
    parse_json TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TEXT,
    review_note TEXT,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX sms_messages_status ON sms_messages (status, received_at);

CREATE TABLE sms_restricted (
    message_id INTEGER PRIMARY KEY REFERENCES sms_messages (id),
    sender TEXT NOT NULL
);
CREATE INDEX sms_restricted_sender ON sms_restricted (sender);

-- Parts of concatenated SMS, each kept once, until the message is whole.
CREATE TABLE sms_concat (
    concat_key TEXT PRIMARY KEY,
    total INTEGER NOT NULL,
    first_at TEXT NOT NULL
);
CREATE TABLE sms_parts (
    concat_key TEXT NOT NULL REFERENCES sms_concat (concat_key),
    part INTEGER NOT NULL,
    text TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (concat_key, part)
);

CREATE TABLE calls (
    id INTEGER PRIMARY KEY,
    operator_id INTEGER NOT NULL REFERENCES users (id),
    started_at TEXT NOT NULL,                -- RFC 3339 UTC
    duration_seconds INTEGER CHECK (duration_seconds >= 0),
    language TEXT,
    outcome TEXT NOT NULL,                   -- report | information_request | follow_up | hoax | wrong_number | other
    report_id INTEGER REFERENCES reports (id),
    place_id INTEGER,
    focal_point_id INTEGER REFERENCES ew_focal_points (id),
    note TEXT,
    callback_promised BOOLEAN NOT NULL DEFAULT FALSE,
    callback_done_at TEXT,
    callback_done_by TEXT,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL
);
CREATE INDEX calls_started ON calls (started_at);

CREATE TABLE call_restricted (
    call_id INTEGER PRIMARY KEY REFERENCES calls (id),
    caller TEXT,
    callback_number TEXT
);

CREATE INDEX reports_town ON reports (town_id, received_at);

-- SMS gateways allowed to post to the webhook: the SHA-256 of each one's shared
-- secret (the secret itself is shown once, by `vigil sms gateway NAME`).
CREATE TABLE sms_gateways (
    name TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Alerts raised by the rules (vigil-warn), their evidence, lifecycle and CAP
-- messages; responses with their timings; webhook subscriptions and the outbox that
-- delivers alert events to them. Timestamps are RFC 3339 UTC text.

-- The alert's id is assigned by the writer inside its transaction (after taking the
-- alert_lock row) because the CAP identifiers are built from it.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    rule_id TEXT NOT NULL,
    status TEXT NOT NULL,                   -- draft | issued | acknowledged | responding | closed | cancelled
    area_json TEXT NOT NULL,                -- vigil_warn::Area as JSON
    area_desc TEXT NOT NULL,
    admin1 TEXT,                            -- P-codes of the area's centre, for figures
    admin2 TEXT,
    headline TEXT NOT NULL,
    threat TEXT NOT NULL,
    urgency TEXT NOT NULL,                  -- CAP spellings
    severity TEXT NOT NULL,
    certainty TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    issued_at TEXT,
    alert_json TEXT NOT NULL                -- the whole vigil_warn::Alert
);
CREATE INDEX alerts_rule_status ON alerts (rule_id, status);
CREATE INDEX alerts_status ON alerts (status, expires_at);

-- Serialises alert writers on both backends (de-duplication reads, then writes).
CREATE TABLE alert_lock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
INSERT INTO alert_lock (id, n) VALUES (1, 0);

CREATE TABLE alert_triggers (
    alert_id INTEGER NOT NULL REFERENCES alerts(id),
    kind TEXT NOT NULL,                     -- incident | report | forecast
    reference TEXT NOT NULL,                   -- incident `source:source_id`, report id, `gid/YYYY-MM`
    target_id INTEGER,                      -- incidents.id / reports.id when known
    added_at TEXT NOT NULL,
    PRIMARY KEY (alert_id, kind, reference)
);

CREATE TABLE alert_status_changes (
    id INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts(id),
    from_status TEXT,                       -- NULL for the creation
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,                    -- user name or rule:<id>
    at TEXT NOT NULL,
    note TEXT
);
CREATE INDEX alert_status_changes_alert ON alert_status_changes (alert_id, id);

-- Each CAP document as published.
CREATE TABLE cap_messages (
    identifier TEXT PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts(id),
    msg_type TEXT NOT NULL,                 -- Alert | Update | Cancel
    sent TEXT NOT NULL,
    xml TEXT NOT NULL
);
CREATE INDEX cap_messages_alert ON cap_messages (alert_id);

CREATE TABLE responses (
    id INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts(id),
    responder TEXT NOT NULL,                -- unit or person
    action TEXT NOT NULL,                   -- patrol | quick_reaction_force | air_reconnaissance | casualty_evacuation | dialogue | referral | liaison
    requested_at TEXT NOT NULL,
    dispatched_at TEXT,
    on_scene_at TEXT,
    completed_at TEXT,
    outcome TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX responses_alert ON responses (alert_id);

CREATE TABLE webhook_subscriptions (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    format TEXT NOT NULL,                   -- cap | json
    active INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- One row per (event, subscription), payload rendered when the event happened, so a
-- restart loses nothing and a receiver gets what was true at the time.
CREATE TABLE webhook_outbox (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES webhook_subscriptions(id),
    event TEXT NOT NULL,                    -- alert.issued, alert.updated, ...
    alert_id INTEGER,
    content_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    delivered_at TEXT,
    failed_at TEXT                          -- gave up after the last attempt
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (delivered_at, failed_at, next_attempt_at);

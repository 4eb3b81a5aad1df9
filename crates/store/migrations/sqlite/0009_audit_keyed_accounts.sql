-- The keyed audit chain and account management.
-- audit_log.hash now holds HMAC-SHA256 under a key kept outside the database (see
-- audit_key.rs); row_mac is the MAC of the audited row's content after the change
-- (reports, report_restricted, attachments, incident_restricted), so a row changed
-- behind the application's back no longer matches its last audited state.
ALTER TABLE audit_log ADD COLUMN row_mac TEXT;

-- A disabled account cannot log in and its sessions and tokens stop working.
ALTER TABLE users ADD COLUMN disabled_at TEXT;
-- (users.restricted_access, the audited grant of restricted detail, is added by 0008.)

-- Login attempts per account and address (client = '*' counts the account across
-- all addresses) in the current window. Incremented before a password is checked,
-- in one statement, so parallel guesses cannot all pass the check.
CREATE TABLE login_attempts (
    user_id INTEGER NOT NULL REFERENCES users(id),
    client TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    window_start TEXT NOT NULL,
    PRIMARY KEY (user_id, client)
);

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- ODK Collect / Enketo intake (issue 19, crates/store/src/odk.rs).
--
-- The HTTP Digest credential of an account that may submit reports: HA1 =
-- MD5(name:realm:password), written when the password is set or reset (the server
-- cannot derive it from the argon2id hash). Restricted like the password hash.
CREATE TABLE odk_credentials (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    realm TEXT NOT NULL,
    ha1 TEXT NOT NULL,
    set_at TEXT NOT NULL
);

-- The versions of a report sent from ODK: an edited resubmission (meta/deprecatedID =
-- an earlier instanceID) becomes version 2, 3… of the same report; the report row
-- holds the latest, these rows every version (version 1 is written at the first
-- edit, from the report as it was). The first version's instanceID is the report's
-- client_id (written with the report, in its transaction); each later one is
-- unique here per author, written in the same transaction as the new version.
CREATE TABLE report_versions (
    report_id BIGINT NOT NULL REFERENCES reports(id),
    version BIGINT NOT NULL,
    reporter_id BIGINT NOT NULL REFERENCES users(id),
    instance_id TEXT NOT NULL,
    deprecated_id TEXT,
    digest TEXT NOT NULL,
    received_at TEXT NOT NULL,
    -- the version's fields (no restricted detail) as JSON
    fields TEXT NOT NULL,
    -- the version's body as received: restricted (it carries victims and contacts)
    content_type TEXT NOT NULL,
    raw_body BYTEA NOT NULL,
    PRIMARY KEY (report_id, version)
);
CREATE UNIQUE INDEX report_versions_instance ON report_versions (reporter_id, instance_id);

-- Idempotent report intake (crates/store/src/report_client_id.rs): the id a client
-- gives a report once (the UI's offline outbox sends it with every retry) and a
-- digest of what was submitted with it. Unique per author, so a retry after a lost
-- answer finds the report stored the first time instead of storing it again.
ALTER TABLE reports ADD COLUMN client_id TEXT;
ALTER TABLE reports ADD COLUMN client_digest TEXT;
CREATE UNIQUE INDEX reports_client_id ON reports (reporter_id, client_id) WHERE client_id IS NOT NULL;

-- The column SQLite packs extras into (crates/store/src/extras.rs). PostgreSQL keeps
-- extras as JSON in `extra` and leaves this NULL; it exists so that both backends
-- read incidents with the same column list.
ALTER TABLE incidents ADD COLUMN extra_packed BYTEA;

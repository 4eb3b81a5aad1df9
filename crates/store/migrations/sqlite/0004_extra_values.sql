-- Packed extras (crates/store/src/extras.rs): a source-specific value that repeats
-- across incidents is stored once here and referred to by id from extra_packed.
-- Append-only: an id never changes its value.
CREATE TABLE extra_values (
    id INTEGER PRIMARY KEY,
    value TEXT NOT NULL
);
-- Set instead of `extra` (JSON) on rows the SQLite import writes.
ALTER TABLE incidents ADD COLUMN extra_packed BLOB;

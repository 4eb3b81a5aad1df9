-- Correctable incidents (issue 15): an analyst may retract an incident. It is kept,
-- marked with who, when and why, and left out of every list, map and figure; the
-- single view still shows it, marked. Corrections to the coding need no column:
-- each is an audit entry with the fields before and after and the reason.
ALTER TABLE incidents ADD COLUMN retracted_at TEXT;
ALTER TABLE incidents ADD COLUMN retracted_by TEXT;
ALTER TABLE incidents ADD COLUMN retract_reason TEXT;

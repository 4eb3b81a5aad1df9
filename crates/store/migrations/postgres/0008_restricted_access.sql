-- The explicit grant of restricted detail (victims, witnesses, contacts, raw report
-- bodies, confidential incidents) to an account whose role does not carry it
-- (only hr_officer's does). Granting and revoking are audit entries.
ALTER TABLE users ADD COLUMN restricted_access BOOLEAN NOT NULL DEFAULT FALSE;

-- The explicit grant of restricted detail (victims, witnesses, contacts, raw report
-- bodies, confidential incidents) to an account whose role does not carry it
-- (only hr_officer's does). Granting and revoking are audit entries.
-- (Branch auth adds the same column in 0006; whichever lands second drops its copy.)
ALTER TABLE users ADD COLUMN restricted_access BOOLEAN NOT NULL DEFAULT FALSE;

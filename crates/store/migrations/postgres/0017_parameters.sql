-- The four parameters (issue #20): milestones of the transition (a) and of the peace
-- Agreement (b), manual indicator values with their evidence, and the statuses people
-- set (who, when, why; every one kept, the latest per indicator and period counts).
-- Computed indicators are not stored: they are queries over the other tables.

CREATE TABLE param_milestones (
    id BIGSERIAL PRIMARY KEY,
    parameter TEXT NOT NULL CHECK (parameter IN ('a', 'b')),
    title TEXT NOT NULL,
    planned_date TEXT NOT NULL,             -- YYYY-MM-DD
    actual_date TEXT,
    status TEXT NOT NULL CHECK (status IN ('planned', 'achieved', 'delayed', 'cancelled')),
    sources TEXT NOT NULL,
    quantity TEXT,
    provenance TEXT NOT NULL CHECK (provenance IN ('review', 'synthetic')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE param_manual_values (
    id BIGSERIAL PRIMARY KEY,
    indicator TEXT NOT NULL,
    as_of TEXT NOT NULL,                    -- YYYY-MM-DD
    value DOUBLE PRECISION NOT NULL,
    evidence TEXT NOT NULL CHECK (length(trim(evidence)) > 0),
    synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL
);
CREATE INDEX param_manual_values_indicator ON param_manual_values (indicator, as_of);

CREATE TABLE param_statuses (
    id BIGSERIAL PRIMARY KEY,
    indicator TEXT NOT NULL,
    period TEXT NOT NULL,                   -- 2022-Q4
    status TEXT NOT NULL CHECK (status IN ('on_track', 'at_risk', 'off_track')),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE INDEX param_statuses_indicator ON param_statuses (indicator, period, id);

-- Published forecast runs (vigil-forecast via `vigil forecast --store`): each run
-- with its origin, the model asked for, its settings and the skill backtest the guard
-- read; per unit and horizon the published distribution's summary and which model
-- it came from (the one asked for, or the benchmark the guard fell back to).
CREATE TABLE forecast_runs (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,               -- RFC 3339 UTC
    origin TEXT NOT NULL,                   -- YYYY-MM: the last month of data used
    model TEXT NOT NULL,                    -- the model asked for (ensemble, hurdle-gbm, a benchmark)
    target TEXT NOT NULL,                   -- all | sb | ns | os
    level TEXT NOT NULL,                    -- pgm | admin1 | admin2 | country
    horizons TEXT NOT NULL,                 -- comma-separated months ahead
    synthetic BOOLEAN NOT NULL,             -- forecast from synthetic data
    settings_json TEXT NOT NULL,            -- seed, samples, model settings, backtest span
    skill_json TEXT NOT NULL                -- per horizon: best benchmark, CRPS, skill, weights
);
CREATE INDEX forecast_runs_origin ON forecast_runs (origin, id);

CREATE TABLE forecast_cells (
    run_id INTEGER NOT NULL REFERENCES forecast_runs (id) ON DELETE CASCADE,
    unit TEXT NOT NULL,                     -- PRIO-GRID gid at pgm, the area code otherwise
    horizon INTEGER NOT NULL,
    month TEXT NOT NULL,                    -- YYYY-MM forecast
    model_used TEXT NOT NULL,
    fallback_reason TEXT,                   -- why the model asked for was not published
    p_any REAL NOT NULL,
    mean REAL NOT NULL,
    q05 REAL NOT NULL,
    q25 REAL NOT NULL,
    q50 REAL NOT NULL,
    q75 REAL NOT NULL,
    q95 REAL NOT NULL,
    PRIMARY KEY (run_id, horizon, unit)
);

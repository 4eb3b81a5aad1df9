#!/usr/bin/env python3
"""The Python peer of Vigil's forecasting benchmark: what an analyst would write with
pandas + LightGBM, on the same SYNTHETIC Mali cell-month panel, with the same features,
the same hurdle model and the same protocol as `forecast_bench mali`:

    python peer.py PANEL.csv

origins 2018-12..2021-12 (one per month), LightGBM refitted every 6 origins, horizons
1, 3, 6, 12, expanding window, CRPS from 1,000 draws over all 498 cells. Prints the
wall time (with and without the imports) and the CRPS per horizon.
"""

import os
import sys
import time

T0 = time.perf_counter()
import lightgbm as lgb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

T_IMPORTS = time.perf_counter() - T0

HORIZONS = [1, 3, 6, 12]
FIRST, LAST, EVERY, DRAWS = "2018-12", "2021-12", 6, 1000
COLD_KEEP, BURN_IN, POOL, OWN_SHARE = 0.15, 12, 40, 0.5
CLF = dict(objective="binary", num_iterations=120, learning_rate=0.06, max_depth=4, num_leaves=16,
           min_child_samples=40, min_sum_hessian_in_leaf=0.5, reg_lambda=2.0, max_bin=63,
           num_threads=int(os.environ.get("PEER_THREADS", "2")), deterministic=True, force_col_wise=True, verbose=-1)
REG = dict(objective="regression", num_iterations=60, learning_rate=0.06, max_depth=3, num_leaves=8,
           min_child_samples=25, min_sum_hessian_in_leaf=25.0, reg_lambda=5.0, max_bin=31,
           num_threads=int(os.environ.get("PEER_THREADS", "2")), deterministic=True, force_col_wise=True, verbose=-1)


def features(df):
    """One row per cell-month; every feature uses months <= t only."""
    df = df.sort_values(["gid", "t"]).reset_index(drop=True)
    g = df.groupby("gid", sort=False)
    out = {}
    for k in range(12):
        out[f"lag{k}"] = g["y"].shift(k).fillna(0.0)
    for k in (3, 6, 12, 36):
        out[f"ms{k}"] = g["y"].rolling(k, min_periods=1).sum().reset_index(level=0, drop=True)

    def decay(col, hl):
        last = df["t"].where(df[col] > 0)
        last = last.groupby(df["gid"]).ffill()
        return (2.0 ** (-(df["t"] - last) / hl)).fillna(0.0)

    out["decay3"] = decay("y", 3.0)
    out["decay12"] = decay("y", 12.0)
    for ty in ("sb", "ns", "os"):
        gt = df.groupby("gid", sort=False)[ty]
        out[f"{ty}_ms3"] = gt.rolling(3, min_periods=1).sum().reset_index(level=0, drop=True)
        out[f"{ty}_ms12"] = gt.rolling(12, min_periods=1).sum().reset_index(level=0, drop=True)
        out[f"{ty}_decay12"] = decay(ty, 12.0)
    feats = pd.DataFrame(out)
    base = pd.concat([df[["gid", "row", "col", "t", "y"]], feats[["ms3", "ms12", "ms36", "decay12"]]], axis=1)
    # spatial lags: merge each neighbour offset onto the cell-month
    key = base[["row", "col", "t"]]
    r1 = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0)]
    r2 = [(dr, dc) for dr in range(-2, 3) for dc in range(-2, 3) if max(abs(dr), abs(dc)) == 2]
    acc = {k: np.zeros(len(base)) for k in ("r1_lag0", "r1_ms3", "r1_ms12", "r1_ms36", "r2_ms3", "r2_ms12", "r2_ms36", "nb_decay12", "nb_active12")}
    src = base[["row", "col", "t", "y", "ms3", "ms12", "ms36", "decay12"]]
    for ring, offsets in ((1, r1), (2, r2)):
        for dr, dc in offsets:
            k = key.assign(row=key["row"] + dr, col=key["col"] + dc)
            m = k.merge(src, on=["row", "col", "t"], how="left").fillna(0.0)
            if ring == 1:
                acc["r1_lag0"] += m["y"].to_numpy()
                acc["r1_ms3"] += m["ms3"].to_numpy()
                acc["r1_ms12"] += m["ms12"].to_numpy()
                acc["r1_ms36"] += m["ms36"].to_numpy()
            else:
                acc["r2_ms3"] += m["ms3"].to_numpy()
                acc["r2_ms12"] += m["ms12"].to_numpy()
                acc["r2_ms36"] += m["ms36"].to_numpy()
            acc["nb_decay12"] = np.maximum(acc["nb_decay12"], m["decay12"].to_numpy())
            acc["nb_active12"] += (m["ms12"].to_numpy() > 0)
    for k, v in acc.items():
        feats[k] = v
    tot = df.groupby("t")["y"].sum()
    feats["tot_lag0"] = df["t"].map(tot).to_numpy()
    feats["tot_ms3"] = df["t"].map(tot.rolling(3, min_periods=1).sum()).to_numpy()
    feats["tot_ms12"] = df["t"].map(tot.rolling(12, min_periods=1).sum()).to_numpy()
    for c in ("dist_capital", "dist_border", "admin1", "lon", "lat"):
        feats[c] = df[c].to_numpy()
    return df, feats


def crps(samples, y):
    """Row-wise CRPS of sample matrix (units x draws) against y (units)."""
    n = samples.shape[1]
    s = np.sort(samples, axis=1)
    err = np.abs(s - y[:, None]).mean(axis=1)
    w = 2.0 * np.arange(1, n + 1) - n - 1
    return err - (s * w).sum(axis=1) / (n * n)


def main():
    t_start = time.perf_counter()
    df = pd.read_csv(sys.argv[1])
    df["y"] = df["sb"] + df["ns"] + df["os"] + df["other"]
    months = sorted(df["month"].unique())
    df["t"] = df["month"].map({m: i for i, m in enumerate(months)})
    m0 = int(months[0][5:7]) - 1
    df, X = features(df)
    t_feat = time.perf_counter() - t_start
    t_fit = 0.0
    names = list(X.columns)
    T = len(months)
    U = df["gid"].nunique()
    # (unit, t) arrays; df is sorted by gid then t
    Xa = X.to_numpy(dtype=np.float32).reshape(U, T, len(names))
    Y = df["y"].to_numpy().reshape(U, T)
    cold = (X["ms36"].to_numpy() == 0) & (X["r1_ms36"].to_numpy() == 0) & (X["r2_ms36"].to_numpy() == 0)
    cold = cold.reshape(U, T)
    rng = np.random.default_rng(20130111)
    o_first, o_last = months.index(FIRST), months.index(LAST)
    scores = {h: [] for h in HORIZONS}
    models = {}
    for step, o in enumerate(range(o_first, o_last + 1)):
        if step % EVERY == 0:
            tf = time.perf_counter()
            for h in HORIZONS:
                ts = np.arange(BURN_IN, o - h + 1)
                xs = Xa[:, ts, :].reshape(-1, len(names))
                moy = np.tile((m0 + ts + h) % 12, U).astype(np.float32)
                xs = np.column_stack([xs, moy])
                yt = Y[:, ts + h].reshape(-1)
                pos = yt >= 1
                c = cold[:, ts].reshape(-1) & ~pos
                keep = ~c | (rng.random(len(yt)) < COLD_KEEP)
                w = np.where(c, 1.0 / COLD_KEEP, 1.0)[keep]
                clf = lgb.train(CLF, lgb.Dataset(xs[keep], pos[keep].astype(float), weight=w))
                reg = lgb.train(REG, lgb.Dataset(xs[pos], np.log1p(yt[pos])))
                pp = reg.predict(xs[pos])
                order = np.argsort(pp, kind="stable")
                models[h] = (clf, reg, pp[order], yt[pos][order])
            t_fit += time.perf_counter() - tf
        for h in HORIZONS:
            clf, reg, pool_pred, pool_y = models[h]
            x = np.column_stack([Xa[:, o, :], np.full(U, (m0 + o + h) % 12, dtype=np.float32)])
            p = clf.predict(x)
            s = reg.predict(x)
            k = min(POOL, len(pool_y))
            lo = np.clip(np.searchsorted(pool_pred, s) - k // 2, 0, len(pool_y) - k)
            draws = np.zeros((U, DRAWS))
            hit = rng.random((U, DRAWS)) < p[:, None]
            own = Xa[:, o, :12]
            for u in np.nonzero(hit.any(axis=1))[0]:
                atoms = pool_y[lo[u]:lo[u] + k]
                mine = own[u][own[u] >= 1]
                if len(mine):
                    reps = max(1, round(OWN_SHARE / (1 - OWN_SHARE) * k / len(mine)))
                    atoms = np.concatenate([atoms, np.tile(mine, reps)])
                nh = hit[u].sum()
                draws[u, hit[u]] = rng.choice(atoms, size=nh)
            scores[h].append(crps(draws, Y[:, o + h].astype(float)))
    t_end = time.perf_counter()
    for h in HORIZONS:
        print(f"peer mali: h={h:<2} CRPS {np.concatenate(scores[h]).mean():.4f}")
    mean = np.mean([np.concatenate(scores[h]).mean() for h in HORIZONS])
    print(f"peer mali: breakdown: load+features {t_feat:.2f}s, fits {t_fit:.2f}s, forecasts+draws+scoring {t_end - t_start - t_feat - t_fit:.2f}s")
    print(f"peer mali: mean CRPS over horizons {mean:.4f}; features+fits+forecasts+scoring {t_end - t_start:.2f}s; "
          f"imports {T_IMPORTS:.2f}s; wall {t_end - T0:.2f}s")


if __name__ == "__main__":
    main()

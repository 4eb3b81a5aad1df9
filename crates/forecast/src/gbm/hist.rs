//! The histograms of one fit: their layout over a training matrix (sparse rows,
//! keyed features, the root's counts), building a level's histograms, and the
//! stable row partition that follows a split. See the parent module for why.

use super::{BinMapper, RowKeys};

pub(super) const MAXB: usize = 64;

#[derive(Clone, Copy, Default)]
pub(super) struct Cell {
    pub(super) g: f64,
    pub(super) h: f64,
    pub(super) n: u32,
}

impl Cell {
    #[inline]
    pub(super) fn add(&mut self, gh: (f64, f64)) {
        self.g += gh.0;
        self.h += gh.1;
        self.n += 1;
    }
    /// [`Cell::add`] without the count, for the root, whose counts are known.
    #[inline]
    pub(super) fn add_gh(&mut self, gh: (f64, f64)) {
        self.g += gh.0;
        self.h += gh.1;
    }
}

pub(super) struct Feature {
    /// First cell of the feature in a histogram.
    pub(super) off: usize,
    pub(super) bins: usize,
    /// Most frequent bin; its cell is filled as the node total minus the others.
    pub(super) mfb: u8,
    /// When the feature is a function of row key set `.0`: the bin of each key.
    pub(super) keyed: Option<(usize, Vec<u8>)>,
}

/// The histogram layout and access paths of one training matrix.
pub(super) struct Layout {
    pub(super) feats: Vec<Feature>,
    pub(super) cells: usize,
    /// Key sets in use (at least one keyed feature).
    pub(super) key_sets: Vec<usize>,
    /// Per key set in use: whether rows come in long runs of one key.
    pub(super) key_runs: Vec<bool>,
    /// Row-wise sparse bins of the features that are not keyed: row r's cells
    /// (feature offset + bin) outside each feature's most frequent bin are
    /// `cell[ptr[r]..ptr[r + 1]]`.
    pub(super) ptr: Vec<u32>,
    pub(super) cell: Vec<u16>,
    /// The row of each entry of `cell`.
    pub(super) cell_row: Vec<u32>,
    /// Counts of the root (all rows), the same in every tree: per cell of the
    /// features that are not keyed, and per key set in use, per key.
    pub(super) root_n: Vec<u32>,
    pub(super) key_n: Vec<Vec<u32>>,
}

impl Layout {
    pub(super) fn new(bins: &[u8], n: usize, mapper: &BinMapper, keys: &[RowKeys]) -> Layout {
        let cols = mapper.thresholds.len();
        let mut feats = Vec::with_capacity(cols);
        let mut off = 0;
        let mut nnz = Vec::with_capacity(cols);
        for f in 0..cols {
            let col = &bins[f * n..(f + 1) * n];
            let mut counts = [0usize; MAXB];
            for &b in col {
                counts[b as usize] += 1;
            }
            let mfb = (0..MAXB).max_by_key(|&b| (counts[b], std::cmp::Reverse(b))).unwrap_or(0) as u8;
            nnz.push(n - counts[mfb as usize]);
            let nb = mapper.bins_of(f);
            feats.push(Feature { off, bins: nb, mfb, keyed: None });
            off += nb;
        }
        assert!(off <= u16::MAX as usize, "histogram cells fit in u16");
        // keyed features: a key set is worth a pass over a node's rows when the
        // features it covers have more rows outside their frequent bin than that
        let mut key_sets = Vec::new();
        let mut key_runs = Vec::new();
        for (s, k) in keys.iter().enumerate() {
            assert_eq!(k.keys.len(), n, "one key per row");
            if k.n_keys == 0 || k.n_keys > n / 4 {
                continue;
            }
            let mut covered: Vec<(usize, Vec<u8>)> = Vec::new();
            for f in 0..cols {
                if feats[f].keyed.is_some() {
                    continue;
                }
                let col = &bins[f * n..(f + 1) * n];
                let mut bok = vec![u8::MAX; k.n_keys];
                let consistent = k.keys.iter().zip(col).all(|(&key, &b)| {
                    let slot = &mut bok[key as usize];
                    if *slot == u8::MAX {
                        *slot = b;
                    }
                    *slot == b
                });
                if consistent {
                    for b in bok.iter_mut() {
                        if *b == u8::MAX {
                            *b = 0; // a key without rows
                        }
                    }
                    covered.push((f, bok));
                }
            }
            let row_cost: usize = covered.iter().map(|(f, _)| nnz[*f]).sum();
            let key_cost = n + covered.len() * k.n_keys;
            if !covered.is_empty() && key_cost < row_cost {
                for (f, bok) in covered {
                    feats[f].keyed = Some((s, bok));
                }
                key_sets.push(s);
                let runs = 1 + k.keys.windows(2).filter(|w| w[0] != w[1]).count();
                key_runs.push(runs < n / 4);
            }
        }
        // the row-wise lists: count per row, then fill column by column
        let mut ptr = vec![0u32; n + 1];
        for (f, ft) in feats.iter().enumerate() {
            if ft.keyed.is_none() {
                for (r, &b) in bins[f * n..(f + 1) * n].iter().enumerate() {
                    ptr[r + 1] += (b != ft.mfb) as u32;
                }
            }
        }
        for r in 0..n {
            ptr[r + 1] += ptr[r];
        }
        let mut cell = vec![0u16; ptr[n] as usize];
        let mut fill: Vec<u32> = ptr[..n].to_vec();
        for (f, ft) in feats.iter().enumerate() {
            if ft.keyed.is_none() {
                for (r, &b) in bins[f * n..(f + 1) * n].iter().enumerate() {
                    if b != ft.mfb {
                        cell[fill[r] as usize] = (ft.off + b as usize) as u16;
                        fill[r] += 1;
                    }
                }
            }
        }
        let mut root_n = vec![0u32; off];
        for &c in &cell {
            root_n[c as usize] += 1;
        }
        let key_n = key_sets
            .iter()
            .map(|&s| {
                let mut kn = vec![0u32; keys[s].n_keys];
                for &k in &keys[s].keys {
                    kn[k as usize] += 1;
                }
                kn
            })
            .collect();
        let mut cell_row = Vec::with_capacity(cell.len());
        for (r, p) in ptr.windows(2).enumerate() {
            cell_row.extend(std::iter::repeat_n(r as u32, (p[1] - p[0]) as usize));
        }
        Layout { feats, cells: off, key_sets, key_runs, ptr, cell, cell_row, root_n, key_n }
    }
}

/// A histogram to build: node `node`'s rows `idx[start..end]`, into `hist`.
pub(super) struct Job {
    /// Index in the next level of the node, when it needs the histogram itself (not
    /// only for its sibling's).
    pub(super) dest: Option<usize>,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) hist: Vec<Cell>,
}

/// Reused buffers of one fit.
pub(super) struct Work {
    /// Gradient and hessian of the rows at each position of `idx`, for the nodes
    /// being built.
    pub(super) gh_pos: Vec<(f64, f64)>,
    /// Per key set in use, per job, per key: sums of the job's rows.
    pub(super) agg: Vec<Vec<Cell>>,
    pub(super) free: Vec<Vec<Cell>>,
}

impl Work {
    pub(super) fn hist(&mut self, cells: usize) -> Vec<Cell> {
        match self.free.pop() {
            Some(mut h) => {
                h.clear();
                h.resize(cells, Cell::default());
                h
            }
            None => vec![Cell::default(); cells],
        }
    }
}

/// Sums of gradients and hessians, in four running sums (element i into sum i mod 4)
/// so that consecutive additions do not wait on each other.
pub(super) fn sum4(it: impl Iterator<Item = (f64, f64)>) -> (f64, f64) {
    let mut t = [(0.0, 0.0); 4];
    for (k, v) in it.enumerate() {
        let l = &mut t[k & 3];
        l.0 += v.0;
        l.1 += v.1;
    }
    ((t[0].0 + t[1].0) + (t[2].0 + t[3].0), (t[0].1 + t[1].1) + (t[2].1 + t[3].1))
}

/// Fill the histograms of `jobs` (all nodes of one level, disjoint rows).
/// `root`: the jobs are the root alone (all rows, `idx` the identity), with its totals.
pub(super) fn build_hists(
    jobs: &mut [Job],
    lay: &Layout,
    keys: &[RowKeys],
    idx: &[u32],
    gh: &[(f64, f64)],
    wk: &mut Work,
    root: Option<(f64, f64)>,
) {
    // one pass over each job's rows: gather the gradients by position (for the keyed
    // sums below), the node total (four running sums, element i into sum i mod 4,
    // exactly as `sum4`) and the rows' cells outside the frequent bins, each row's
    // gradient read once; a row's cells belong to different features, so the
    // additions run side by side. The first key set whose rows are not in runs of
    // one key (the unit) is summed per key in the same pass.
    for (si, &s) in lay.key_sets.iter().enumerate() {
        let agg = &mut wk.agg[si];
        agg.clear();
        agg.resize(keys[s].n_keys * jobs.len(), Cell::default());
    }
    let fused = (0..lay.key_sets.len()).find(|&si| !lay.key_runs[si]);
    let mut totals = Vec::with_capacity(jobs.len());
    if let Some((g0, h0)) = root {
        // the rows in order, straight from `gh`; the counts are the layout's. All
        // rows' cells in one loop (with each cell's row): a loop per row would end
        // after a different number of cells every time, a branch the CPU mispredicts
        let h = &mut jobs[0].hist[..];
        for (c, &n) in h.iter_mut().zip(&lay.root_n) {
            c.n = n;
        }
        for (&c, &r) in lay.cell.iter().zip(&lay.cell_row) {
            h[c as usize].add_gh(gh[r as usize]);
        }
        if let Some(si) = fused {
            let agg = &mut wk.agg[si][..];
            for (&v, &key) in gh.iter().zip(&keys[lay.key_sets[si]].keys) {
                agg[key as usize].add_gh(v);
            }
            for (c, &n) in agg.iter_mut().zip(&lay.key_n[si]) {
                c.n = n;
            }
        }
        totals.push((g0, h0, gh.len() as u32));
    }
    for (ji, j) in jobs.iter_mut().enumerate().filter(|_| root.is_none()) {
        let h = &mut j.hist[..];
        let mut t = [(0.0, 0.0); 4];
        let rows = idx[j.start..j.end].iter().zip(&mut wk.gh_pos[j.start..j.end]);
        let mut per_key = fused.map(|si| {
            let k = &keys[lay.key_sets[si]];
            (&mut wk.agg[si][ji * k.n_keys..(ji + 1) * k.n_keys], &k.keys[..])
        });
        for (k, (&r, pos)) in rows.enumerate() {
            let v = gh[r as usize];
            *pos = v;
            let l = &mut t[k & 3];
            l.0 += v.0;
            l.1 += v.1;
            let (a, b) = (lay.ptr[r as usize] as usize, lay.ptr[r as usize + 1] as usize);
            for &c in &lay.cell[a..b] {
                h[c as usize].add(v);
            }
            if let Some((agg, kk)) = per_key.as_mut() {
                agg[kk[r as usize] as usize].add(v);
            }
        }
        let (g, hh) = ((t[0].0 + t[1].0) + (t[2].0 + t[3].0), (t[0].1 + t[1].1) + (t[2].1 + t[3].1));
        totals.push((g, hh, (j.end - j.start) as u32));
    }
    for (si, &s) in lay.key_sets.iter().enumerate() {
        if Some(si) == fused {
            continue;
        }
        let nk = keys[s].n_keys;
        let agg = &mut wk.agg[si];
        let kk = &keys[s].keys;
        for (ji, j) in jobs.iter().enumerate() {
            let a = &mut agg[ji * nk..(ji + 1) * nk];
            // at the root, `idx` is the identity: the gradients by position are `gh`
            let by_pos = if root.is_some() { gh } else { &wk.gh_pos[..] };
            let rows = idx[j.start..j.end].iter().zip(&by_pos[j.start..j.end]);
            if lay.key_runs[si] {
                // rows come in runs of one key (the month of a panel row): sum each
                // run in registers, then add it to the key's cell
                let mut cur = u32::MAX;
                let mut run = Cell::default();
                for (&r, &v) in rows {
                    let key = kk[r as usize];
                    if key != cur {
                        if cur != u32::MAX {
                            let c = &mut a[cur as usize];
                            c.g += run.g;
                            c.h += run.h;
                            c.n += run.n;
                        }
                        cur = key;
                        run = Cell::default();
                    }
                    run.add(v);
                }
                if cur != u32::MAX {
                    let c = &mut a[cur as usize];
                    c.g += run.g;
                    c.h += run.h;
                    c.n += run.n;
                }
            } else {
                // consecutive rows have different keys (the unit): straight to memory
                for (&r, &v) in rows {
                    a[kk[r as usize] as usize].add(v);
                }
            }
        }
    }
    for ft in &lay.feats {
        let cells = ft.off..ft.off + ft.bins;
        if let Some((set, bin_of_key)) = &ft.keyed {
            let si = lay.key_sets.iter().position(|s| s == set).expect("key set in use");
            let nk = keys[*set].n_keys;
            for (ji, j) in jobs.iter_mut().enumerate() {
                let h = &mut j.hist[cells.clone()];
                for (a, &b) in wk.agg[si][ji * nk..(ji + 1) * nk].iter().zip(bin_of_key) {
                    let c = &mut h[b as usize];
                    c.g += a.g;
                    c.h += a.h;
                    c.n += a.n;
                }
            }
            continue;
        }
        // the most frequent bin: node total minus the other bins
        let skip = ft.mfb as usize;
        for (j, &(gt, ht, nt)) in jobs.iter_mut().zip(&totals) {
            let h = &mut j.hist[cells.clone()];
            let (mut g, mut hh, mut cnt) = (gt, ht, nt);
            for (b, c) in h.iter().enumerate() {
                if b != skip {
                    g -= c.g;
                    hh -= c.h;
                    cnt -= c.n;
                }
            }
            h[skip] = Cell { g, h: hh, n: cnt };
        }
    }
}

/// Stable partition of rows `seg`: those whose bin in `col` is ≤ `b` first; returns
/// their count. `scratch` holds at least `seg.len()` values.
pub(super) fn partition(seg: &mut [u32], scratch: &mut [u32], col: &[u8], b: u8) -> usize {
    let right = &mut scratch[..seg.len()];
    // branch-free: every row is written to both sides, and the side it does not
    // belong to overwrites it later
    let (mut write, mut sw) = (0, 0);
    for k in 0..seg.len() {
        let r = seg[k];
        let go_left = col[r as usize] <= b;
        seg[write] = r;
        right[sw] = r;
        write += go_left as usize;
        sw += !go_left as usize;
    }
    seg[write..].copy_from_slice(&right[..sw]);
    write
}

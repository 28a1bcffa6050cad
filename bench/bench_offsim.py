"""Accuracy on data the library has never seen: the independent simulator `bench/offsim.py` -> the `hpm` CLI, compared
with a plain two-stage baseline written here from scratch.

For each seed: `offsim.write_offsim` writes a G2F-format folder with withheld 2022 yields (truth/); `hpm prepare`;
then for each model `hpm fit PREP RUN --model M --seed S --epochs E --device cpu` and `hpm predict RUN PREP --out
PRED.csv`, each as its own child process (one thread), scored against truth/Truth_Yield_2022.csv with the library's
`evaluate.summarize` (mean per-Env RMSE, mean per-Env Pearson r, RMS of the per-Env bias, within-Env RMSE).

Two reference rows are computed here with numpy/pandas/scikit-learn only, from the raw CSV files (not the store):

* `two-stage`: (a) Env means of the training plots and hybrid BLUEs = mean over a hybrid's Envs of its Env x hybrid
  mean minus the Env mean; (b) single-trait GBLUP of those BLUEs (VanRaden kernel from the VCF dosages, residual
  variance / number of Envs, h2 picked on a grid by REML); (c) RidgeCV (standardised) of the training Env means on
  planting-anchored weather summaries (mean Tmax, mean Tmin, rain, radiation and days above 32 degC in four 30-day
  windows after planting), planting day, latitude and longitude. Prediction = ridge Env mean + genomic value.
* `two-stage-locmean`: the same genomic values on the mean of the location's training Env means (no weather).
* `oracle-env-mean`: the true 2022 Env means (mean of the truth yields per Env) + the two-stage genomic values
  centred within each Env, to show how much of the error is Env-mean error.

Prints a table per seed and the mean +- SD over seeds; writes bench/results/offsim.json (rewritten after each seed).

    python bench/bench_offsim.py [--seeds 0,1,2] [--epochs 20] [--models gblup,gblup-gxe,gxe,ensemble]
                                 [--size small] [--work DIR --keep]

`hpm` is the console script next to the Python interpreter; where it is not installed, the same entry point
(`hybridpredictmaize.cli.main`) is run with `python -c`. `--full` (passed by bench/run_all.py) is accepted and ignored.
"""
import argparse, json, os, platform, shutil, subprocess, sys, tempfile, time, warnings
from pathlib import Path
import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent)); sys.path.insert(0, str(HERE))
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"): os.environ.setdefault(_v, "1")
from offsim import write_offsim                                    # noqa: E402
from hybridpredictmaize.core import write_json                    # noqa: E402
from hybridpredictmaize.evaluate import summarize, score_frame, read_yields   # noqa: E402

RESULTS = HERE/"results"
SCORES = ("mean_env_rmse", "mean_env_r", "env_bias_rms", "within_env_rmse", "pooled_r")
HPM_EXE = Path(sys.executable).with_name("hpm")
HPM = [str(HPM_EXE)] if HPM_EXE.exists() else [sys.executable, "-c", "import sys; from hybridpredictmaize.cli import main; sys.exit(main())"]
CHILD_ENV = {**os.environ, "HPM_PROGRESS": "0", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def hpm(log_dir, name, *args):
    "Run `hpm ARGS` as a child process (output to LOG_DIR/NAME.log); wall seconds and peak RSS (GiB)."
    log = Path(log_dir)/f"{name}.log"
    t0 = time.perf_counter()
    with open(log, "w") as f:
        proc = subprocess.Popen([*HPM, *map(str, args)], stdout=f, stderr=subprocess.STDOUT, env=CHILD_ENV)
        _, status, usage = os.wait4(proc.pid, 0)
    wall, rc = time.perf_counter() - t0, os.waitstatus_to_exitcode(status)
    if rc:
        tail = "".join(open(log).readlines()[-15:])
        raise RuntimeError(f"hpm {' '.join(map(str, args))} failed (exit {rc}); log {log}:\n{tail}")
    return round(wall, 1), round(usage.ru_maxrss / 2**20, 2)


# ------------------------------------------------------------------------------------------- two-stage baseline
def parse_dates(s):
    "Dates written M/D/YY, M/D/YYYY, YYYY-MM-DD or YYYYMMDD (mixed in one column)."
    s = pd.Series(s, dtype=object)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    text = s.astype(str).str.strip()
    for fmt in ("%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d", "%Y%m%d"):
        todo = out.isna() & s.notna()
        if not todo.any(): break
        out[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    return out


def read_vcf_dosage(path):
    "Hybrids x SNPs ALT-allele dosage (float, NaN where missing) and the sample names, from a plain VCF."
    with open(path) as f:
        skip = 0
        for line in f:
            if line.startswith("##"): skip += 1
            else: break
    v = pd.read_csv(path, sep="\t", skiprows=skip, dtype=str)
    samples = list(v.columns[9:])
    gt = v[samples].to_numpy().astype("U3")
    a = np.char.replace(gt, "|", "/")
    d = np.full(gt.shape, np.nan)
    d[a == "0/0"] = 0; d[(a == "0/1") | (a == "1/0")] = 1; d[a == "1/1"] = 2
    return d.T, samples


def vanraden(X):
    "VanRaden (2008) kernel of a dosage matrix (rows = individuals); missing dosages set to 2p."
    p = np.nanmean(X, 0) / 2
    keep = (p > 0) & (p < 1) & np.isfinite(p)
    X, p = X[:, keep], p[keep]
    X = np.where(np.isnan(X), 2 * p, X)
    Z = X - 2 * p
    return Z @ Z.T / (2 * np.sum(p * (1 - p)))


def gblup_reml(y, G_tt, G_at, n_env, grid=np.linspace(0.01, 0.99, 99)):
    "BLUE_h = mu + u_h + e_h, Var(u) = s2 h G, Var(e_h) = s2 (1-h) c/n_h; h by REML on `grid`; returns u for all, mu, h."
    n = len(y)
    R = np.mean(n_env) / np.asarray(n_env, float)
    one = np.ones(n)
    best = None
    for h in grid:
        H = h * G_tt + np.diag((1 - h) * R) + 1e-8 * np.eye(n)
        L = np.linalg.cholesky(H)
        Hi_y = np.linalg.solve(L.T, np.linalg.solve(L, y)); Hi_1 = np.linalg.solve(L.T, np.linalg.solve(L, one))
        mu = (one @ Hi_y) / (one @ Hi_1)
        r = y - mu
        Hi_r = Hi_y - mu * Hi_1
        s2 = (r @ Hi_r) / (n - 1)
        ll = -0.5 * (2 * np.log(np.diag(L)).sum() + np.log(one @ Hi_1) + (n - 1) * np.log(s2))
        if best is None or ll > best[0]: best = (ll, h, mu, Hi_r)
    ll, h, mu, Hi_r = best
    return h * (G_at @ Hi_r), float(mu), float(h)


def weather_features(data_dir, envs, planting, coords):
    "Planting-anchored weather summaries (4 x 30-day windows), planting day of year, latitude, longitude per Env."
    wx = pd.concat([pd.read_csv(p) for p in sorted((Path(data_dir)).glob("*_Data/4_*Weather*.csv"))], ignore_index=True)
    wx["Date"] = parse_dates(wx.Date.astype(str))
    rows = {}
    for e in envs:
        w = wx[wx.Env == e]
        pl = planting.get(e, pd.NaT)
        f = {}
        for k, (lo, hi) in enumerate([(0, 30), (30, 60), (60, 90), (90, 120)]):
            if pd.isna(pl): sub = w.iloc[0:0]
            else:
                off = (w.Date - pl).dt.days
                sub = w[(off >= lo) & (off < hi)]
            f[f"tmax_{k}"] = sub.T2M_MAX.mean(); f[f"tmin_{k}"] = sub.T2M_MIN.mean()
            f[f"rain_{k}"] = sub.PRECTOTCORR.mean() * 30; f[f"rad_{k}"] = sub.ALLSKY_SFC_SW_DWN.mean()
            f[f"hot_{k}"] = (sub.T2M_MAX > 32).mean() * 30 if len(sub) else np.nan
        f["plant_doy"] = pl.dayofyear if not pd.isna(pl) else np.nan
        f["lat"], f["lon"] = coords.get(e, (np.nan, np.nan))
        rows[e] = f
    return pd.DataFrame(rows).T.astype(float)


def two_stage(data_dir, truth):
    "Prediction frames of the plain two-stage baseline, its location-mean variant and the oracle-Env-mean row; diagnostics."
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    data_dir = Path(data_dir)
    tr = pd.read_csv(next((data_dir/"Training_Data").glob("1_*Trait*.csv")), low_memory=False, dtype={"Env": str, "Hybrid": str})
    tmpl = pd.read_csv(next((data_dir/"Testing_Data").glob("1_*Submission*.csv")), dtype={"Env": str, "Hybrid": str})
    tr = tr.dropna(subset=["Yield_Mg_ha"])
    # (a) Env means and hybrid BLUEs
    env_mean = tr.groupby("Env").Yield_Mg_ha.mean()
    eh = tr.groupby(["Env", "Hybrid"], as_index=False).Yield_Mg_ha.mean()
    eh["dev"] = eh.Yield_Mg_ha - env_mean.reindex(eh.Env).to_numpy()
    blue = eh.groupby("Hybrid").dev.agg(["mean", "size"])
    # (b) GBLUP on the BLUEs
    X, samples = read_vcf_dosage(next((data_dir/"Training_Data").glob("5_*Genotype*.vcf")))
    G = vanraden(X)
    pos = {h: i for i, h in enumerate(samples)}
    tr_h = [h for h in blue.index if h in pos]
    ti = np.array([pos[h] for h in tr_h])
    u, mu, h2 = gblup_reml(blue.loc[tr_h, "mean"].to_numpy(), G[np.ix_(ti, ti)], G[:, ti], blue.loc[tr_h, "size"].to_numpy())
    gval = pd.Series(u + mu, index=samples)
    # (c) ridge on weather summaries
    meta = pd.concat([pd.read_csv(p, encoding="latin-1", dtype={"Env": str}) for p in sorted(data_dir.glob("*_Data/2_*Meta*.csv"))],
                     ignore_index=True)
    lat = [c for c in meta.columns if c.startswith("Weather_Station_Latitude")][0]
    lon = [c for c in meta.columns if c.startswith("Weather_Station_Longitude")][0]
    meta["Location"] = meta.Env.str.rpartition("_")[0]
    for c in (lat, lon):   # missing station coordinates: the location's other years
        meta[c] = pd.to_numeric(meta[c], errors="coerce")
        meta[c] = meta[c].fillna(meta.groupby("Location")[c].transform("mean"))
    coords = {e: (a, b) for e, a, b in zip(meta.Env, meta[lat], meta[lon])}
    pl = tr.assign(d=parse_dates(tr.Date_Planted)).groupby("Env").d.agg(lambda s: s.mode().iloc[0] if s.notna().any() else pd.NaT)
    planting = pl.to_dict()
    if "Date_Planted" in meta: planting |= {e: d for e, d in zip(meta.Env, parse_dates(meta.Date_Planted)) if not pd.isna(d)}
    train_envs, test_envs = list(env_mean.index), sorted(tmpl.Env.unique())
    F = weather_features(data_dir, train_envs + test_envs, planting, coords)
    F = F.fillna(F.loc[train_envs].mean())
    ridge = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-2, 3.5, 40)))
    ridge.fit(F.loc[train_envs].to_numpy(), env_mean.loc[train_envs].to_numpy())
    env_hat = pd.Series(ridge.predict(F.loc[test_envs].to_numpy()), index=test_envs)
    g = gval.reindex(tmpl.Hybrid).fillna(mu).to_numpy()
    pred = tmpl[["Env", "Hybrid"]].assign(Yield_Mg_ha=env_hat.reindex(tmpl.Env).to_numpy() + g)
    # the same genomic values on the location's mean of its training Env means (grand mean for a new location)
    loc_of = lambda envs: pd.Index(envs).str.rpartition("_").get_level_values(0)
    loc_mean = env_mean.groupby(loc_of(env_mean.index)).mean()
    loc_hat = pd.Series(loc_mean.reindex(loc_of(test_envs)).fillna(env_mean.mean()).to_numpy(), index=test_envs)
    locpred = tmpl[["Env", "Hybrid"]].assign(Yield_Mg_ha=loc_hat.reindex(tmpl.Env).to_numpy() + g)
    # oracle: the true 2022 Env means + the same genomic values, centred within each Env
    true_mean = truth.groupby("Env").Yield_Mg_ha.mean()
    gc = pd.Series(g, index=tmpl.index) - pd.Series(g, index=tmpl.index).groupby(tmpl.Env).transform("mean")
    oracle = tmpl[["Env", "Hybrid"]].assign(Yield_Mg_ha=true_mean.reindex(tmpl.Env).to_numpy() + gc.to_numpy())
    diag = dict(h2=round(h2, 3), ridge_alpha=round(float(ridge[-1].alpha_), 4),
                ridge_env_mean_rmse=round(float(np.sqrt(np.mean((env_hat - true_mean.reindex(test_envs)) ** 2))), 4),
                locmean_env_mean_rmse=round(float(np.sqrt(np.mean((loc_hat - true_mean.reindex(test_envs)) ** 2))), 4),
                n_blues=len(tr_h), n_train_env=len(train_envs))
    return {"two-stage": pred, "two-stage-locmean": locpred, "oracle-env-mean": oracle}, diag


# ------------------------------------------------------------------------------------------------ the benchmark
def score(pred, truth):
    s = summarize(score_frame(pred, truth))
    return {k: round(float(s[k]), 4) for k in SCORES} | {"per_env": {e: {k: round(float(v[k]), 3) for k in ("rmse", "r", "bias")}
                                                                 for e, v in s["per_env"].items()}}


def run_seed(seed, work, models, epochs, size):
    root = Path(work)/f"seed{seed}"
    if root.exists(): shutil.rmtree(root)
    (root/"logs").mkdir(parents=True)
    out, t_all = {"models": {}, "steps_s": {}}, time.perf_counter()
    t0 = time.perf_counter()
    write_offsim(root/"data", seed=seed, size=size)
    out["steps_s"]["simulate"] = round(time.perf_counter() - t0, 1)
    out["data"] = json.loads((root/"data"/"truth"/"summary.json").read_text())
    truth = read_yields(root/"data"/"truth"/"Truth_Yield_2022.csv", allow_missing=True)
    out["steps_s"]["prepare"], _ = hpm(root/"logs", "prepare", "prepare", root/"data", root/"prep")
    for m in models:
        run, pred = root/f"run_{m}", root/f"pred_{m}.csv"
        fit_s, rss = hpm(root/"logs", f"fit_{m}", "fit", root/"prep", run, "--model", m, "--seed", seed, "--epochs", epochs,
                         "--device", "cpu")
        pred_s, _ = hpm(root/"logs", f"predict_{m}", "predict", run, root/"prep", "--out", pred, "--device", "cpu")
        out["models"][m] = score(read_yields(pred), truth) | {"fit_s": fit_s, "predict_s": pred_s, "fit_peak_rss_gib": rss}
        print(f"  seed {seed} {m}: fit {fit_s} s, mean per-Env RMSE {out['models'][m]['mean_env_rmse']:.3f}", flush=True)
    t0 = time.perf_counter()
    frames, diag = two_stage(root/"data", truth)
    for name, f in frames.items(): out["models"][name] = score(f, truth)
    out["models"]["two-stage"]["fit_s"] = round(time.perf_counter() - t0, 1)
    out["two_stage_diagnostics"] = diag
    out["seconds"] = round(time.perf_counter() - t_all, 1)
    return out


def table(rows, cols, fmt="{:.3f}"):
    names = list(rows)
    w = max(len(n) for n in names) + 2
    lines = ["model".ljust(w) + "".join(c.rjust(17) for c in cols)]
    for n in names: lines.append(n.ljust(w) + "".join((rows[n][c] if isinstance(rows[n][c], str) else fmt.format(rows[n][c])).rjust(17)
                                                     for c in cols))
    return "\n".join(lines)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="0,1,2"); ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--models", default="gblup,gblup-gxe,gxe,ensemble"); ap.add_argument("--size", default="small")
    ap.add_argument("--work", default=None, help="folder for data, stores and runs (default: a temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    a, _ = ap.parse_known_args()          # run_all passes --full to every script
    warnings.simplefilter("ignore")
    seeds, models = [int(s) for s in a.seeds.split(",")], [m for m in a.models.split(",") if m]
    work = Path(a.work or tempfile.mkdtemp(prefix="hpm_offsim_"))
    work.mkdir(parents=True, exist_ok=True)
    res = dict(machine=dict(processor=platform.processor() or platform.machine(), cpu_count=os.cpu_count(),
                            python=platform.python_version(), load_average=list(os.getloadavg()), threads=1),
               config=dict(seeds=seeds, epochs=a.epochs, models=models, size=a.size, hpm=" ".join(HPM[:1]) if len(HPM) == 1
                           else "python -c 'hybridpredictmaize.cli.main()' (no hpm script installed)"),
               per_seed={}, summary={})
    path = RESULTS/"offsim.json"
    t_start = time.perf_counter()
    cols = ["mean_env_rmse", "mean_env_r", "env_bias_rms", "within_env_rmse"]
    try:
        for s in seeds:
            r = run_seed(s, work, models, a.epochs, a.size)
            res["per_seed"][str(s)] = r
            print(f"\nseed {s} ({r['seconds']} s; data: train Env mean {r['data']['train_env_mean']:.2f} "
                  f"SD {r['data']['train_env_sd']:.2f}; two-stage h2 {r['two_stage_diagnostics']['h2']}, ridge Env-mean RMSE "
                  f"{r['two_stage_diagnostics']['ridge_env_mean_rmse']})")
            print(table({m: v | {"fit_s": str(v.get("fit_s", ""))} for m, v in r["models"].items()}, cols + ["fit_s"]), flush=True)
            names = list(r["models"])
            res["summary"] = {m: {k: dict(mean=round(float(np.mean(v)), 4), sd=round(float(np.std(v, ddof=1)), 4) if len(v) > 1 else None)
                                  for k in SCORES + ("fit_s",) for v in [[res["per_seed"][q]["models"][m][k] for q in res["per_seed"]
                                                                         if m in res["per_seed"][q]["models"] and k in res["per_seed"][q]["models"][m]]] if v}
                              for m in names}
            res["machine"]["load_average_end"] = list(os.getloadavg())   # the other developer shares the 2 cores
            res["total_seconds"] = round(time.perf_counter() - t_start, 1)
            write_json(path, res)
    finally:
        if not a.keep and not a.work: shutil.rmtree(work, ignore_errors=True)
    print(f"\nmean ± SD over seeds {seeds} (epochs {a.epochs}, size {a.size}):")
    print(table({m: {k: (f"{v[k]['mean']:.3f} ± {v[k]['sd']:.3f}" if v[k]["sd"] is not None else f"{v[k]['mean']:.3f}")
                     for k in cols} for m, v in res["summary"].items()}, cols))
    print(f"total {res['total_seconds']} s; wrote {path}")

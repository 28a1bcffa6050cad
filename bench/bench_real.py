"""Leave-one-year-out on the real G2F 2014–2016 yields (../shared/data/g2f_real_2014_2016): every gBLUP model of the
library beside the plain two-stage baseline the field uses, on the same folds. Writes bench/results/real_g2f.json.

The two-stage baseline: (1) the mean of each training environment, and the hybrid BLUEs across environments (the mean
of a hybrid's yields after removing its environments' means); (2) a single-trait REML GBLUP of the hybrid BLUEs on
the VanRaden kernel (`baselines.gblup.GBLUP`); a prediction is the environment-mean model's mean of the new
environment plus the hybrid's genomic value. With `--neural` the neural `gxe` model and the `ensemble` are fitted
too, as `hpm fit` fits them (one run per fold, validated on the last training year; gBLUP parts refitted with it).

    python bench/bench_real.py [--neural] [--epochs N] [--work DIR]

`--work DIR` keeps the store and the runs in DIR (default: a new temporary folder, printed); with `--neural`
`bench/ensemble_rules.py --real DIR` re-weights the ensembles' held-out predictions there.
"""
import argparse, json, os, platform, tempfile, time, warnings
from pathlib import Path
import numpy as np, pandas as pd
from hybridpredictmaize.core import write_json
from hybridpredictmaize.data.store import prepare
from hybridpredictmaize.baselines.gblup import fit_store_gblup, GBLUP
from hybridpredictmaize.baselines.kernels import vanraden_grm
from hybridpredictmaize.models.environment import EnvMeanModel
from hybridpredictmaize import evaluate as ev

RESULTS = Path(__file__).resolve().parent/"results"
REAL = Path(__file__).resolve().parent.parent.parent/"shared"/"data"/"g2f_real_2014_2016"

def two_stage(store, train, test, G):
    "Hybrid BLUEs across environments -> single-trait REML GBLUP, plus the environment-mean model's means."
    env_mean = train.groupby("Env").Yield_Mg_ha.mean()
    blue = (train.Yield_Mg_ha - train.Env.map(env_mean)).groupby(train.Hybrid).mean()
    hi = store.hybrid_index(blue.index); ti = store.hybrid_index(test.Hybrid)
    model = GBLUP(kernel="precomputed").fit(G[np.ix_(hi, hi)], blue.to_numpy())
    g = model.predict(G[np.ix_(ti, hi)])
    em = EnvMeanModel().fit(store, train)
    mu = pd.Series(em.predict(store, test.Env.unique()), index=test.Env.unique())
    return test.Env.map(mu).to_numpy() + g, em

def fit_like_hpm(store, prep, train, test, run, epochs, model="gxe"):
    "Fit `model` as `hpm fit` does (validation on the last training year) and predict `test`."
    from hybridpredictmaize.pipeline import fit_run, predict_records
    last = train.Year.max()
    fit_run(prep, run, model, epochs=epochs, device="cpu", records=(train[train.Year < last].reset_index(drop=True),
                                                                   train[train.Year == last].reset_index(drop=True)))
    return predict_records(run, store, test, "cpu")

if __name__ == "__main__":
    ap = argparse.ArgumentParser(); ap.add_argument("--neural", action="store_true"); ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--work", default=None)
    a = ap.parse_known_args()[0]   # run_all passes --full to every script
    warnings.simplefilter("ignore")
    work = Path(a.work) if a.work else Path(tempfile.mkdtemp(prefix="hpm_bench_real_"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work folder: {work}", flush=True)
    store = prepare(REAL, work/"prep")
    recs = store.records("train")
    G = vanraden_grm(store.genotypes)
    scores, env_models = {}, {}
    t0 = time.perf_counter()
    for year in sorted(recs.Year.unique()):
        train, test = recs[recs.Year != year].reset_index(drop=True), recs[recs.Year == year].reset_index(drop=True)
        preds = {}
        for m in ("gblup", "gblup-gxe"):
            f = fit_store_gblup(store, train, model=m, grm=G)
            preds[m] = f.predict(store, test)
            env_models[f"{m} {year}"] = f.env_model.summary()
        preds["two-stage GBLUP"], em = two_stage(store, train, test, G)
        env_models[f"two-stage GBLUP {year}"] = em.summary()
        if a.neural:
            for m in ("gxe", "ensemble"): preds[m] = fit_like_hpm(store, work/"prep", train, test, work/f"{m}_{year}", a.epochs, m)
        for m, p in preds.items():
            s = ev.summarize(test.assign(pred=p))
            scores.setdefault(m, {})[str(int(year))] = {k: round(float(s[k]), 4) for k in ("mean_env_rmse", "mean_env_r", "env_bias_rms", "within_env_rmse")}
        print(year, {m: scores[m][str(int(year))] for m in preds}, flush=True)
    summary = {m: {k: dict(mean=round(float(np.mean([v[k] for v in by.values()])), 4), sd=round(float(np.std([v[k] for v in by.values()], ddof=1)), 4))
                   for k in ("mean_env_rmse", "mean_env_r", "env_bias_rms", "within_env_rmse")} for m, by in scores.items()}
    out = dict(machine=dict(processor=platform.machine(), cpu_count=os.cpu_count(), load_average=list(os.getloadavg())),
               folds="leave-one-year-out over 2014, 2015, 2016", seconds=round(time.perf_counter() - t0, 1),
               per_year=scores, summary=summary, env_mean_models=env_models)
    write_json(RESULTS/"real_g2f.json", out)
    for m, s in summary.items(): print(f"{m:16s}", "  ".join(f"{k} {v['mean']:.3f} ± {v['sd']:.3f}" for k, v in s.items()))

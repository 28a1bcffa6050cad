"""The environment-mean model (`models.environment.EnvMeanModel`) on data it has to generalise to: the simulator's demo
data over several seeds and the real G2F 2014–2016 yields shared in ../shared/data/g2f_real_2014_2016.

For each data set: the leave-one-year-out table of every candidate on the training years (RMSE and r of the
environment means), beside two plain references (the other years' grand mean; the location's history, the plain mean
of its environments in the other years), the candidate chosen, and — on the simulated
data, whose truth is known — the RMSE of the chosen model's 2022 environment means against the true ones and against
the observed ones (what `metrics.json` calls the Env-mean RMSE), and the same for the choice of the plain smallest
LOYO error (`rule="min"`) beside the default one-standard-error rule. Beside it, on the simulated data, a ceiling: the same
model given the simulator's own covariate effect (the exact weather-and-soil part of each true Env mean) instead of
the growth-stage covariates, with the location and year terms as before. What that ceiling cannot explain (location
effects of few years, the simulator's unexplained trial effect, the year's hybrid set) no covariate can. Writes
bench/results/envmean.json.

    python bench/bench_envmean.py [--seeds 0,1,2,3,4] [--out DIR]
"""
import argparse, json, os, platform, tempfile, time, warnings
from pathlib import Path
import numpy as np, pandas as pd
from hybridpredictmaize.core import write_json
from hybridpredictmaize.simulate import simulate
from hybridpredictmaize.data.store import prepare
from hybridpredictmaize.models.environment import EnvMeanModel

RESULTS = Path(__file__).resolve().parent/"results"
REAL = Path(__file__).resolve().parent.parent.parent/"shared"/"data"/"g2f_real_2014_2016"

def machine()->dict:
    return dict(processor=platform.machine(), cpu_count=os.cpu_count(), python=platform.python_version(), load_average=list(os.getloadavg()))

def rmse(pred, target)->float:
    return round(float(np.sqrt(np.mean((np.asarray(pred, float) - np.asarray(target, float)) ** 2))), 4)

def loyo_table(em)->dict:
    return {c: dict(rmse=round(float(r.rmse), 4), r=round(float(r.r), 4)) for c, r in em.loyo_.iterrows()}

def plain_baselines(store, means:pd.Series)->dict:
    """Leave-one-year-out RMSE of two plain references: the other years' grand mean, and the location's history (the mean
    of its environments in the other years; a location without one gets the grand mean)."""
    from hybridpredictmaize.data.environments import env_meta
    locs, years = env_meta(store, list(means.index))
    df = pd.DataFrame(dict(y=means.to_numpy(), l=locs, yr=years))
    grand, hist = [], []
    for _, r in df.iterrows():
        other = df[df.yr != r.yr]; same = other[other.l == r.l]
        grand.append(other.y.mean()); hist.append(same.y.mean() if len(same) else other.y.mean())
    return dict(grand_mean=rmse(grand, df.y), location_history=rmse(hist, df.y))

def loyo_row(store)->dict:
    "Fit the model on the store's training records; its LOYO table, choice and fitting time."
    recs = store.records("train")
    t0 = time.perf_counter(); em = EnvMeanModel().fit(store, recs); secs = time.perf_counter() - t0
    means = recs.groupby("Env").Yield_Mg_ha.mean()
    return em, dict(chosen=em.chosen_, cv_by=em.cv_by_, n_envs=int(len(means)), n_years=int(recs.Year.nunique()),
                    env_sd=float(means.std(ddof=0)), fit_seconds=round(secs, 2),
                    loyo=loyo_table(em), plain_loyo=plain_baselines(store, means))

class CovariateStore:
    "The few store attributes `EnvMeanModel` reads, with a given covariate table (Env rows)."
    def __init__(self, covariates:pd.DataFrame, envs:pd.DataFrame):
        self.covariates, self.envs, self.stage_covariates = covariates, envs, None

def ceiling(truth:pd.DataFrame, recs:pd.DataFrame, test:list, observed:pd.Series)->dict:
    "`EnvMeanModel` on the simulator's exact covariate effect: its LOYO table and 2022 errors (true and observed means)."
    st = CovariateStore(truth[["covariate_effect"]].astype(float), truth.reset_index()[["Env", "Location", "Year"]])
    em = EnvMeanModel(candidates=("grand", "location", "ridge")).fit(st, recs)
    pred = em.predict(st, test)
    return dict(chosen=em.chosen_, loyo=loyo_table(em), test_2022_true=rmse(pred, truth.env_mean.reindex(test)),
                test_2022_observed=rmse(pred, observed.reindex(test)))

def simulated(seed:int, work:Path)->dict:
    "Demo preset `seed`: the LOYO table on 2014–2021 and the error of the predicted 2022 means against the true ones."
    data = simulate(work/f"sim{seed}", preset="demo", seed=seed)
    store = prepare(data, work/f"prep{seed}")
    em, row = loyo_row(store)
    env_truth = pd.read_csv(data/"truth"/"env_means.csv").set_index("Env")
    observed = pd.read_csv(data/"truth"/"2022_observed.csv").groupby("Env").Yield_Mg_ha.mean()
    test = [e for e in store.template.Env.unique() if e in env_truth.index and e in observed.index]
    true, obs, recs = env_truth.env_mean.reindex(test), observed.reindex(test), store.records("train")
    pred = em.predict(store, test)
    row["test_2022"] = dict(n_envs=len(test), env_mean_rmse=rmse(pred, true), observed_env_mean_rmse=rmse(pred, obs),
                            grand_mean_rmse=rmse(np.full(len(test), recs.groupby("Env").Yield_Mg_ha.mean().mean()), true))
    alt = EnvMeanModel(rule="min").fit(store, recs)
    pa = alt.predict(store, test)
    row["rule_min"] = dict(chosen=alt.chosen_, env_mean_rmse=rmse(pa, true), observed_env_mean_rmse=rmse(pa, obs))
    row["ceiling_true_covariates"] = ceiling(env_truth, recs, test, observed)
    return row

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0,1,2,3,4"); ap.add_argument("--out", default=None)
    a = ap.parse_known_args()[0]   # run_all passes --full to every script
    warnings.simplefilter("ignore")
    work = Path(a.out or tempfile.mkdtemp(prefix="hpm_bench_envmean_"))
    out = {"machine": machine(), "simulated_demo": {}, "real_g2f_2014_2016": None}
    for s in [int(v) for v in a.seeds.split(",")]:
        out["simulated_demo"][str(s)] = simulated(s, work)
        print(f"demo seed {s}:", json.dumps(out["simulated_demo"][str(s)]), flush=True)
    if REAL.exists():
        _, out["real_g2f_2014_2016"] = loyo_row(prepare(REAL, work/"real"))
        print("real G2F 2014-2016:", json.dumps(out["real_g2f_2014_2016"]), flush=True)
    rows = [r["test_2022"]["env_mean_rmse"] for r in out["simulated_demo"].values()]
    sd = lambda v: round(float(np.std(v, ddof=1)), 4) if len(v) > 1 else None
    obs = [r["test_2022"]["observed_env_mean_rmse"] for r in out["simulated_demo"].values()]
    ceil = [r["ceiling_true_covariates"]["test_2022_observed"] for r in out["simulated_demo"].values()]
    out["summary"] = dict(demo_test_env_mean_rmse_mean=round(float(np.mean(rows)), 4), demo_test_env_mean_rmse_sd=sd(rows),
                          demo_test_observed_env_mean_rmse_mean=round(float(np.mean(obs)), 4), demo_test_observed_env_mean_rmse_sd=sd(obs),
                          ceiling_test_observed_env_mean_rmse_mean=round(float(np.mean(ceil)), 4), ceiling_test_observed_env_mean_rmse_sd=sd(ceil))
    write_json(RESULTS/"envmean.json", out)
    print(json.dumps(out["summary"]))

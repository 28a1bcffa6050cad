"""The environment-mean model (`models.environment.EnvMeanModel`) on data it has to generalise to: the simulator's demo
data over several seeds and the real G2F 2014–2016 yields shared in ../shared/data/g2f_real_2014_2016.

For each data set: the leave-one-year-out table of every candidate on the training years (RMSE and r of the
environment means, beside the grand mean and the location history), the candidate chosen, and — on the simulated
data, whose truth is known — the RMSE of the chosen model's 2022 environment means against the true ones. Writes
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

def loyo_row(store)->dict:
    "Fit the model on the store's training records; its LOYO table, choice and fitting time."
    recs = store.records("train")
    t0 = time.perf_counter(); em = EnvMeanModel().fit(store, recs); secs = time.perf_counter() - t0
    means = recs.groupby("Env").Yield_Mg_ha.mean()
    return em, dict(chosen=em.chosen_, cv_by=em.cv_by_, n_envs=int(len(means)), n_years=int(recs.Year.nunique()),
                    env_sd=float(means.std(ddof=0)), fit_seconds=round(secs, 2),
                    loyo={c: dict(rmse=round(float(r.rmse), 4), r=round(float(r.r), 4)) for c, r in em.loyo_.iterrows()})

def simulated(seed:int, work:Path)->dict:
    "Demo preset `seed`: the LOYO table on 2014–2021 and the error of the predicted 2022 means against the true ones."
    data = simulate(work/f"sim{seed}", preset="demo", seed=seed)
    store = prepare(data, work/f"prep{seed}")
    em, row = loyo_row(store)
    truth = pd.read_csv(data/"truth"/"env_means.csv").set_index("Env").env_mean
    test = [e for e in store.template.Env.unique() if e in truth.index]
    err = em.predict(store, test) - truth.reindex(test).to_numpy()
    row["test_2022"] = dict(n_envs=len(test), env_mean_rmse=round(float(np.sqrt(np.mean(err ** 2))), 4),
                            grand_mean_rmse=round(float(np.sqrt(np.mean((store.records("train").groupby("Env").Yield_Mg_ha.mean().mean()
                                                                          - truth.reindex(test).to_numpy()) ** 2))), 4))
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
    out["summary"] = dict(demo_test_env_mean_rmse_mean=round(float(np.mean(rows)), 4), demo_test_env_mean_rmse_sd=round(float(np.std(rows, ddof=1)), 4) if len(rows) > 1 else None)
    write_json(RESULTS/"envmean.json", out)
    print(json.dumps(out["summary"]))

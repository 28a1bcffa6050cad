"""The neural model as a residual learner over `gblup-gxe` (`fit_run(..., residual=True)`) against the plain network and
`gblup-gxe` itself, on the simulator's demo data over several seeds: 2022 mean per-Env RMSE / r and the Env-mean RMSE
against the simulated truth, and which of the two the automatic choice (validation year) keeps. Writes
bench/results/residual.json, merged seed by seed.

    python bench/bench_residual.py [--seeds 0,1,2,3,4] [--epochs 30] [--work DIR]
"""
import argparse, json, os, platform, tempfile, time, warnings
from pathlib import Path
import numpy as np, pandas as pd
from hybridpredictmaize.core import write_json, read_json, is_complete
from hybridpredictmaize.simulate import simulate
from hybridpredictmaize.data.store import prepare
from hybridpredictmaize.pipeline import fit_run, predict_run, DEMO_EPOCHS
from hybridpredictmaize import evaluate as ev

RESULTS = Path(__file__).resolve().parent/"results"
SCORES = ("mean_env_rmse", "mean_env_r", "env_bias_rms")
VARIANTS = {"gblup-gxe": dict(model="gblup-gxe"), "gxe": dict(model="gxe", residual=False),
            "gxe-residual": dict(model="gxe", residual=True)}

def one_seed(seed:int, work:Path, epochs:int)->dict:
    data, prep = work/f"sim{seed}", work/f"prep{seed}"
    if not (data/"truth"/"2022_observed.csv").exists(): simulate(data, preset="demo", seed=seed)
    if not is_complete(prep): prepare(data, prep)
    truth = pd.read_csv(data/"truth"/"2022_observed.csv")
    row = {}
    for name, kw in VARIANTS.items():
        t0 = time.perf_counter()
        info = fit_run(prep, work/f"runs{seed}"/name, val_year=2021, epochs=epochs, seed=seed, **kw)
        sub = predict_run(work/f"runs{seed}"/name, prep, out=work/f"runs{seed}"/f"{name}.csv")
        s = ev.summarize(ev.score_frame(sub, truth, name=name))
        row[name] = {k: round(float(s[k]), 4) for k in SCORES} | {"val_mean_env_rmse": round(float(info["validation"]["mean_env_rmse"]), 4),
                                                                    "seconds": round(time.perf_counter() - t0, 1)}
    row["auto_keeps"] = "gxe-residual" if row["gxe-residual"]["val_mean_env_rmse"] < row["gxe"]["val_mean_env_rmse"] else "gxe"
    return row

if __name__ == "__main__":
    ap = argparse.ArgumentParser(); ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--epochs", type=int, default=DEMO_EPOCHS); ap.add_argument("--work", default=None)
    a = ap.parse_known_args()[0]   # run_all passes --full to every script
    warnings.simplefilter("ignore")
    work = Path(a.work or tempfile.mkdtemp(prefix="hpm_bench_residual_"))
    path = RESULTS/"residual.json"
    res = read_json(path) if path.exists() else {}
    res["machine"] = dict(processor=platform.machine(), cpu_count=os.cpu_count(), load_average=list(os.getloadavg()))
    res["epochs"] = a.epochs
    per = res.setdefault("per_seed", {})
    for s in [int(v) for v in a.seeds.split(",")]:
        per[str(s)] = one_seed(s, work, a.epochs)
        res["summary"] = {m: {k: dict(mean=round(float(np.mean(v)), 4), sd=round(float(np.std(v, ddof=1)), 4) if len(v) > 1 else None)
                              for k in SCORES for v in [[per[q][m][k] for q in per if m in per[q]]]} for m in VARIANTS}
        write_json(path, res)
        print(f"seed {s}:", json.dumps(per[str(s)]), flush=True)

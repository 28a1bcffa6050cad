"""`hpm demo` over several simulator seeds: every model's 2022 scores per seed and their mean ± SD, so that a claim about
a model is a claim over seeds. Writes bench/results/demo_seeds.json (results are merged into it seed by seed, so an
interrupted run keeps its finished seeds).

    python bench/bench_seeds.py [--seeds 0,1,2,3,4] [--out DIR]
"""
import argparse, json, os, platform, tempfile, time, warnings
from pathlib import Path
import numpy as np
from hybridpredictmaize.core import write_json, read_json
from hybridpredictmaize.pipeline import run_demo

RESULTS = Path(__file__).resolve().parent/"results"
SCORES = ("mean_env_rmse", "mean_env_r", "env_bias_rms", "within_env_rmse")

if __name__ == "__main__":
    ap = argparse.ArgumentParser(); ap.add_argument("--seeds", default="0,1,2,3,4"); ap.add_argument("--out", default=None)
    a = ap.parse_known_args()[0]   # run_all passes --full to every script
    warnings.simplefilter("ignore")
    work = Path(a.out or tempfile.mkdtemp(prefix="hpm_bench_seeds_"))
    path = RESULTS/"demo_seeds.json"
    res = read_json(path) if path.exists() else {}
    res["machine"] = dict(processor=platform.machine(), cpu_count=os.cpu_count(), load_average=list(os.getloadavg()))
    per_seed = res.setdefault("per_seed", {})
    for s in [int(v) for v in a.seeds.split(",")]:
        t0 = time.perf_counter()
        _, metrics = run_demo(work/f"demo{s}", seed=s)
        per_seed[str(s)] = {m: {k: round(float(v[k]), 4) for k in SCORES if k in v} for m, v in metrics.items()}
        per_seed[str(s)]["seconds"] = round(time.perf_counter() - t0, 1)
        models = [m for m in per_seed[str(s)] if m != "seconds"]
        res["summary"] = {m: {k: dict(mean=round(float(np.mean(v)), 4), sd=round(float(np.std(v, ddof=1)), 4) if len(v) > 1 else None)
                              for k in SCORES for v in [[per_seed[q][m][k] for q in per_seed if m in per_seed[q] and k in per_seed[q][m]]] if v}
                          for m in models}
        write_json(path, res)
        print(f"seed {s} ({per_seed[str(s)]['seconds']} s):", json.dumps({m: per_seed[str(s)][m] for m in models}), flush=True)

"Time `blues_per_env` on a G2F-sized plot table: 136,012 plots in 217 Env (2 replicates, incomplete blocks)."
import argparse, json, os, platform, time
import numpy as np, pandas as pd
from hybridpredictmaize.data.phenotypes import blues_per_env

def simulate_plots(n_env=217, n_plots=136_012, block_size=16, seed=0):
    "Plots with known hybrid values, replicate and block effects; hybrids drawn from a 4,683 pool."
    rng = np.random.default_rng(seed)
    per_env = np.full(n_env, n_plots // n_env); per_env[: n_plots % n_env] += 1
    frames, truth = [], []
    for e, n in enumerate(per_env):
        n_hyb = (n + 1) // 2
        hyb = rng.choice(4683, n_hyb, replace=False)
        g = rng.normal(0, 1, n_hyb)
        for r in (1, 2):
            perm = rng.permutation(n_hyb) if r == 1 else rng.permutation(n_hyb)[: n - n_hyb]
            m = len(perm); blk = np.arange(m) // block_size + 1
            b = rng.normal(0, 1.0, blk.max() + 1)
            frames.append(pd.DataFrame({"Env": f"ENV{e:03d}_2020", "Replicate": r, "Block": blk, "Hybrid": [f"H{h}" for h in hyb[perm]],
                                        "Yield_Mg_ha": 10 + r * 0.5 + g[perm] + b[blk] + rng.normal(0, 0.7, m)}))
        truth.append(pd.DataFrame({"Env": f"ENV{e:03d}_2020", "Hybrid": [f"H{h}" for h in hyb], "g": g}))
    return pd.concat(frames, ignore_index=True), pd.concat(truth, ignore_index=True)

if __name__ == "__main__":
    ap = argparse.ArgumentParser(); ap.add_argument("--full", action="store_true", help="same size (the default is already full size)")
    args = ap.parse_args()
    plots, truth = simulate_plots()
    res = {"n_plots": len(plots), "n_envs": int(plots.Env.nunique())}
    for mode in ("fixed", "random"):
        t = time.perf_counter(); bl = blues_per_env(plots, blocks=mode); res[f"seconds_{mode}"] = round(time.perf_counter() - t, 3)
        m = bl.merge(truth, on=["Env", "Hybrid"])
        res[f"corr_truth_{mode}"] = round(float(m.groupby("Env").apply(lambda d: np.corrcoef(d.Yield_Mg_ha, d.g)[0, 1]).mean()), 4)
    raw = plots.groupby(["Env", "Hybrid"]).Yield_Mg_ha.mean().reset_index().merge(truth, on=["Env", "Hybrid"])
    res["corr_truth_raw_mean"] = round(float(raw.groupby("Env").apply(lambda d: np.corrcoef(d.Yield_Mg_ha, d.g)[0, 1]).mean()), 4)
    res["n_cells"] = len(bl)
    res["machine"] = {"processor": platform.processor() or platform.machine(), "cpus": os.cpu_count(), "numpy": np.__version__,
                      "pandas": pd.__version__, "load_average_1min": round(os.getloadavg()[0], 1)}
    os.makedirs("bench/results", exist_ok=True)
    with open("bench/results/blues.json", "w") as f: json.dump(res, f, indent=2)
    print(json.dumps(res, indent=2))

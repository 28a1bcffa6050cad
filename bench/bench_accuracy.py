"""Accuracy of every model on the simulator's demo data (fit with 2021 as validation year, predict the 2022 template,
score against the simulated observed yields beside the oracle) and of the single-environment genomic models on the
real wheat599 benchmark (the 10 BGLR folds, beside Crossa et al. 2010). Writes bench/results/accuracy.json.

    python bench/bench_accuracy.py [--seed S] [--epochs N] [--out DIR] [--full]

`--full` adds the neural genotype-only model on wheat599 (40 fits; about 15 min on 2 cores).
"""
import argparse, json, os, platform, tempfile, time, warnings
from pathlib import Path
import numpy as np, pandas as pd, torch
from hybridpredictmaize.core import read_json, write_json
from hybridpredictmaize.simulate import simulate
from hybridpredictmaize.data.store import prepare
from hybridpredictmaize.pipeline import fit_run, predict_run, MODELS, DEMO_EPOCHS
from hybridpredictmaize import evaluate as ev

RESULTS = Path(__file__).resolve().parent/"results"

def machine()->dict:
    return dict(processor=platform.machine(), cpu_count=os.cpu_count(), python=platform.python_version(),
                numpy=np.__version__, torch=torch.__version__, cuda=torch.cuda.is_available(),
                load_average=list(os.getloadavg()))

WHEAT = Path(__file__).resolve().parent.parent.parent/"shared"/"data"/"wheat599"
PUBLISHED = {"marker BLUP (Crossa 2010)": (0.480, 0.488, 0.355, 0.464), "RKHS (Crossa 2010)": (0.601, 0.494, 0.445, 0.524)}

def neural_g(Xtr, ytr, Xte, epochs:int=40, seed:int=0):
    "The genotype-only neural model (`mode='g'`), trained on standardised yields for a fixed number of epochs."
    from hybridpredictmaize.neural import GenotypeRegressor
    return GenotypeRegressor(epochs=epochs, seed=seed).fit(Xtr, ytr).predict(Xte)

def wheat_accuracy(full:bool=False)->dict:
    "Mean over the 10 folds of the per-fold Pearson r, per environment and model."
    from hybridpredictmaize.baselines.gblup import GBLUP
    npz = np.load(WHEAT/"markers.npz", allow_pickle=False)
    X, lines = npz["genotypes"].astype(np.int8) * 2, npz["line_ids"].astype(str)
    Y = pd.read_csv(WHEAT/"phenotypes.csv", dtype={"line": str, "env": str}).pivot(index="line", columns="env", values="yield").reindex(lines)
    folds = pd.read_csv(WHEAT/"cv_folds.csv", dtype={"line": str}).set_index("line").fold.reindex(lines).to_numpy()
    models = {"GBLUP (VanRaden)": lambda a, y, b: GBLUP(kernel="vanraden").fit(a, y).predict(b),
              "Gaussian kernel": lambda a, y, b: GBLUP(kernel="gaussian").fit(a, y).predict(b)}
    if full: models["neural g"] = neural_g
    out = {}
    for name, f in models.items():
        out[name] = {}
        for env in Y.columns:
            y = Y[env].to_numpy()
            out[name][env] = float(np.mean([np.corrcoef(f(X[folds != k], y[folds != k], X[folds == k]), y[folds == k])[0, 1]
                                            for k in range(1, 11)]))
        print(name, {e: round(v, 3) for e, v in out[name].items()}, flush=True)
    out.update({k: dict(zip(Y.columns, v)) for k, v in PUBLISHED.items()})
    return out

def main(seed:int=0, epochs:int=DEMO_EPOCHS, out=None, full:bool=False):
    warnings.simplefilter("ignore")
    os.environ.setdefault("HPM_PROGRESS", "0")
    work = Path(out or tempfile.mkdtemp(prefix="hpm_bench_accuracy_"))
    data = simulate(work/"data", preset="demo", seed=seed)
    prep = work/"prep"; prepare(data, prep)
    truth = pd.read_csv(data/"truth"/"2022_observed.csv")
    preds, seconds = {}, {}
    for model in MODELS:
        t0 = time.perf_counter()
        fit_run(prep, work/"runs"/model, model, val_year=2021, epochs=epochs, seed=seed, device="cpu")
        preds[model] = predict_run(work/"runs"/model, prep, device="cpu")
        seconds[model] = round(time.perf_counter() - t0, 1)
        print(f"{model}: {seconds[model]} s", flush=True)
    metrics = ev.write_report(work/"report", preds, truth=truth, oracle=read_json(data/"truth"/"oracle_metrics.json"),
                              title="Accuracy of every model on the demo data (2022)")
    table = ev.metrics_table(metrics)
    print(ev.format_table(table, fmt="text"))
    wheat = wheat_accuracy(full) if WHEAT.exists() else {"skipped": f"{WHEAT} not found"}
    res = dict(machine=machine(), date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), preset="demo", seed=seed,
               epochs=epochs, fit_and_predict_seconds=seconds,
               table={m: {k: float(v) for k, v in row.items() if isinstance(v, (int, float, np.floating))}
                      for m, row in table.to_dict(orient="index").items()},
               wheat599_mean_fold_r=wheat)
    RESULTS.mkdir(exist_ok=True)
    write_json(RESULTS/"accuracy.json", res)
    return res

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=0); p.add_argument("--epochs", type=int, default=DEMO_EPOCHS)
    p.add_argument("--out", default=None)
    p.add_argument("--full", action="store_true", help="also the neural genotype-only model on wheat599 (slow)")
    a = p.parse_args()
    main(a.seed, a.epochs, a.out, a.full)

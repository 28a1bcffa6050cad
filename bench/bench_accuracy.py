"""Accuracy of every model on the simulator's demo data: fit with 2021 as validation year, predict the 2022 template,
score against the simulated observed yields beside the oracle. Writes bench/results/accuracy.json.

    python bench/bench_accuracy.py [--seed S] [--epochs N] [--out DIR]
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

def main(seed:int=0, epochs:int=DEMO_EPOCHS, out=None):
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
    res = dict(machine=machine(), date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), preset="demo", seed=seed,
               epochs=epochs, fit_and_predict_seconds=seconds,
               table={m: {k: float(v) for k, v in row.items() if isinstance(v, (int, float, np.floating))}
                      for m, row in table.to_dict(orient="index").items()})
    RESULTS.mkdir(exist_ok=True)
    write_json(RESULTS/"accuracy.json", res)
    return res

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=0); p.add_argument("--epochs", type=int, default=DEMO_EPOCHS)
    p.add_argument("--out", default=None); p.add_argument("--full", action="store_true", help="(no larger case)")
    a = p.parse_args()
    main(a.seed, a.epochs, a.out)

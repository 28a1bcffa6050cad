"""Other weighting rules for the ensemble, tried on the held-out predictions that fitted ensembles saved: how each would
have scored on the test year, beside the library's rule and the parts. Reads finished runs, fits no model.

Rules (each gives the test-year prediction from the parts' test-year predictions):
- `library`: the fitted ensemble run's own predictions (whichever `ensemble_rule` it was fitted with; runs from
  before the `within-env` rule were `pooled`);
- `within-env`: the library's default rule rebuilt here (the Env means of `gblup-gxe`, the `gblup` part moved onto
  them with the components' `StoreGBLUP.env_means`; weights fitted on the deviations within Env over every held-out
  year): equal to `library` for runs fitted with it, a check that the rule is what the run did;
- `pooled`: the rule before (`pipeline.weight_years`: the refitted held-out years once there are two or more;
  `evaluate.fit_ensemble_weights` on the predictions: non-negative, summing to one, minimising the mean per-Env RMSE);
- `all-years`: the same weights fitted on every held-out year, the validation year included;
- `equal`: equal weights of the three parts; `best-part`: the part with the lowest held-out mean per-Env RMSE;
- `split` / `split-all-years`: one set of weights for the Env means (MSE of the held-out Env means) and another for the
  deviations within Env (mean per-Env RMSE of the centred predictions); a prediction is the weighted Env mean of the
  parts' predictions over the Env's records plus their weighted deviations from it;
- `gblup-gxe-means`: the Env means of `gblup-gxe` (those of the residual `gxe` too) plus the deviations within Env
  weighted as in `split-all-years`, all as record means over the test year's records: the first form of `within-env`.

Where the runs come from (keep their folders):

    python bench/bench_seeds.py --seeds 0,1,2,3,4 --out DEMO      # DEMO/demo{S}: runs/ensemble, submissions, truth
    python bench/bench_offsim.py --work OFF --keep                 # OFF/seed{S}: run_ensemble, prep, truth
    python bench/bench_real.py --neural --work REAL                # REAL/ensemble_{YEAR}, REAL/prep
    python bench/ensemble_rules.py --demo DEMO --offsim OFF --real REAL

Not a `bench_*.py` script: `make bench` does not run it, as it reads the folders the three benchmarks above keep.
Prints, per data set and test set, each rule's mean per-Env RMSE and r, and writes bench/results/ensemble_rules.json.
"""
import argparse, os, platform, warnings
from pathlib import Path
import numpy as np, pandas as pd
from hybridpredictmaize.core import write_json
from hybridpredictmaize import evaluate as ev
from hybridpredictmaize.data.store import open_store
from hybridpredictmaize.pipeline import ENSEMBLE_PARTS as PARTS, GBLUP_MODELS, weight_years, predict_records, env_mean_columns

RESULTS = Path(__file__).resolve().parent/"results"


def scores(df, pred):
    s = ev.summarize(df[["Env", "Hybrid", "Yield_Mg_ha"]].assign(pred=np.asarray(pred, dtype=float)))
    return round(float(s["mean_env_rmse"]), 4), round(float(s["mean_env_r"]), 4)


def weights(df, env=None, within_env=False):
    "The library's weights for the parts' columns of `df` against its `Yield_Mg_ha` (mean per-Env RMSE with `env`, else MSE)."
    return ev.fit_ensemble_weights({p: df[p].to_numpy() for p in PARTS}, df.Yield_Mg_ha.to_numpy(),
                                   env=None if env is None else np.asarray(env), within_env=within_env)


def env_split(df):
    "Each part's (and the observed) Env means over the frame's records, and the deviations from them."
    m = df.groupby("Env")[list(PARTS) + ["Yield_Mg_ha"]].transform("mean")
    return m, df[list(PARTS) + ["Yield_Mg_ha"]] - m


def split_prediction(held, test, ref=None):
    "Weighted Env means (or those of part `ref`) plus weighted deviations within Env, each set of weights fitted on `held`."
    m, _ = env_split(held)
    wd = weights(held, held.Env, within_env=True)   # the deviations within Env: the library centres them
    mt, dt = env_split(test)
    if ref is not None: return mt[ref] + sum(wd[p] * dt[p] for p in PARTS)
    wm = weights(m.assign(Env=held.Env).drop_duplicates("Env"))
    return sum(wm[p] * mt[p] for p in PARTS) + sum(wd[p] * dt[p] for p in PARTS)


def rules(held, test):
    "Test-year predictions of every rule, from the held-out frame (Year, Env, Yield_Mg_ha, parts) and the test frame."
    years = sorted(held.Year.unique(), reverse=True)   # the validation year is the latest held-out year
    lib = held[held.Year.isin(weight_years([int(y) for y in years]))]
    best = min(PARTS, key=lambda p: scores(lib, lib[p])[0])
    parts = {p: test[p].to_numpy() for p in PARTS}
    # rebuilt by hand, not with `EnsembleFamily.rule_parts`: an independent check that the run did what the rule says
    moved = {**parts, "gblup": parts["gblup"] - test["gblup_env_mean"].to_numpy() + test["gblup-gxe_env_mean"].to_numpy()}
    return {"library": test["ensemble"], "within-env": ev.combine(moved, weights(held, held.Env, within_env=True)),
            "pooled": ev.combine(parts, weights(lib, lib.Env)), "all-years": ev.combine(parts, weights(held, held.Env)),
            "equal": test[list(PARTS)].mean(1), "best-part": test[best],
            "split": split_prediction(lib, test), "split-all-years": split_prediction(held, test),
            "gblup-gxe-means": split_prediction(held, test, ref="gblup-gxe")}


def evaluate_case(held, test):
    out = {p: scores(test, test[p]) for p in PARTS}
    out |= {f"rule {k}": scores(test, v) for k, v in rules(held, test).items()}
    return out


def with_env_means(test, run, store):
    "The test frame with the Env means of the run's gBLUP components (`{part}_env_mean`)."
    means = env_mean_columns({p: run/"components"/p for p in GBLUP_MODELS}, store, test.Env)
    return test.assign(**{f"{p}_env_mean": m for p, m in means.items()})


def demo_cases(root):
    for d in sorted(Path(root).glob("demo*")):
        test = pd.read_csv(d/"data"/"truth"/"2022_observed.csv")
        for p in (*PARTS, "ensemble"):
            test = test.merge(pd.read_csv(d/"submissions"/f"{p}.csv").rename(columns={"Yield_Mg_ha": p}), on=["Env", "Hybrid"])
        run = d/"runs"/"ensemble"
        yield d.name, pd.read_csv(run/"heldout_predictions.csv"), with_env_means(test, run, open_store(d/"prep"))


def run_cases(pairs):
    "(name, run folder, store folder, test records) -> held-out frame and test frame with every part's predictions."
    for name, run, prep, test in pairs:
        store = open_store(prep)
        test = test[(store.hybrid_index(test.Hybrid) >= 0) & (store.env_index(test.Env) >= 0)].reset_index(drop=True)
        for p in PARTS: test[p] = predict_records(run/"components"/p, store, test, "cpu")
        test["ensemble"] = predict_records(run, store, test, "cpu")
        yield name, pd.read_csv(run/"heldout_predictions.csv"), with_env_means(test, run, store)


def offsim_cases(root):
    for d in sorted(Path(root).glob("seed*")):
        truth = pd.read_csv(d/"data"/"truth"/"Truth_Yield_2022.csv").dropna(subset=["Yield_Mg_ha"])
        yield from run_cases([(d.name, d/"run_ensemble", d/"prep", truth[["Env", "Hybrid", "Yield_Mg_ha"]].reset_index(drop=True))])


def real_cases(root):
    recs = open_store(Path(root)/"prep").records("train")
    for run in sorted(Path(root).glob("ensemble_*")):
        year = int(run.name.split("_")[1])
        yield from run_cases([(str(year), run, Path(root)/"prep", recs[recs.Year == year].reset_index(drop=True))])


def summary(cases):
    names = list(next(iter(cases.values())))
    return {n: dict(mean_env_rmse=round(float(np.mean([c[n][0] for c in cases.values()])), 4),
                    mean_env_r=round(float(np.mean([c[n][1] for c in cases.values()])), 4)) for n in names}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--demo"); ap.add_argument("--offsim"); ap.add_argument("--real")
    ap.add_argument("--out", default=str(RESULTS/"ensemble_rules.json"))
    a = ap.parse_known_args()[0]   # run_all passes --full to every script
    warnings.simplefilter("ignore")
    sources = {"demo": (a.demo, demo_cases), "independent simulator": (a.offsim, offsim_cases), "real G2F LOYO": (a.real, real_cases)}
    res = {"machine": dict(processor=platform.machine(), cpu_count=os.cpu_count()), "data": {}}
    for label, (root, cases) in sources.items():
        if not root: continue
        per = {name: evaluate_case(held, test) for name, held, test in cases(root)}
        res["data"][label] = {"per_case": per, "mean": summary(per)}
        print(f"\n{label}: mean per-Env RMSE / r of each part and rule, per case and their mean")
        rows = list(summary(per))
        print(f"{'':24s}" + "".join(f"{c:>16s}" for c in list(per) + ["mean"]))
        for r in rows:
            print(f"{r:24s}" + "".join(f"{per[c][r][0]:>8.3f}/{per[c][r][1]:.3f}" for c in per)
                  + f"{res['data'][label]['mean'][r]['mean_env_rmse']:>8.3f}/{res['data'][label]['mean'][r]['mean_env_r']:.3f}")
    if not res["data"]: ap.error("give at least one of --demo, --offsim, --real")
    write_json(a.out, res)
    print(f"wrote {a.out}")

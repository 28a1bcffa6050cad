"""Other environment-mean models beside the library's candidates, scored the same way: is any of them better
everywhere, on data the library was not tuned on?

Each alternative is a linear model on the library's standardised environment features (growth-stage and site
covariates, as `EnvMeanModel` builds them) and the year, plus a location effect shrunk towards zero (the mean
residual of the location's training environments times n / (n + k)); its penalty / size and `k` are chosen by
leave-one-year-out inside the training years, and it is scored by leave-one-year-out on the training years (outer
loop; the library's chosen candidate is the best of its own table there, which favours it) and, where the truth is
known, on the 2022 environments (no such favour):

* `lasso`, `enet` (elastic net, l1 ratio 0.5), `ridge_plain` (one ridge over all columns, not block-weighted),
* `pls` (partial least squares, 1–6 components: the factorial-regression tradition of G x E, Vargas et al. 1998),
* `ceris` (the 1–3 covariates most correlated with the training means, then a ridge on them: in the spirit of
  CERIS, Li et al. 2021, which searches for the one environmental index that best explains the means).

Data: the demo simulator (seeds 0–4), the independent simulator `bench/offsim.py` (seeds 0–2) and the real G2F
2014–2016 years. Writes bench/results/envmean_alternatives.json.

    python bench/bench_envmean_alternatives.py [--out DIR]
"""
import argparse, json, sys, tempfile, warnings
from pathlib import Path
import numpy as np, pandas as pd
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import ElasticNet, Lasso, Ridge
from hybridpredictmaize.core import write_json
from hybridpredictmaize.data.environments import env_meta
from hybridpredictmaize.data.store import prepare
from hybridpredictmaize.models.environment import EnvMeanModel, env_targets
from hybridpredictmaize.simulate import simulate

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from offsim import write_offsim
from bench_envmean import REAL, machine

def rmse(a, b)->float: return float(np.sqrt(np.mean((np.asarray(a, float) - np.asarray(b, float)) ** 2)))

class TopCovariates:
    "A ridge on the `size` columns most correlated with the targets (chosen on the training rows)."
    def __init__(self, size:int): self.size = size
    def fit(self, A, y):
        Z = (A - A.mean(0)) / (A.std(0) + 1e-12)
        self.cols = np.argsort(-np.abs(Z.T @ (y - y.mean())))[:self.size]
        self.model = Ridge(alpha=1.0).fit(A[:, self.cols], y); return self
    def predict(self, A): return self.model.predict(A[:, self.cols])

ALTERNATIVES = {
    "lasso": (lambda a: Lasso(alpha=a, max_iter=20000), (0.02, 0.05, 0.1, 0.2, 0.4)),
    "enet": (lambda a: ElasticNet(alpha=a, l1_ratio=0.5, max_iter=20000), (0.05, 0.1, 0.2, 0.4, 0.8)),
    "ridge_plain": (lambda a: Ridge(alpha=a), (1.0, 5.0, 20.0, 50.0, 200.0)),
    "pls": (lambda n: PLSRegression(n_components=n, scale=False), (1, 2, 3, 4, 6)),
    "ceris": (TopCovariates, (1, 2, 3)),
}
SHRINK = (1.0, 3.0, 10.0)   # k of the location effect's shrinkage n / (n + k)

def _fit_predict(make, size, k, A, l, y, An, ln):
    m = make(size).fit(A, y)
    res = pd.DataFrame(dict(r=y - np.ravel(m.predict(A)), l=l)).groupby("l").r.agg(["sum", "count"])
    eff = (res["sum"] / (res["count"] + k)).to_dict()
    return np.ravel(m.predict(An)) + np.array([eff.get(v, 0.0) for v in ln])

def _by_group(groups, fn, n):
    out = np.empty(n)
    for g in np.unique(groups):
        te = groups == g; out[te] = fn(~te, te)
    return out

def alternative(name, A, l, y, groups, An, ln):
    "Fit `name` on (A, l, y), its size and shrinkage chosen by leave-one-group-out inside; predict (An, ln)."
    make, sizes = ALTERNATIVES[name]
    inner = groups if len(set(groups.tolist())) >= 3 else np.arange(len(y))
    score = lambda s, k: rmse(_by_group(inner, lambda tr, te: _fit_predict(make, s, k, A[tr], l[tr], y[tr], A[te], l[te]), len(y)), y)
    s, k = min(((s, k) for s in sizes for k in SHRINK), key=lambda p: score(*p))
    return _fit_predict(make, s, k, A, l, y, An, ln)

def compare(store, truth:pd.Series|None=None)->dict:
    "LOYO RMSE of the library's candidates and of the alternatives; 2022 RMSE against `truth` where given."
    y = env_targets(store.records("train"))
    em = EnvMeanModel().fit(store, env_means=y)
    envs = list(y.index); X, t, l = em._inputs(store, envs)
    groups = np.array([v if v is not None else -1 for v in env_meta(store, envs)[1]])
    A, yv = np.column_stack([X, t]), y.to_numpy(np.float64)
    row = dict(n_envs=len(y), n_features=int(X.shape[1]), chosen=em.chosen_,
               loyo={c: round(float(r.rmse), 4) for c, r in em.loyo_.iterrows()})
    if truth is not None:
        test = [e for e in store.template.Env.unique() if e in truth.index]
        Xn, tn, ln = em._inputs(store, test); An = np.column_stack([Xn, tn])
        row["test_2022"] = {"chosen": round(rmse(em.predict(store, test), truth.reindex(test)), 4)}
    for name in ALTERNATIVES:
        pred = _by_group(groups, lambda tr, te: alternative(name, A[tr], l[tr], yv[tr], groups[tr], A[te], l[te]), len(yv))
        row["loyo"][name] = round(rmse(pred, yv), 4)
        if truth is not None: row["test_2022"][name] = round(rmse(alternative(name, A, l, yv, groups, An, ln), truth.reindex(test)), 4)
    return row

if __name__ == "__main__":
    ap = argparse.ArgumentParser(); ap.add_argument("--out", default=None)
    a = ap.parse_known_args()[0]
    warnings.simplefilter("ignore")
    work = Path(a.out or tempfile.mkdtemp(prefix="hpm_bench_envalt_"))
    out = dict(machine=machine(), data={})
    for s in range(5):
        d = simulate(work/f"sim{s}", preset="demo", seed=s)
        truth = pd.read_csv(d/"truth"/"env_means.csv").set_index("Env").env_mean
        out["data"][f"demo seed {s}"] = compare(prepare(d, work/f"prep{s}"), truth)
        print(f"demo seed {s}", json.dumps(out["data"][f"demo seed {s}"]), flush=True)
    for s in range(3):
        d = write_offsim(work/f"off{s}", seed=s)
        truth = pd.read_csv(d/"truth"/"env_truth.csv").set_index("Env").true_env_mean
        out["data"][f"offsim seed {s}"] = compare(prepare(d, work/f"offprep{s}"), truth)
        print(f"offsim seed {s}", json.dumps(out["data"][f"offsim seed {s}"]), flush=True)
    if REAL.exists():
        out["data"]["real G2F 2014-2016"] = compare(prepare(REAL, work/"real"))
        print("real", json.dumps(out["data"]["real G2F 2014-2016"]), flush=True)
    wins = {n: sum(r["loyo"][n] < r["loyo"][r["chosen"]] - 1e-9 for r in out["data"].values()) for n in ALTERNATIVES}
    out["summary"] = dict(alternative_beats_chosen_loyo=wins, n_data_sets=len(out["data"]))
    write_json(HERE/"results"/"envmean_alternatives.json", out)
    print(json.dumps(out["summary"]))

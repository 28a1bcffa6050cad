"""Benchmark of the gBLUP baseline: GRM build and REML fit times.

Default run (a few minutes on 2 cores): GRM for n in {1000, 2000, 4000} x p in {10000, 50000} from int8 dosages,
REML at each n with `GBLUP` (tridiagonal reduction, float64) and with a plain float64 numpy REML built on one
`np.linalg.eigh` (the EMMA recipe), measured in the same run (alternated, best of 2), with their agreement; the GRM against
numpy's float32 `Z @ Z.T` on the centred matrix (alternated, best of 2) and the float32 matmul peak measured in the same run. `--full` adds n = 4,928 hybrids x p = 437,214 SNPs from a
store-like int8 memory map written under /tmp (2.2 GB). Writes bench/results/gblup.json.

    python bench/bench_gblup.py            # default
    python bench/bench_gblup.py --full     # also the G2F-size case
"""
import argparse, json, math, os, platform, sys, tempfile, time
from pathlib import Path
import numpy as np
from scipy import optimize

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from hybridpredictmaize.baselines.gblup import GBLUP
from hybridpredictmaize.baselines.kernels import vanraden_grm, _centre, int8_products, _cpu_flags, INT8_CPU_FLAGS
from hybridpredictmaize.core import write_json


def machine():
    import torch
    try: blas = np.__config__.CONFIG["Build Dependencies"]["blas"]; blas = f"{blas['name']} {blas.get('version', '')}".strip()
    except Exception: blas = "unknown"
    try: model = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration): model = platform.processor() or platform.machine()
    return dict(processor=model, int8_flags=sorted(_cpu_flags() & set(INT8_CPU_FLAGS)),
                kernel_engine="int8 torch._int_mm" if int8_products() else "float32 BLAS on exact integers",
                cpu_count=os.cpu_count(), python=platform.python_version(),
                numpy=np.__version__, blas=blas, torch=torch.__version__, cuda=torch.cuda.is_available(),
                load_average=os.getloadavg() if hasattr(os, "getloadavg") else None)


def sgemm_peak(n=3072, repeats=3):
    "Best float32 GFLOP/s of an (n x n) @ (n x n) product of two different matrices."
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n), dtype=np.float32), rng.standard_normal((n, n), dtype=np.float32)
    a @ b
    best = min(_timed(lambda: a @ b)[1] for _ in range(repeats))
    return 2 * n ** 3 / best / 1e9


def _timed(f):
    t0 = time.perf_counter(); out = f(); return out, time.perf_counter() - t0


def plain_reml(K, y):
    "The reference: float64 numpy EMMA REML with one full np.linalg.eigh, grid + Brent over log delta."
    n = len(y); X = np.ones((n, 1))
    lam, U = np.linalg.eigh(K)
    yt, Xt = U.T @ y, U.T @ X
    def negll(t):
        d = math.exp(t); w = 1 / (lam + d)
        XHX = (Xt * w[:, None]).T @ Xt; XHy = (Xt * w[:, None]).T @ yt
        beta = np.linalg.solve(XHX, XHy); R = (yt * w) @ yt - XHy @ beta
        return 0.5 * ((n - 1) * (math.log(2 * math.pi * R / (n - 1)) + 1) + np.log(lam + d).sum() + np.linalg.slogdet(XHX)[1] - np.linalg.slogdet(X.T @ X)[1])
    scale = lam.mean(); lo = math.log(scale) - 23
    if lam.min() < 0: lo = max(lo, math.log(-2 * lam.min()) + 1e-3)   # float32 GRMs have tiny negative eigenvalues
    grid = np.linspace(lo, math.log(scale) + 23, 100)
    i = int(np.nanargmin([negll(t) for t in grid]))
    res = optimize.minimize_scalar(negll, bounds=(grid[max(i - 1, 0)], grid[min(i + 1, 99)]), method="bounded", options=dict(xatol=1e-10))
    d = math.exp(res.x); w = 1 / (lam + d)
    beta = np.linalg.solve((Xt * w[:, None]).T @ Xt, (Xt * w[:, None]).T @ yt)
    alpha = U @ ((yt - Xt @ beta) * w)
    var_g = ((yt - Xt @ beta) ** 2 * w).sum() / (n - 1)
    return dict(delta=d, var_g=var_g, var_e=d * var_g, u=(y - X @ beta) - d * alpha, loglik=-res.fun)


def population(p, seed=0, n_pops=20, fst=0.1):
    "Allele frequencies of 20 subpopulations (Balding-Nichols, F_st = 0.1) around base frequencies in [0.05, 0.5]."
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.05, 0.5, p)
    return rng.beta(base * (1 - fst) / fst, (1 - base) * (1 - fst) / fst, size=(n_pops, p)).astype(np.float32)


def dosage_rows(pops, rows, seed):
    "int8 dosages of individuals `rows` (individual i belongs to subpopulation i mod 20)."
    rng = np.random.default_rng(seed)
    f = pops[np.asarray(rows) % len(pops)]
    return (rng.random(f.shape, dtype=np.float32) < f).astype(np.int8) + (rng.random(f.shape, dtype=np.float32) < f)


def dosages(n, p, seed=0, block_rows=500):
    "An (n, p) int8 dosage matrix with population structure, made in row blocks."
    pops, out = population(p, seed), np.empty((n, p), np.int8)
    for i in range(0, n, block_rows): out[i:i + block_rows] = dosage_rows(pops, range(i, min(i + block_rows, n)), seed + 1 + i)
    return out


def reml_case(K, seed=1, repeats=2):
    n = K.shape[0]; rng = np.random.default_rng(seed)
    g = np.linalg.cholesky(K + 1e-3 * np.eye(n)) @ rng.standard_normal(n) * math.sqrt(0.5)
    y = 10 + g + rng.standard_normal(n) * math.sqrt(0.5)
    t_ours, t_ref = [], []
    for _ in range(repeats):   # alternate the two and keep the best of each: the machine may be shared
        ours, t = _timed(lambda: GBLUP(kernel="precomputed").fit(K, y)); t_ours.append(t)
        ref, t = _timed(lambda: plain_reml(K, y)); t_ref.append(t)
    t_ours, t_ref = min(t_ours), min(t_ref)
    rel = lambda a, b: abs(a - b) / abs(b)
    full = GBLUP(kernel="precomputed", method="eigh").fit(K, y)   # the same maximiser on a full eigendecomposition (untimed)
    return dict(n=n, reml_s=round(t_ours, 3), plain_numpy_eigh_reml_s=round(t_ref, 3), ratio=round(t_ours / t_ref, 3),
                agreement=dict(delta_rel=rel(ours.delta_, ref["delta"]), var_g_rel=rel(ours.var_g_, ref["var_g"]),
                               var_e_rel=rel(ours.var_e_, ref["var_e"]),
                               blup_rel=float(np.abs(ours.u_ - ref["u"]).max() / np.abs(ref["u"]).max()),
                               loglik_ours_minus_plain=float(ours.loglik_ - ref["loglik"]),
                               vs_full_eigh_method=dict(delta_rel=rel(ours.delta_, full.delta_), h2_rel=rel(ours.h2_, full.h2_),
                                                        blup_rel=float(np.abs(ours.u_ - full.u_).max() / np.abs(full.u_).max()))),
                h2=round(ours.h2_, 4))


def numpy_syrk(M):
    "The GRM reference: numpy's float32 `Z @ Z.T` on the whole centred matrix (a symmetric rank-k update); centring not timed."
    Z, _ = _centre(M)
    return _timed(lambda: Z @ Z.T)[1]


def grm_case(M, peak, repeats=2):
    n, p = M.shape
    t_ours, t_ref = [], []
    for _ in range(repeats):   # alternate the two and keep the best of each: the machine may be shared
        G, t = _timed(lambda: vanraden_grm(M)); t_ours.append(t)
        t_ref.append(numpy_syrk(M))
    t, t_np = min(t_ours), min(t_ref)
    gemm_s = 2 * n * n * p / (peak * 1e9)          # a full sgemm Z Zᵀ at the measured peak
    return G, dict(n=n, p=p, grm_s=round(t, 3), numpy_float32_zzt_s=round(t_np, 3), ratio_vs_numpy=round(t / t_np, 3),
                   useful_gflops=round(n * n * p / t / 1e9, 1),
                   gemm_equivalent_gflops=round(2 * n * n * p / t / 1e9, 1), time_vs_peak_sgemm=round(t / gemm_s, 3))


def full_case(peak, n=4928, p=437214, chunk_rows=256):
    path = Path(tempfile.gettempdir())/"hpm_bench_gblup_dosage.i8"
    if not path.exists() or path.stat().st_size != n * p:
        out = np.memmap(path, dtype=np.int8, mode="w+", shape=(n, p))
        pops = population(p, seed=7)
        for i in range(0, n, chunk_rows): out[i:i + chunk_rows] = dosage_rows(pops, range(i, min(i + chunk_rows, n)), seed=8 + i)
        out.flush(); del out
    M = np.memmap(path, dtype=np.int8, mode="r", shape=(n, p))
    class StoreGenotypes: dosage = M
    G, t = _timed(lambda: vanraden_grm(StoreGenotypes()))
    gemm_s = 2 * n * n * p / (peak * 1e9)
    res = dict(n=n, p=p, grm_s=round(t, 1), useful_gflops=round(n * n * p / t / 1e9, 1),
               gemm_equivalent_gflops=round(2 * n * n * p / t / 1e9, 1), time_vs_peak_sgemm=round(t / gemm_s, 3), source=str(path))
    res["reml"] = reml_case(G, repeats=1)
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="also n = 4,928 x p = 437,214 from an int8 memmap under /tmp")
    ap.add_argument("--n", type=int, nargs="*", default=[1000, 2000, 4000])
    ap.add_argument("--p", type=int, nargs="*", default=[10000, 50000])
    ap.add_argument("--out", default=str(HERE/"results"/"gblup.json"), help="where to write the JSON results")
    ap.add_argument("--threads", type=int, default=None, help="BLAS threads for the whole run (default: the library's own choice)")
    args = ap.parse_args()
    if args.threads:
        from threadpoolctl import threadpool_limits
        threadpool_limits(args.threads)
    peak = sgemm_peak()
    print(f"float32 matmul peak: {peak:.1f} GFLOP/s", flush=True)
    out = dict(machine=machine(), blas_threads=args.threads or "default", sgemm_peak_gflops=round(peak, 1), grm=[], reml=[])
    for n in args.n:
        G = None
        for p in args.p:
            M = dosages(n, p, seed=n + p)
            G, res = grm_case(M, peak); del M
            out["grm"].append(res); print("GRM", res, flush=True)
        res = reml_case(G); out["reml"].append(res); print("REML", res, flush=True)
    if args.full:
        out["full"] = full_case(peak); print("FULL", out["full"], flush=True)
    out["machine"]["load_average_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    write_json(args.out, out)
    print(f"wrote {args.out}")

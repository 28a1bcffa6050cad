"""Benchmark of the prepared store: `prepare` time on simulated G2F folders, and reading random batches of
genotype rows from a G2F-size memory-mapped store (4,928 hybrids x 437,214 SNPs, int8 = 2.0 GiB).

Writes bench/results/store.json. `--full` also prepares the simulator's `demo` preset.
Usage: python bench/bench_store.py [--full] [--keep]
"""
import argparse, gc, json, os, platform, shutil, statistics, sys, tempfile, time, warnings
from pathlib import Path
import numpy as np
import pandas as pd
import torch

import hybridpredictmaize
from hybridpredictmaize.core import write_json, mark_complete
from hybridpredictmaize.simulate import simulate
from hybridpredictmaize.data.store import prepare, open_store
from hybridpredictmaize.data.dataset import G2FDataset, gather_rows
from hybridpredictmaize.data.genotypes import open_genotypes

HERE = Path(__file__).resolve().parent
N_HYBRIDS, N_SNPS, BATCH = 4928, 437_214, 64


def machine():
    cfg = np.show_config(mode="dicts") if "mode" in np.show_config.__code__.co_varnames else {}
    blas = cfg.get("Build Dependencies", {}).get("blas", {}).get("name") if isinstance(cfg, dict) else None
    return {"processor": platform.processor() or platform.machine(), "cpu_count": os.cpu_count(),
            "python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__, "numpy_blas": blas,
            "hybridpredictmaize": hybridpredictmaize.__version__, "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
            "note": "shared 2-core machine; other jobs ran at the same time (see load_average_at_end too)"}


def time_prepare(root: Path, preset: str):
    data = simulate(root/f"sim_{preset}", preset=preset, seed=0)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        store = prepare(data, root/f"store_{preset}")
    dt = time.perf_counter() - t0
    c = store.info["counts"]
    return store, {"preset": preset, "prepare_s": round(dt, 3), **{k: c[k] for k in ("envs", "hybrids", "snps", "plots", "blues")}}


def write_big_genotypes(folder: Path, seed=0, rows_per_chunk=256):
    "A G2F-size genotypes folder in the store layout (dosage.i8, samples.txt, snps.parquet, genotypes.json)."
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    mm = np.memmap(folder/"dosage.i8", dtype=np.int8, mode="w+", shape=(N_HYBRIDS, N_SNPS))
    t0 = time.perf_counter()
    for i in range(0, N_HYBRIDS, rows_per_chunk):
        mm[i:i + rows_per_chunk] = rng.integers(-1, 3, size=(min(rows_per_chunk, N_HYBRIDS - i), N_SNPS), dtype=np.int8)
    mm.flush(); del mm
    ids = [f"HYB{i:05d}/TESTER" for i in range(N_HYBRIDS)]
    (folder/"samples.txt").write_text("\n".join(ids) + "\n")
    chrom = np.repeat(np.arange(1, 11), -(-N_SNPS // 10))[:N_SNPS]
    pos = np.arange(N_SNPS) * 500 + 1
    pd.DataFrame({"snp_id": [f"S{c}_{p}" for c, p in zip(chrom, pos)], "chrom": chrom.astype(str), "pos": pos,
                  "ref": "A", "alt": "C", "maf": 0.3, "call_rate": 0.75}).to_parquet(folder/"snps.parquet", index=False)
    write_json(folder/"genotypes.json", {"shape": [N_HYBRIDS, N_SNPS], "dtype": "int8", "source": "bench_store synthetic",
                                         "qc": {"snps_read": N_SNPS, "removed_call_rate": 0, "removed_maf": 0, "kept": N_SNPS}})
    mark_complete(folder)
    return ids, time.perf_counter() - t0


def evict(path: Path):
    "Drop the file's pages from the page cache (cold reads)."
    fd = os.open(path, os.O_RDONLY)
    try: os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally: os.close(fd)


def ms(xs): return {"median_ms": round(1000 * statistics.median(xs), 3), "min_ms": round(1000 * min(xs), 3),
                    "max_ms": round(1000 * max(xs), 3), "n": len(xs)}


def bench_batches(big: Path, ids, repeats=20, seed=0):
    "Cold (page cache dropped, fresh mapping) and warm reads of random batches of 64 genotype rows, several ways."
    rng = np.random.default_rng(seed)
    dos = big/"genotypes/dosage.i8"
    evict(dos)
    t0 = time.perf_counter(); store = open_store(big); _ = store.genotypes.shape
    res = {"open_store_ms": round(1000 * (time.perf_counter() - t0), 3)}
    recs = pd.DataFrame({"Env": store.weather_envs[0], "Hybrid": ids})
    ds = G2FDataset(store, recs)
    methods = {
        "gather_rows": lambda G, rows: gather_rows(G.dosage, rows),                 # the dataset's read (madvise + sorted gather)
        "genotypes_rows": lambda G, rows: G.rows(rows),                            # Genotypes.rows (sorted gather)
        "row_by_row": lambda G, rows: np.stack([np.asarray(G.dosage[r]) for r in rows]),  # one row at a time, batch order
    }
    times = {f"{m}_{c}": [] for m in methods for c in ("cold", "warm")}
    times["dataset_batch_cold"] = []
    for _ in range(repeats):
        for name, fn in methods.items():
            rows = rng.choice(N_HYBRIDS, BATCH, replace=False)
            evict(dos); G = open_genotypes(big/"genotypes")                        # fresh mapping, cold file
            t0 = time.perf_counter(); g = fn(G, rows); times[f"{name}_cold"].append(time.perf_counter() - t0)
            t0 = time.perf_counter(); g = fn(G, rows); times[f"{name}_warm"].append(time.perf_counter() - t0)
            assert g.shape == (BATCH, N_SNPS)
            del G, g; gc.collect()
        idx = rng.choice(len(recs), BATCH, replace=False)
        evict(dos); ds._genotypes = None
        t0 = time.perf_counter(); b = ds.batch(idx); times["dataset_batch_cold"].append(time.perf_counter() - t0)
        assert tuple(b["geno"].shape) == (BATCH, N_SNPS)
    res.update({k: ms(v) for k, v in times.items()})
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--full", action="store_true", help="also prepare the simulator's demo preset")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args(argv)
    os.environ.setdefault("HPM_PROGRESS", "0")
    root = Path(tempfile.mkdtemp(prefix="hpm_bench_store_"))
    out = {"benchmark": "store", "machine": machine(), "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    try:
        small, out["prepare_small"] = time_prepare(root, "small")
        print("prepare small:", out["prepare_small"], flush=True)
        if args.full:
            _, out["prepare_demo"] = time_prepare(root, "demo")
            print("prepare demo:", out["prepare_demo"], flush=True)
        big = root/"store_big"
        shutil.copytree(small.path, big, ignore=shutil.ignore_patterns("genotypes"))
        ids, write_s = write_big_genotypes(big/"genotypes")
        out["big_store"] = {"hybrids": N_HYBRIDS, "snps": N_SNPS, "bytes": N_HYBRIDS * N_SNPS, "write_s": round(write_s, 2),
                            "batch_size": BATCH}
        out["big_store"].update(bench_batches(big, ids, repeats=args.repeats))
        print(json.dumps(out["big_store"], indent=1), flush=True)
    finally:
        if not args.keep: shutil.rmtree(root, ignore_errors=True)
    out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out["method"] = ("cold = page cache of dosage.i8 dropped with posix_fadvise(DONTNEED) and a fresh memory map; warm = the same "
                     "rows read again at once; times are medians over --repeats random batches of 64 distinct rows")
    (HERE/"results").mkdir(exist_ok=True)
    write_json(HERE/"results/store.json", out)
    print("wrote", HERE/"results/store.json")


if __name__ == "__main__":
    sys.exit(main())

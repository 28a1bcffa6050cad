"""Benchmark of the simulator: generation time, peak memory and output size per preset.

Each preset runs in a fresh child process so that its peak resident memory (ru_maxrss) is its own.
Writes bench/results/simulate.json. Default: `small` and `demo`; `--full` adds `g2f` (4,928 hybrids x 437,214 SNPs,
a ~9 GB VCF written under --tmp, deleted afterwards unless --keep).
Usage: python bench/bench_simulate.py [--full] [--tmp DIR] [--keep]
"""
import argparse, json, os, platform, shutil, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np

import hybridpredictmaize
from hybridpredictmaize.core import write_json, read_json

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from hybridpredictmaize.simulate import simulate
t1 = time.perf_counter()
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out = simulate(sys.argv[1], preset=sys.argv[2], seed=0)
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "simulate_s": t2 - t1, "rss_after_import_mib": rss0,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def machine():
    cfg = np.show_config(mode="dicts") if "mode" in np.show_config.__code__.co_varnames else {}
    blas = cfg.get("Build Dependencies", {}).get("blas", {}).get("name") if isinstance(cfg, dict) else None
    try: import torch; tv = torch.__version__
    except ImportError: tv = None
    return {"processor": platform.processor() or platform.machine(), "cpu_count": os.cpu_count(),
            "python": platform.python_version(), "torch": tv, "numpy": np.__version__, "numpy_blas": blas,
            "hybridpredictmaize": hybridpredictmaize.__version__, "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
            "note": "shared 2-core machine; other jobs may have run at the same time (see load averages)"}


def run(preset, root: Path, keep: bool):
    out = root/f"sim_{preset}"
    if out.exists(): shutil.rmtree(out)
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", CHILD, str(out), preset], capture_output=True, text=True,
                         env={**os.environ, "HPM_PROGRESS": "0"})
    wall = time.perf_counter() - t0
    if res.returncode: raise SystemExit(f"{preset} failed:\n{res.stderr[-3000:]}")
    r = json.loads(res.stdout.strip().splitlines()[-1])
    files = {str(p.relative_to(out)): p.stat().st_size for p in sorted(out.rglob("*")) if p.is_file()}
    params = read_json(out/"truth"/"params.json")
    row = {"preset": preset, "simulate_s": round(r["simulate_s"], 2), "process_wall_s": round(wall, 2),
           "peak_rss_mib": round(r["peak_rss_mib"], 1),
           "rss_after_import_mib": round(r["rss_after_import_mib"], 1), "bytes_written": sum(files.values()),
           "vcf_bytes": files.get("Training_Data/5_Genotype_Data_All_Years.vcf"), "counts": params["counts"],
           "oracle_mean_env_rmse": round(read_json(out/"truth"/"oracle_metrics.json")["mean_env_rmse"], 4),
           "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
    if not keep: shutil.rmtree(out)
    print(json.dumps(row), flush=True)
    return row


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="also run the g2f preset (~9 GB VCF, minutes)")
    ap.add_argument("--tmp", default=None, help="folder for the outputs (default: a new temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep the simulated folders")
    ap.add_argument("--presets", nargs="*", default=None, help="presets to run (default: small demo [g2f])")
    a = ap.parse_args()
    presets = a.presets or (["small", "demo", "g2f"] if a.full else ["small", "demo"])
    root = Path(a.tmp or tempfile.mkdtemp(prefix="bench_simulate_"))
    root.mkdir(parents=True, exist_ok=True)
    result = {"benchmark": "simulate", "machine": machine(), "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "results": [run(p, root, a.keep) for p in presets]}
    path = HERE/"results"/"simulate.json"
    if path.exists():   # keep the earlier figures of presets not run now (e.g. g2f from an earlier --full run)
        old = read_json(path)
        result["results"] += [r for r in old.get("results", []) if r["preset"] not in presets]
        if "g2f_machine" in old: result["g2f_machine"] = old["g2f_machine"]
    if "g2f" in presets: result["g2f_machine"] = result["machine"]
    write_json(path, result)
    if not a.tmp and not a.keep: shutil.rmtree(root, ignore_errors=True)
    print(f"wrote {path}")

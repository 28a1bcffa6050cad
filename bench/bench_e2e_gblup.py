"""End-to-end cost of `gblup-gxe` through the CLI: `hpm simulate` -> `prepare` -> `fit` -> `predict`.

Each step runs as its own `hpm` process; the wall time and the peak resident memory of that process (from
`os.wait4`) are recorded, so a user knows what the real data costs on a laptop. The default run uses the
simulator's `small` preset (seconds); `--full` uses the `g2f` preset (4,928 hybrids x 437,214 SNPs, 217 training
environments: ~7 min and ~8.7 GB of disk to simulate, then the three measured steps). Targets at G2F size:
prepare + fit + predict <= 15 min and <= 8 GB peak on 2 cores. Writes bench/results/e2e_gblup_<preset>.json.

    python bench/bench_e2e_gblup.py              # small preset
    python bench/bench_e2e_gblup.py --full       # G2F size (make bench-full)
"""
import argparse, os, platform, shutil, subprocess, sys, tempfile, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from hybridpredictmaize.core import write_json

HPM = str(Path(sys.executable).with_name("hpm"))
DISK_GB = {"small": 0.1, "demo": 1.0, "g2f": 12.0}   # simulated folder + store, with some room


def step(name, *args):
    "Run `hpm ARGS` as a child process; its wall time (s), peak RSS (GiB) and exit status."
    t0 = time.perf_counter()
    proc = subprocess.Popen([HPM, *map(str, args)], env={**os.environ, "HPM_PROGRESS": "0"})
    _, status, usage = os.wait4(proc.pid, 0)
    wall, rc = time.perf_counter() - t0, os.waitstatus_to_exitcode(status)
    res = dict(step=name, wall_s=round(wall, 1), peak_rss_gib=round(usage.ru_maxrss / 2**20, 2), exit=rc)
    print(res, flush=True)
    if rc: raise SystemExit(f"hpm {name} failed with exit status {rc}")
    return res


def run(preset, root):
    free = shutil.disk_usage(root).free / 2**30
    if free < DISK_GB.get(preset, 1.0): raise SystemExit(f"{root}: {free:.1f} GiB free, the {preset} preset needs about {DISK_GB[preset]} GiB")
    steps = [step("simulate", "simulate", root/"raw", "--preset", preset),
             step("prepare", "prepare", root/"raw", root/"store"),
             step("fit gblup-gxe", "fit", root/"store", root/"run", "--model", "gblup-gxe", "--device", "cpu"),
             step("predict", "predict", root/"run", root/"store", "--out", root/"submission.csv", "--device", "cpu")]
    measured = steps[1:]       # simulate only makes the data
    return dict(preset=preset, steps=steps, prepare_fit_predict_s=round(sum(s["wall_s"] for s in measured), 1),
                peak_rss_gib=max(s["peak_rss_gib"] for s in measured),
                targets=dict(g2f_total_s=900, g2f_peak_rss_gib=8.0))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="the g2f preset (minutes, ~12 GiB of disk under --tmp)")
    ap.add_argument("--preset", default=None, help="simulator preset (default: small, g2f with --full)")
    ap.add_argument("--tmp", default=None, help="folder for the data (default: a new temporary folder, removed at the end)")
    ap.add_argument("--keep", action="store_true", help="keep the simulated data and store")
    args = ap.parse_args()
    preset = args.preset or ("g2f" if args.full else "small")
    root = Path(args.tmp or tempfile.mkdtemp(prefix="hpm_e2e_"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        out = dict(machine=dict(processor=platform.processor() or platform.machine(), cpu_count=os.cpu_count(),
                                python=platform.python_version(), load_average_start=os.getloadavg()),
                   **run(preset, root))
        out["machine"]["load_average_end"] = os.getloadavg()
    finally:
        if not args.keep: shutil.rmtree(root, ignore_errors=True)
    path = HERE/"results"/f"e2e_gblup_{preset}.json"
    write_json(path, out)
    print(f"total prepare + fit + predict {out['prepare_fit_predict_s']} s, peak {out['peak_rss_gib']} GiB; wrote {path}")

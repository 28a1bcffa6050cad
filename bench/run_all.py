"""Run every benchmark script in bench/ (files named `bench_*.py`) one after another.

`--full` also runs the full-size cases (G2F-size genotypes); results land in bench/results/ as JSON.
"""
import subprocess, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    extra = sys.argv[1:]
    scripts = sorted(HERE.glob("bench_*.py"))
    if not scripts: print("no benchmark scripts in bench/ yet"); sys.exit(0)
    failed = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.run([sys.executable, str(script), *extra], cwd=HERE.parent).returncode
        print(f"== {script.name}: exit {rc} in {time.perf_counter() - t0:.1f} s", flush=True)
        if rc: failed.append(script.name)
    if failed: print("failed:", ", ".join(failed)); sys.exit(1)

"""Run the notebook tests (`nbdev-test`) and `pytest tests/`, then print one line `N passed, N failed` for both.

Each notebook counts as one test (nbdev-test runs every cell of it); each pytest test counts as one.
Extra arguments are passed to pytest. Exit status is non-zero when anything failed.
"""
import re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

def notebooks():
    "The notebooks nbdev-test runs: every .ipynb under nbs/ outside folders and files starting with `_` or `.`."
    return sorted(p for p in (ROOT/"nbs").rglob("*.ipynb")
                  if not any(part.startswith(("_", ".")) for part in p.relative_to(ROOT/"nbs").parts))

def run_nbdev_test():
    nbs = notebooks()
    proc = subprocess.run([str(BIN/"nbdev-test"), "--timing", "--n-workers", "2"], cwd=ROOT, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    print(proc.stdout, end="", flush=True)
    if proc.returncode == 0 and "Success." in proc.stdout: return len(nbs), 0
    failed = re.findall(r"^\t(\S+\.ipynb)$", proc.stdout, flags=re.M)
    nfail = max(len(failed), 1)
    return len(nbs) - nfail, nfail

def run_pytest(args):
    proc = subprocess.run([str(BIN/"python"), "-m", "pytest", "tests/", "-q", "-p", "no:cacheprovider", *args],
                          cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    print(proc.stdout, end="", flush=True)
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    count = lambda word: sum(int(n) for n in re.findall(rf"(\d+) {word}", last))
    passed, failed = count("passed"), count("failed") + count("error")
    if proc.returncode not in (0, 5) and failed == 0: failed = 1
    return passed, failed

if __name__ == "__main__":
    nb_pass, nb_fail = run_nbdev_test()
    print(f"notebooks: {nb_pass} passed, {nb_fail} failed", flush=True)
    py_pass, py_fail = run_pytest(sys.argv[1:])
    passed, failed = nb_pass + py_pass, nb_fail + py_fail
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or passed == 0 else 0)

"""Interruption and determinism: a killed `prepare` or `fit` leaves nothing that is read as complete, the same command
finishes the work, a resumed `fit` ends with the predictions of an uninterrupted one, and the same command twice gives
byte-identical predictions.

The fast tests interrupt the library in-process; the `slow` ones (`--runslow`) send SIGINT and SIGKILL to `hpm`."""
import filecmp, json, os, shutil, signal, time, warnings
from pathlib import Path
import numpy as np
import pandas as pd
import pytest
from conftest import run_hpm, popen_hpm
from hybridpredictmaize.core import DataError, DataWarning, HpmError, atomic_write, write_json, is_complete

def tree(folder:Path)->set[str]:
    "Every file under `folder`, relative, hidden ones included."
    return {p.relative_to(folder).as_posix() for p in Path(folder).rglob("*") if p.is_file()}

def leftovers(folder:Path)->list[str]:
    "Temporary files or unfinished step folders (what an interrupted writer leaves)."
    return sorted(f for f in tree(folder) if f.endswith(".tmp") or ".partial/" in f)

VOLATILE = {"report.json", "store.json", "genotypes/genotypes.json"}   # hold timings and dates

def assert_same_store(a:Path, b:Path):
    "Two prepared stores hold the same files with the same data (timings aside)."
    fa, fb = tree(a), tree(b)
    assert fa == fb, f"files differ: {sorted(fa ^ fb)}"
    for f in sorted(fa):
        if f in VOLATILE or f.endswith(".complete"): continue
        if f.endswith(".parquet"): pd.testing.assert_frame_equal(pd.read_parquet(a/f), pd.read_parquet(b/f))
        else: assert filecmp.cmp(a/f, b/f, shallow=False), f"{f} differs"
    ra, rb = json.loads((a/"report.json").read_text()), json.loads((b/"report.json").read_text())
    assert ra["phenotypes"] == rb["phenotypes"] and ra["weather"] == rb["weather"]
    assert ra["genotypes"]["qc"] == rb["genotypes"]["qc"]

# ---------------------------------------------------------------- atomic writes (in-process)
def test_atomic_write_interrupted_leaves_old_file(tmp_path):
    target = tmp_path/"table.csv"; target.write_text("old\n")
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(target) as f:
            f.write("half of the new")
            raise KeyboardInterrupt
    assert target.read_text() == "old\n" and tree(tmp_path) == {"table.csv"}

def test_write_json_never_exposes_a_partial_file(tmp_path):
    class Boom:  # a value that cannot be written, met half-way through the JSON
        pass
    write_json(tmp_path/"a.json", {"x": 1})
    with pytest.raises(TypeError): write_json(tmp_path/"a.json", {"x": 2, "y": Boom()})
    assert json.loads((tmp_path/"a.json").read_text()) == {"x": 1} and tree(tmp_path) == {"a.json"}

# ---------------------------------------------------------------- an interrupted prepare, in-process
def test_prepare_interrupted_then_resumed(small_data, prepared, tmp_path, monkeypatch):
    from hybridpredictmaize.data import store as store_mod
    out = tmp_path/"store"
    real = store_mod._step_genotypes
    def interrupted(*args, **kw):
        build = real(*args, **kw)
        def b(tmp):
            (tmp/"dosage.i8").write_bytes(b"\x00" * 10)   # half-written output of the step
            raise KeyboardInterrupt
        return b
    monkeypatch.setattr(store_mod, "_step_genotypes", interrupted)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        with pytest.raises(KeyboardInterrupt): store_mod.prepare(small_data, out)
    assert all(is_complete(out/s) for s in ("phenotypes", "environments", "weather"))
    assert not (out/"genotypes").exists() and (out/".genotypes.partial").exists()
    with pytest.raises(DataError, match="unfinished"): store_mod.open_store(out)
    mtimes = {s: (out/s/".complete").stat().st_mtime_ns for s in ("phenotypes", "environments", "weather")}
    monkeypatch.setattr(store_mod, "_step_genotypes", real)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        store = store_mod.prepare(small_data, out)
    assert {s: (out/s/".complete").stat().st_mtime_ns for s in mtimes} == mtimes   # finished steps were not redone
    assert leftovers(out) == [] and store.genotypes.shape[0] > 0
    assert_same_store(out, prepared)

def test_prepare_into_other_inputs_is_refused(small_data, prepared, tmp_path):
    "A rerun with other options never mixes two preparations in one folder."
    from hybridpredictmaize.data.store import prepare
    out = tmp_path/"store"; shutil.copytree(prepared, out)
    with pytest.raises(HpmError, match="other inputs or options.*max_gap"): prepare(small_data, out, max_gap=3)

# ---------------------------------------------------------------- killing `hpm prepare`
@pytest.fixture(scope="module")
def big_data(tmp_path_factory):
    "A `small` folder with 20,000 SNPs (a genotype step long enough to be killed) and its uninterrupted store."
    from hybridpredictmaize.simulate import simulate
    root = tmp_path_factory.mktemp("kill_prepare")
    data = simulate(root/"data", preset="small", seed=2, n_snps=20_000)
    run_hpm("prepare", data, root/"reference")
    return data, root/"reference"

def wait_for(path:Path, proc, timeout:float=300)->bool:
    "Poll until `path` exists (True) or the process ends first (False)."
    t0 = time.time()
    while time.time() - t0 < timeout:
        if path.exists(): return True
        if proc.poll() is not None: return path.exists()
        time.sleep(0.02)
    raise TimeoutError(f"{path} did not appear in {timeout} s")

@pytest.mark.slow
@pytest.mark.parametrize("sig,after", [(signal.SIGINT, "phenotypes"), (signal.SIGKILL, "phenotypes"),
                                       (signal.SIGINT, "weather"), (signal.SIGKILL, "weather")])
def test_kill_prepare_then_rerun(big_data, tmp_path, sig, after):
    data, reference = big_data
    out = tmp_path/"store"
    proc = popen_hpm("prepare", data, out)
    assert wait_for(out/after/".complete", proc), "prepare finished before it could be interrupted"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err, err
    else: assert proc.returncode == -signal.SIGKILL
    assert not (out/".complete").exists()
    proc2 = run_hpm("fit", out, tmp_path/"run", "--model", "gblup", ok=False)   # the unfinished store is refused
    assert proc2.returncode == 2 and "unfinished" in proc2.stderr and not (tmp_path/"run").exists(), proc2.stderr
    run_hpm("prepare", data, out)
    assert leftovers(out) == []
    assert_same_store(out, reference)

# ---------------------------------------------------------------- killing `hpm fit`, resuming, determinism
def fit_predict(prep:Path, run:Path, model:str, epochs:int=2, extra=())->bytes:
    run_hpm("fit", prep, run, "--model", model, "--epochs", epochs, "--device", "cpu", "--seed", 3, *extra)
    out = run.parent/f"{run.name}.csv"
    run_hpm("predict", run, prep, "--out", out, "--device", "cpu")
    return out.read_bytes()

@pytest.fixture(scope="module")
def reference_gxe(prepared, tmp_path_factory):
    "Predictions of an uninterrupted 2-epoch `gxe` run (seed 3)."
    root = tmp_path_factory.mktemp("gxe_reference")
    return fit_predict(prepared, root/"run", "gxe", epochs=2)

@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_kill_fit_then_resume_gives_the_same_predictions(prepared, reference_gxe, tmp_path, sig):
    run = tmp_path/"run"
    proc = popen_hpm("fit", prepared, run, "--model", "gxe", "--epochs", 2, "--device", "cpu", "--seed", 3)
    assert wait_for(run/"checkpoints"/"last.json", proc), "fit finished before it could be interrupted"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == (130 if sig == signal.SIGINT else -signal.SIGKILL), err
    if sig == signal.SIGINT: assert "Traceback" not in err
    assert not (run/".complete").exists()
    pred = run_hpm("predict", run, prepared, "--out", tmp_path/"early.csv", "--device", "cpu", ok=False)
    assert pred.returncode == 2 and not (tmp_path/"early.csv").exists()            # an unfinished run is refused
    again = run_hpm("fit", prepared, run, "--model", "gxe", "--epochs", 2, "--device", "cpu", "--seed", 3, ok=False)
    assert again.returncode == 2 and "--resume" in again.stderr, again.stderr         # no silent restart
    other = run_hpm("fit", prepared, run, "--model", "concat", "--epochs", 2, "--device", "cpu", "--seed", 3, "--resume", ok=False)
    assert other.returncode == 2 and "another model configuration" in " ".join(other.stderr.split()), other.stderr
    assert "Traceback" not in other.stderr
    assert fit_predict(prepared, run, "gxe", epochs=2, extra=["--resume"]) == reference_gxe
    for f in leftovers(run):   # SIGKILL leaves no chance to clean up: a stale temporary file is hidden and never read
        name = Path(f).name
        assert name.startswith(".") and (run/Path(f).parent/name[1:].rsplit(".", 2)[0]).exists(), f

@pytest.mark.slow
def test_same_command_twice_gives_identical_predictions_gblup_gxe(prepared, tmp_path):
    first = fit_predict(prepared, tmp_path/"run1", "gblup-gxe")
    second = fit_predict(prepared, tmp_path/"run2", "gblup-gxe")
    assert len(first) > 100 and first == second

@pytest.mark.slow
def test_same_command_twice_gives_identical_predictions_gxe(prepared, tmp_path):
    first = fit_predict(prepared, tmp_path/"run1", "gxe", epochs=2)
    second = fit_predict(prepared, tmp_path/"run2", "gxe", epochs=2)
    assert len(first) > 100 and first == second

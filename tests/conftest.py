"""Shared fixtures: a simulated `small` G2F folder, its prepared store, a way to run `hpm`, the reader `prepare` uses for
each kind of file, and the `slow` marker.

Slow tests (interruption, end-to-end determinism) run only with `pytest --runslow`, which also loads the `hpm-slow`
hypothesis profile (ten times more property-based examples than the default `hpm` profile)."""
import os, shutil, signal, subprocess, sys, warnings
from pathlib import Path
import pytest

HPM = str(Path(sys.executable).parent/"hpm")
HPM_ENV = {**os.environ, "HPM_PROGRESS": "0", "PYTHONWARNINGS": "ignore::DeprecationWarning"}

def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False, help="also run tests marked slow")

def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a long test (kills processes, trains models); run with --runslow")
    try: from hypothesis import settings, HealthCheck
    except ImportError: return   # hypothesis is in the dev extra; only tests/test_properties.py needs it
    common = dict(derandomize=True, deadline=None, database=None, print_blob=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
    settings.register_profile("hpm", max_examples=25, **common)        # `make test`: a few hundred examples in all
    settings.register_profile("hpm-slow", max_examples=250, **common)  # `--runslow`: thousands
    settings.load_profile("hpm-slow" if config.getoption("--runslow") else "hpm")

def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"): return
    skip = pytest.mark.skip(reason="slow: pass --runslow to run it")
    for item in items:
        if "slow" in item.keywords: item.add_marker(skip)

def run_hpm(*args, ok:bool=True, timeout:float=600, **kw)->subprocess.CompletedProcess:
    "Run the `hpm` command; with `ok`, fail the test (showing its output) when it does not exit 0."
    proc = subprocess.run([HPM, *map(str, args)], capture_output=True, text=True, env=HPM_ENV, timeout=timeout, **kw)
    if ok: assert proc.returncode == 0, f"hpm {' '.join(map(str, args))} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc

def _default_sigint():  # a shell starts background jobs with SIGINT ignored: give `hpm` the Ctrl-C a terminal gives
    signal.signal(signal.SIGINT, signal.SIG_DFL)

def popen_hpm(*args)->subprocess.Popen:
    "Start `hpm` in the background (its output goes to pipes), with the default SIGINT handling."
    return subprocess.Popen([HPM, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=HPM_ENV,
                            preexec_fn=_default_sigint)

TRAIT_FILE = "Training_Data/1_Training_Trait_Data_2014_2021.csv"

def read_g2f_file(kind:str, path:Path, data:Path, tmp:Path):
    "Read `path` with the reader `prepare` uses for `kind`; genotypes keep the hybrids of `data`'s trait file."
    from hybridpredictmaize.data import phenotypes, weather, environments, genotypes
    from hybridpredictmaize.data.store import hybrid_parents
    readers = {"trait": phenotypes.read_trait, "template": phenotypes.read_template, "weather": weather.read_weather,
               "meta": environments.read_meta, "soil": environments.read_soil, "ec": environments.read_ec,
               "names": lambda p: hybrid_parents(None, p, [])}
    if kind in readers: return readers[kind](path)
    if kind != "genotypes": raise ValueError(f"no reader for {kind!r}")
    import pandas as pd
    hybrids = pd.read_csv(data/TRAIT_FILE, usecols=["Hybrid"]).Hybrid.dropna().unique().tolist()
    return genotypes.convert_genotypes(path, tmp/"genotypes_out", samples=hybrids, progress_bar=False)

@pytest.fixture(scope="session")
def small_data(tmp_path_factory)->Path:
    "A simulated `small` G2F folder (seed 1), shared by the session: copy it before changing anything."
    from hybridpredictmaize.simulate import simulate
    return simulate(tmp_path_factory.mktemp("g2f")/"small", preset="small", seed=1)

@pytest.fixture
def g2f_copy(small_data, tmp_path):
    "A function `g2f_copy(name='data') -> Path`: a private copy of the `small` folder (without truth/) to corrupt."
    def make(name:str="data")->Path:
        dst = tmp_path/name
        shutil.copytree(small_data, dst, ignore=shutil.ignore_patterns("truth", ".complete"))
        return dst
    return make

@pytest.fixture(scope="session")
def prepared(small_data, tmp_path_factory)->Path:
    "The store prepared from `small_data` by the library (read-only: copy it to change it)."
    from hybridpredictmaize.data.store import prepare
    out = tmp_path_factory.mktemp("prep")/"store"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prepare(small_data, out)
    return out

@pytest.fixture
def store_copy(prepared, tmp_path):
    "A private copy of the prepared store."
    dst = tmp_path/"store"
    shutil.copytree(prepared, dst)
    return dst

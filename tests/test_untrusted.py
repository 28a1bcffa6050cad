"""Untrusted files: stores, checkpoints and fitted models are loaded without executing code, and names read from data
files (Env, Hybrid) never become paths outside the output folder."""
import ast, json, os, pickle, shutil, warnings
from pathlib import Path
import numpy as np
import pandas as pd
import pytest
from hybridpredictmaize.core import DataError, DataWarning, HpmError

PKG = Path(__file__).resolve().parent.parent/"hybridpredictmaize"

class Payload:
    "A pickle that creates the file `marker` when it is unpickled."
    def __init__(self, marker): self.marker = str(marker)
    def __reduce__(self): return (open, (self.marker, "w"))

def malicious_pickle(marker:Path)->bytes: return pickle.dumps(Payload(marker))

# ---------------------------------------------------------------- grep level: no loader that can run code
def _calls(tree:ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            owner = f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else ""
            yield node, owner, name, {k.arg: k.value for k in node.keywords}

def _const(v): return v.value if isinstance(v, ast.Constant) else None

SOURCES = sorted(p for p in PKG.rglob("*.py") if p.name != "_modidx.py")

def test_sources_found():
    assert len(SOURCES) >= 10 and any(p.name == "store.py" for p in SOURCES)

@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(PKG).as_posix())
def test_no_loader_that_executes_code(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    imported = {a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    for bad in ("pickle", "dill", "cloudpickle", "joblib", "shelve", "marshal"):
        if bad in imported: problems.append(f"imports {bad}")
    for node, owner, name, kw in _calls(tree):
        where = f"{path.name}:{node.lineno}"
        if owner == "torch" and name == "load" and _const(kw.get("weights_only")) is not True:
            problems.append(f"{where}: torch.load without weights_only=True")
        if name in ("load", "loads") and owner in ("np", "numpy") and _const(kw.get("allow_pickle")) is True:
            problems.append(f"{where}: np.load with allow_pickle=True")
        if owner in ("pd", "pandas") and name == "read_pickle": problems.append(f"{where}: pd.read_pickle")
        if owner == "yaml" and name in ("load", "unsafe_load") and "Loader" not in kw: problems.append(f"{where}: yaml.load")
        if isinstance(node.func, ast.Name) and name in ("eval", "exec"): problems.append(f"{where}: {name}()")
        if name == "save" and owner in ("np", "numpy") and _const(kw.get("allow_pickle")) is True:
            problems.append(f"{where}: np.save with allow_pickle=True")
    assert not problems, problems

def test_checkpoints_are_safetensors():
    "The training module writes and reads weights with safetensors only."
    src = (PKG/"train.py").read_text(encoding="utf-8")
    assert "from safetensors.torch import" in src and "torch.save(" not in src

# ---------------------------------------------------------------- behaviour: a poisoned store
@pytest.mark.parametrize("member", ["weather/weather.npy", "weather/mask.npy"])
def test_store_with_pickled_array_is_refused(store_copy, tmp_path, member):
    from hybridpredictmaize.data.store import open_store
    marker = tmp_path/"pwned"
    arr = np.empty(2, dtype=object); arr[0] = Payload(marker)
    np.save(store_copy/member, arr, allow_pickle=True)
    with pytest.raises((ValueError, DataError)): open_store(store_copy)
    assert not marker.exists()

def test_store_with_pickled_array_is_a_data_error(store_copy, tmp_path):
    from hybridpredictmaize.data.store import open_store
    arr = np.empty(2, dtype=object); arr[0] = Payload(tmp_path/"pwned")
    np.save(store_copy/"weather/weather.npy", arr, allow_pickle=True)
    with pytest.raises(DataError, match="weather.npy"): open_store(store_copy)

def test_store_parquet_replaced_by_pickle(store_copy, tmp_path):
    from hybridpredictmaize.data.store import open_store
    marker = tmp_path/"pwned"
    (store_copy/"phenotypes"/"blues.parquet").write_bytes(malicious_pickle(marker))
    with pytest.raises(Exception): open_store(store_copy)
    assert not marker.exists()

def test_store_json_is_data_only(store_copy, tmp_path):
    "JSON that looks like a pickle or code is only ever read as text."
    from hybridpredictmaize.data.store import open_store
    info = json.loads((store_copy/"store.json").read_text())
    info["created_by"] = "__import__('os').system('touch pwned')"
    (store_copy/"store.json").write_text(json.dumps(info))
    store = open_store(store_copy)
    assert store.info["created_by"].startswith("__import__") and not (Path.cwd()/"pwned").exists()

# ---------------------------------------------------------------- behaviour: poisoned checkpoints and models
def _checkpoint(root:Path):
    import torch
    from hybridpredictmaize.train import save_checkpoint
    model = torch.nn.Linear(3, 2)
    opt = torch.optim.AdamW(model.parameters())
    model(torch.randn(4, 3)).sum().backward(); opt.step()
    return model, opt, save_checkpoint(root, model, opt, {"epoch": 1, "model_config": {"d": 3}})

@pytest.mark.parametrize("member", ["model.safetensors", "optimizer.safetensors"])
def test_checkpoint_replaced_by_a_pickle_is_refused(tmp_path, member):
    import torch
    from hybridpredictmaize.train import load_checkpoint
    model, opt, d = _checkpoint(tmp_path/"checkpoints")
    marker = tmp_path/"pwned"
    torch.save({"weight": Payload(marker)}, d/member)          # what a malicious `.pt` would hold
    with pytest.raises(Exception) as e: load_checkpoint(tmp_path/"checkpoints", model, opt)
    assert not marker.exists()
    assert not isinstance(e.value, (AttributeError, NameError)), e.value

def test_checkpoint_replaced_by_a_pickle_is_a_clear_error(tmp_path):
    import torch
    from hybridpredictmaize.train import load_checkpoint
    model, opt, d = _checkpoint(tmp_path/"checkpoints")
    torch.save({"weight": Payload(tmp_path/"pwned")}, d/"model.safetensors")
    with pytest.raises(HpmError, match="model.safetensors"): load_checkpoint(tmp_path/"checkpoints", model, opt)

def test_gblup_model_with_pickled_array_is_refused(prepared, tmp_path):
    from hybridpredictmaize.data.store import open_store
    from hybridpredictmaize.baselines.gblup import fit_store_gblup, load_store_gblup
    store = open_store(prepared)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        fitted = fit_store_gblup(store, store.records("train"), model="gblup")
    fitted.save(tmp_path/"gblup")
    ok = load_store_gblup(tmp_path/"gblup")
    np.testing.assert_array_equal(ok.g_hat, fitted.g_hat)
    marker = tmp_path/"pwned"
    arr = np.empty(1, dtype=object); arr[0] = Payload(marker)
    with open(tmp_path/"gblup"/"gblup.npz", "wb") as f: np.savez(f, g_hat=arr, beta_env=fitted.beta_env, var=fitted.var)
    with pytest.raises((ValueError, DataError)): load_store_gblup(tmp_path/"gblup")
    assert not marker.exists()

# ---------------------------------------------------------------- names from data files are not paths
EVIL_ENV = "../../evil_2020"
EVIL_HYBRID = "../../../evil/hybrid"

def _rename_everywhere(folder:Path, old:str, new:str):
    for p in folder.rglob("*"):
        if p.is_file() and p.suffix in (".csv", ".vcf"):
            raw = p.read_bytes()
            if old.encode() in raw: p.write_bytes(raw.replace(old.encode(), new.encode()))

def snapshot(folder:Path)->set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}

def test_names_from_data_files_never_become_paths(small_data, tmp_path, monkeypatch):
    from hybridpredictmaize.data.store import prepare
    from hybridpredictmaize.pipeline import fit_run, predict_run
    from hybridpredictmaize.evaluate import evaluate_files
    sandbox = tmp_path/"a"/"b"/"c"/"work"; sandbox.mkdir(parents=True)
    data = sandbox/"data"; shutil.copytree(small_data, data, ignore=shutil.ignore_patterns(".complete"))
    trait = pd.read_csv(data/"Training_Data/1_Training_Trait_Data_2014_2021.csv")
    env = sorted(trait.Env[trait.Env.str.endswith("_2020")].unique())[0]
    tmpl = pd.read_csv(data/"Testing_Data/1_Submission_Template_2022.csv")
    hybrid = tmpl.Hybrid.iloc[0]
    _rename_everywhere(data, env, EVIL_ENV)
    _rename_everywhere(data, hybrid, EVIL_HYBRID)
    monkeypatch.chdir(sandbox)
    before = snapshot(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        store = prepare(data, sandbox/"out"/"prep")
        assert EVIL_ENV in store.weather_envs and EVIL_HYBRID in store.genotypes.ids
        fit_run(sandbox/"out"/"prep", sandbox/"out"/"run", model="gblup", seed=0)
        filled = predict_run(sandbox/"out"/"run", sandbox/"out"/"prep", out=sandbox/"out"/"pred.csv")
        evaluate_files(sandbox/"out"/"pred.csv", data/"truth"/"2022_observed.csv", sandbox/"out"/"report")
    assert EVIL_HYBRID in set(filled.Hybrid)
    new = snapshot(tmp_path) - before
    outside = sorted(f for f in new if f != "a/b/c/work/out" and not f.startswith("a/b/c/work/out/"))
    assert outside == [], f"files written outside the output folder: {outside}"
    assert not [f for f in new if "evil" in f], "a file is named after a data value"
    assert not any("evil" in p.name for p in tmp_path.parent.iterdir())

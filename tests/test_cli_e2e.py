"End to end through the `hpm` command: simulate `small` → prepare → fit every model → predict → evaluate."
import json, os, subprocess, sys
from pathlib import Path
import pandas as pd
import pytest

HPM = [str(Path(sys.executable).parent/"hpm")]
ENV = {**os.environ, "HPM_PROGRESS": "0", "PYTHONWARNINGS": "ignore::DeprecationWarning"}
MODELS = ["gblup", "gblup-gxe", "g", "e", "concat", "gxe", "ensemble"]

def hpm(*args, ok=True):
    proc = subprocess.run([*HPM, *map(str, args)], capture_output=True, text=True, env=ENV)
    if ok: assert proc.returncode == 0, f"hpm {' '.join(map(str, args))} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc

@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    hpm("simulate", root/"data", "--preset", "small", "--seed", "1")
    out = hpm("prepare", root/"data", root/"prep")
    assert "SNPs" in out.stdout and "hybrids" in out.stdout
    return root

@pytest.mark.parametrize("model", MODELS)
def test_fit_predict_evaluate(prepared, model):
    root = prepared
    run, sub = root/"runs"/model, root/f"sub_{model}.csv"
    hpm("fit", root/"prep", run, "--model", model, "--epochs", 1, "--device", "cpu")
    info = json.loads((run/"run.json").read_text())
    assert info["model"] == model and (run/"metrics.json").exists() and (run/"val_predictions.csv").exists()
    hpm("predict", run, root/"prep", "--out", sub, "--device", "cpu")
    template = pd.read_csv(root/"data"/"Testing_Data"/"1_Submission_Template_2022.csv")
    filled = pd.read_csv(sub)
    assert len(filled) == len(template) and filled.Yield_Mg_ha.notna().all()
    assert (filled[["Env", "Hybrid"]].to_numpy() == template[["Env", "Hybrid"]].to_numpy()).all()
    hpm("evaluate", sub, root/"data"/"truth"/"2022_observed.csv", "--out", root/f"eval_{model}")
    metrics = json.loads((root/f"eval_{model}"/"metrics.json").read_text())
    summary, = metrics.values()
    for key in ("mean_env_rmse", "mean_env_r", "pooled_rmse", "pooled_r", "per_env"): assert key in summary
    assert 0 < summary["mean_env_rmse"] < 10

def test_fit_env_offset(prepared):
    "`--env-offset`: the neural run keeps its environment model, and predictions include it."
    root = prepared
    run, sub = root/"runs"/"gxe_offset", root/"sub_gxe_offset.csv"
    hpm("fit", root/"prep", run, "--model", "gxe", "--epochs", 1, "--device", "cpu", "--env-offset")
    neural = json.loads((run/"neural.json").read_text())
    assert neural["train_config"]["env_offset"] and neural["env_offset"]["used"] and neural["env_offset"]["env_model"]["fits"]
    hpm("predict", run, root/"prep", "--out", sub, "--device", "cpu")
    assert pd.read_csv(sub).Yield_Mg_ha.notna().all()

def test_bad_input_is_one_paragraph_and_exit_2(tmp_path):
    bad = tmp_path/"Training_Data"; bad.mkdir()
    (bad/"1_Training_Trait_Data_2014_2021.csv").write_text("")
    proc = hpm("prepare", tmp_path, tmp_path/"prep", ok=False)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("hpm: error:")
    proc = hpm("--debug", "prepare", tmp_path, tmp_path/"prep", ok=False)
    assert proc.returncode == 2 and "Traceback" in proc.stderr

"""Optional G2F inputs: absent, empty or header-only, `prepare` goes on, warns what it did without, records it in
`report.json`, and every model still fits on the store.

Every file but the trait table, the training weather and the genotypes is optional. The 2022 testing weather is
needed for the template's environments, so without it `prepare` stops with a `DataError` that offers
`--fill-weather`, and with that option it goes on."""
import json, shutil, warnings
from pathlib import Path
import pytest
from conftest import run_hpm
from hybridpredictmaize.core import DataError, DataWarning

OPTIONAL = {
    "meta_train": "Training_Data/2_Training_Meta_Data_2014_2021.csv",
    "soil_train": "Training_Data/3_Training_Soil_Data_2015_2021.csv",
    "ec_train": "Training_Data/6_Training_EC_Data_2014_2021.csv",
    "hybrid_names": "Training_Data/All_hybrid_names_info.csv",
    "template": "Testing_Data/1_Submission_Template_2022.csv",
    "meta_test": "Testing_Data/2_Testing_Meta_Data_2022.csv",
    "soil_test": "Testing_Data/3_Testing_Soil_Data_2022.csv",
    "ec_test": "Testing_Data/6_Testing_EC_Data_2022.csv",
}
TEST_WEATHER = "Testing_Data/4_Testing_Weather_Data_2022.csv"

def make_state(path:Path, state:str):
    "Make `path` absent, empty, or keep only its header line."
    if state == "absent": path.unlink()
    elif state == "empty": path.write_bytes(b"")
    else: path.write_bytes(path.read_bytes().split(b"\n", 1)[0] + b"\n")

def prepare_recording(data:Path, out:Path, **kw):
    "Run `prepare`, returning the store and the messages of its `DataWarning`s."
    from hybridpredictmaize.data.store import prepare
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        store = prepare(data, out, **kw)
    return store, [str(x.message) for x in w if issubclass(x.category, DataWarning)]

@pytest.mark.parametrize("state", ["absent", "empty", "header only"])
@pytest.mark.parametrize("key", list(OPTIONAL))
def test_prepare_goes_on_without_an_optional_file(key, state, g2f_copy, tmp_path):
    data = g2f_copy(); make_state(data/OPTIONAL[key], state)
    store, msgs = prepare_recording(data, tmp_path/"store")
    said = [m for m in msgs if f"{state}; going on without it" in m]
    assert len(said) == 1, msgs
    from hybridpredictmaize.data.store import G2F_FILES
    assert (Path(OPTIONAL[key]).name if state != "absent" else f"{G2F_FILES[key][1]}*.csv") in said[0]   # the file, or what was looked for
    missing = json.loads((store.path/"report.json").read_text())["inputs_missing"]
    assert list(missing) == [key] and missing[key]["state"] == state and missing[key]["effect"]
    assert f"{key} ({state})" in store.summary()
    assert len(store.records("train")) > 0
    if key == "template": assert store.template is None
    else: assert len(store.records("template")) > 0

@pytest.mark.parametrize("state", ["absent", "empty", "header only"])
def test_without_testing_weather_fill_weather_goes_on(state, g2f_copy, tmp_path):
    data = g2f_copy(); make_state(data/TEST_WEATHER, state)
    with pytest.raises(DataError, match="--fill-weather"):
        prepare_recording(data, tmp_path/"store")
    with pytest.raises(DataError, match="TXH1_2022. No other year of their location has weather"):   # TXH1 is new in 2022
        prepare_recording(data, tmp_path/"filled", fill_weather=True)
    tpl = data/OPTIONAL["template"]
    tpl.write_text("".join(l for l in tpl.read_text().splitlines(keepends=True) if not l.startswith("TXH1_2022")))
    store, msgs = prepare_recording(data, tmp_path/"filled2", fill_weather=True)
    assert any(f"{state}; going on without it" in m for m in msgs), msgs
    assert store.report["template"]["envs_weather_filled_from_location"]

@pytest.fixture(scope="module")
def bare_store(small_data, tmp_path_factory)->Path:
    "A store prepared from the `small` folder without any optional file except the template and the testing weather."
    data = tmp_path_factory.mktemp("bare")/"data"
    shutil.copytree(small_data, data, ignore=shutil.ignore_patterns("truth", ".complete"))
    for key, rel in OPTIONAL.items():
        if key != "template": (data/rel).unlink()
    store, _ = prepare_recording(data, data.parent/"store")
    assert len(store.report["inputs_missing"]) == len(OPTIONAL) - 1
    return store.path

def _fit_and_predict(store:Path, run:Path, model:str):
    from hybridpredictmaize.pipeline import fit_run, predict_run
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        info = fit_run(store, run, model, epochs=1)
        filled = predict_run(run, store)
    assert info["validation"]["mean_env_rmse"] > 0 and filled.Yield_Mg_ha.notna().all()

@pytest.mark.parametrize("model", ["gblup-gxe", "gxe"])
def test_models_fit_without_optional_files(model, bare_store, tmp_path):
    _fit_and_predict(bare_store, tmp_path/model, model)

@pytest.mark.slow
@pytest.mark.parametrize("model", ["gblup", "g", "e", "concat", "ensemble"])
def test_every_other_model_fits_without_optional_files(model, bare_store, tmp_path):
    _fit_and_predict(bare_store, tmp_path/model, model)

def test_cli_says_what_prepare_went_without(g2f_copy, tmp_path):
    data = g2f_copy(); make_state(data/OPTIONAL["soil_train"], "empty")
    proc = run_hpm("prepare", data, tmp_path/"store")
    assert "hpm: warning:" in proc.stderr and "empty; going on without it: soil covariates" in proc.stderr.replace("\n", " ")
    assert "went on without: soil_train (empty)" in proc.stdout

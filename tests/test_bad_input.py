"""A catalogue of malformed inputs: each ends in a `DataError` naming the file and the problem, or in a documented
recovery (a `DataWarning` with counts, or a masked and reported gap).

Every case corrupts one file of a private copy of the simulated `small` folder and reads it with the library's own
reader; a representative subset also goes through `hpm prepare` (exit 2, one paragraph naming the file, no traceback
unless `--debug`). The other CLI cases run with `--runslow`."""
import csv, gzip, io, json, re, shutil, warnings
from dataclasses import dataclass
from pathlib import Path
import numpy as np
import pandas as pd
import pytest
from conftest import run_hpm, read_g2f_file
from hybridpredictmaize.core import DataError, DataWarning, HpmError

TRAIT = "Training_Data/1_Training_Trait_Data_2014_2021.csv"
META = "Training_Data/2_Training_Meta_Data_2014_2021.csv"
SOIL = "Training_Data/3_Training_Soil_Data_2015_2021.csv"
WEATHER = "Training_Data/4_Training_Weather_Data_2014_2021.csv"
VCF = "Training_Data/5_Genotype_Data_All_Years.vcf"
EC = "Training_Data/6_Training_EC_Data_2014_2021.csv"
TEMPLATE = "Testing_Data/1_Submission_Template_2022.csv"
TEST_WEATHER = "Testing_Data/4_Testing_Weather_Data_2022.csv"

# ---------------------------------------------------------------- editing helpers
def read_rows(path:Path, encoding="utf-8")->list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding=encoding))))

def write_rows(path:Path, rows, encoding="utf-8"):
    buf = io.StringIO(); csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding=encoding)

def set_cell(path:Path, row:int, column:str, value:str, encoding="utf-8"):
    "Set data row `row` (0-based; file line `row + 2`) of `column` to `value`."
    rows = read_rows(path, encoding)
    rows[row + 1][rows[0].index(column)] = value
    write_rows(path, rows, encoding)

def vcf_lines(path:Path)->tuple[list[bytes], int]:
    lines = path.read_bytes().splitlines(keepends=True)
    return lines, sum(1 for l in lines if l.startswith(b"#"))

# ---------------------------------------------------------------- the catalogue
@dataclass
class Case:
    file: str              # the file (relative to the G2F folder) that is corrupted
    kind: str              # which reader reads it
    corrupt: object        # corrupt(path) -> the path to read (usually `path`)
    expect: tuple          # ("error", [substrings of the message]) or ("warning", [regex of a warning with its count])
    cli: bool = False      # also run through `hpm prepare` in the default (fast) run
    defect: str|None = None  # a known defect of the reader (the case is an expected failure until it is fixed)

def _truncated_vcf_line(p):
    lines, nh = vcf_lines(p)
    lines[nh + 4] = lines[nh + 4][:60] + b"\n"      # an interrupted copy: the 5th SNP line cut after 60 bytes
    p.write_bytes(b"".join(lines)); return p

def _truncated_vcf_end(p):
    data = p.read_bytes(); p.write_bytes(data[:len(data) - 700]); return p   # the download stopped mid-line

def _truncated_vcf_gz(p):
    gz = p.with_name(p.name + ".gz"); data = gzip.compress(p.read_bytes())
    gz.write_bytes(data[:len(data) * 6 // 10]); p.unlink(); return gz

def _binary_vcf(p):
    p.write_bytes(np.random.default_rng(0).integers(0, 256, 20_000, dtype=np.uint8).tobytes()); return p

def _vcf_header_only(p):
    lines, nh = vcf_lines(p); p.write_bytes(b"".join(lines[:nh])); return p

def _vcf_foreign_samples(p):
    lines, nh = vcf_lines(p)
    head = lines[nh - 1].rstrip(b"\r\n").split(b"\t")
    head[9:] = [f"OTHER_{i}/LINE_{i}".encode() for i in range(len(head) - 9)]
    lines[nh - 1] = b"\t".join(head) + b"\n"
    p.write_bytes(b"".join(lines)); return p

def _vcf_bad_genotype(p):
    lines, nh = vcf_lines(p)
    f = lines[nh + 2].split(b"\t"); f[12] = b"7/9"; lines[nh + 2] = b"\t".join(f)
    p.write_bytes(b"".join(lines)); return p

def _vcf_duplicated_sample(p):
    lines, nh = vcf_lines(p)
    head = lines[nh - 1].rstrip(b"\r\n").split(b"\t"); head[10] = head[9]
    lines[nh - 1] = b"\t".join(head) + b"\n"
    p.write_bytes(b"".join(lines)); return p

def _numeric_value_3(p):
    "A numeric (0/1/2) matrix of the first 20 SNPs where one call is 3."
    lines, nh = vcf_lines(p)
    samples = lines[nh - 1].decode().rstrip().split("\t")[9:]
    calls = [l.decode().rstrip().split("\t") for l in lines[nh:nh + 20]]
    code = {"0/0": "0", "0/1": "1", "1/0": "1", "1/1": "2"}
    df = pd.DataFrame({c[2]: [code.get(g, "NA") for g in c[9:]] for c in calls}, index=pd.Index(samples, name="id"))
    df.iloc[1, 3] = "3"
    out = p.with_name("5_Genotype_Data_numeric.csv"); df.to_csv(out); p.unlink(); return out

def _rename_column(old, new):
    def f(p):
        text = p.read_text(encoding="latin-1")
        head, rest = text.split("\n", 1)
        p.write_text(re.sub(rf'(^|,)("?){re.escape(old)}("?)(?=,|\r?$)', rf"\1\2{new}\3", head, count=1) + "\n" + rest, encoding="latin-1")
        return p
    return f

def _cell(row, column, value, encoding="utf-8"):
    def f(p): set_cell(p, row, column, value, encoding); return p
    return f

def _duplicate_rows(p):
    rows = read_rows(p); write_rows(p, rows[:6] + rows[1:6] + rows[6:]); return p   # plots 1-5 copied again

def _conflicting_plot(p):
    rows = read_rows(p); dup = list(rows[1]); dup[rows[0].index("Yield_Mg_ha")] = "3.5"
    write_rows(p, rows[:2] + [dup] + rows[2:]); return p   # same Env/Experiment/Plot, another yield

def _short_row(p):
    lines = p.read_text().splitlines(keepends=True)
    lines[10] = ",".join(lines[10].split(",")[:8]) + "\n"   # a row cut short before the Hybrid column
    p.write_text("".join(lines)); return p

def _long_row(row):
    def f(p):
        lines = p.read_text().splitlines(keepends=True)
        lines[row] = lines[row].rstrip("\r\n") + ",extra,fields\n"
        p.write_text("".join(lines)); return p
    return f

def _utf16(p): p.write_text(p.read_text(encoding="latin-1"), encoding="utf-16"); return p
def _semicolons(p): p.write_text(p.read_text().replace(",", ";")); return p
def _empty(p): p.write_bytes(b""); return p
def _duplicate_env(p):
    rows = read_rows(p, "latin-1"); write_rows(p, rows + [rows[1]], "latin-1"); return p

CASES = {
    # genotypes
    "vcf_truncated_line":     Case(VCF, "genotypes", _truncated_vcf_line, ("error", ["line 19", "truncated"]), cli=True),
    "vcf_truncated_download": Case(VCF, "genotypes", _truncated_vcf_end, ("error", ["truncated"])),
    "vcf_gz_truncated":       Case(VCF, "genotypes", _truncated_vcf_gz, ("error", ["truncated"])),
    "vcf_binary":             Case(VCF, "genotypes", _binary_vcf, ("error", ["binary"])),
    "vcf_header_only":        Case(VCF, "genotypes", _vcf_header_only, ("error", ["no variant"])),
    "vcf_samples_match_no_hybrid": Case(VCF, "genotypes", _vcf_foreign_samples, ("error", ["none of the", "OTHER_0/LINE_0"])),
    "vcf_unreadable_genotype": Case(VCF, "genotypes", _vcf_bad_genotype, ("error", ["line 17", "'7/9'"])),
    "vcf_duplicated_sample":  Case(VCF, "genotypes", _vcf_duplicated_sample, ("error", ["duplicated sample"])),
    "numeric_value_3":        Case(VCF, "genotypes", _numeric_value_3, ("error", ["line 3", "value 3 is not a genotype"])),
    # trait file
    "trait_without_yield":    Case(TRAIT, "trait", _rename_column("Yield_Mg_ha", "Yield"), ("error", ["no column 'Yield_Mg_ha'"]), cli=True),
    "yield_decimal_comma":    Case(TRAIT, "trait", _cell(0, "Yield_Mg_ha", "12,3"), ("error", ["line 2", "'12,3'", "decimal comma"])),
    "yield_not_a_number":     Case(TRAIT, "trait", _cell(4, "Yield_Mg_ha", "twelve"), ("error", ["line 6", "'twelve' is not a number"])),
    "yield_negative":         Case(TRAIT, "trait", _cell(0, "Yield_Mg_ha", "-3.2"), ("warning", [r"\b1 plots dropped: yield out of range"])),
    "duplicated_plots":       Case(TRAIT, "trait", _duplicate_rows, ("warning", [r"\b5 plots dropped: duplicate rows"])),
    "trait_row_cut_short":    Case(TRAIT, "trait", _short_row, ("warning", [r"\b1 plots dropped: missing env or hybrid"])),
    "trait_row_too_long":     Case(TRAIT, "trait", _long_row(10), ("error", ["line 11", "more fields"])),
    "trait_first_row_too_long": Case(TRAIT, "trait", _long_row(1), ("error", ["line 2", "more fields"])),
    "date_unparseable":       Case(TRAIT, "trait", _cell(0, "Date_Planted", "April 20th"), ("error", ["line 2", "'April 20th'", "Date_Planted"])),
    "date_impossible":        Case(TRAIT, "trait", _cell(2, "Date_Planted", "2021-02-30"), ("error", ["line 4", "'2021-02-30'"])),
    "env_key_malformed":      Case(TRAIT, "trait", _cell(0, "Env", "IAH1-2020"), ("error", ["'IAH1-2020'", "_<4-digit year>"])),
    "csv_utf16":              Case(TRAIT, "trait", _utf16, ("error", ["UTF-16"]), cli=True),
    "csv_semicolons":         Case(TRAIT, "trait", _semicolons, ("error", ["semicolons"])),
    "csv_empty":              Case(TRAIT, "trait", _empty, ("error", ["empty"])),
    # weather, metadata, soil, EC, template
    "weather_not_a_number":   Case(WEATHER, "weather", _cell(0, "T2M", "hot"), ("error", ["line 2", "'hot' is not a number", "T2M"])),
    "weather_without_date":   Case(WEATHER, "weather", _rename_column("Date", "Day"), ("error", ["no column 'Date'"])),
    "weather_utf16":          Case(WEATHER, "weather", _utf16, ("error", ["UTF-16"])),
    "meta_without_env":       Case(META, "meta", _rename_column("Env", "Environment"), ("error", ["no column 'Env'"])),
    "meta_duplicated_env":    Case(META, "meta", _duplicate_env, ("error", ["more than one row"])),
    "soil_empty":             Case(SOIL, "soil", _empty, ("error", ["empty"])),
    "ec_not_a_number":        Case(EC, "ec", _cell(0, "SDR_pEnJFlo_1", "n.a."), ("warning", [r"\b1 non-numeric cells of column 'SDR_pEnJFlo_1' set to missing"])),
    "template_without_hybrid": Case(TEMPLATE, "template", _cell(3, "Hybrid", ""), ("error", ["line 5", "no Hybrid"])),
    "template_semicolons":    Case(TEMPLATE, "template", _semicolons, ("error", ["semicolons"])),
}

def corrupt_case(name:str, data:Path)->Path:
    case = CASES[name]
    return case.corrupt(data/case.file)

def check_error_message(msg:str, path:Path, needles):
    assert str(path) in msg or path.name in msg, f"the message does not name the file {path.name}: {msg}"
    for n in needles: assert n in msg, f"{n!r} missing from: {msg}"

def _params(names, slow=lambda n: False):
    marks = lambda n: ([pytest.mark.xfail(strict=True, reason=CASES[n].defect)] if CASES[n].defect else []) + \
                      ([pytest.mark.slow] if slow(n) else [])
    return [pytest.param(n, marks=marks(n)) for n in names]

@pytest.mark.parametrize("name", _params(sorted(CASES)))
def test_malformed_input_library(name, g2f_copy, tmp_path):
    data = g2f_copy()
    case, path = CASES[name], corrupt_case(name, data)
    kind, needles = case.expect
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if kind == "error":
            with pytest.raises(DataError) as e: read_g2f_file(case.kind, path, data, tmp_path)
            check_error_message(str(e.value), path, needles)
            assert Path(e.value.file).name == path.name
            return
        read_g2f_file(case.kind, path, data, tmp_path)
    msgs = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    for pattern in needles:
        hit = [m for m in msgs if re.search(pattern, m)]
        assert hit, f"no DataWarning matches {pattern!r}; got {msgs}"
        assert path.name in hit[0]

def test_catalogue_is_large_enough():
    assert len(CASES) + len(PREPARE_CASES) + len(STORE_CASES) >= 20

def test_conflicting_plot_ids_are_counted(g2f_copy):
    "Two rows for one plot with different yields are kept (both are measurements) but counted in the report."
    from hybridpredictmaize.data.phenotypes import read_trait
    data = g2f_copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        clean, _ = read_trait(data/TRAIT)
        plots, rep = read_trait(_conflicting_plot(data/TRAIT))
    assert rep["conflicting_plot_ids"] == 2 and len(plots) == len(clean) + 1

# ---------------------------------------------------------------- cases that need the whole `prepare`
def _drop_weather_env(data:Path, rel:str, env:str):
    w = pd.read_csv(data/rel, dtype=str); w[w.Env != env].to_csv(data/rel, index=False)

def _weather_gap(data:Path, env:str, first:int, days:int):
    "Remove `days` consecutive days of `env` starting `first` days after its planting date."
    w = pd.read_csv(data/WEATHER, dtype=str)
    from hybridpredictmaize.data.environments import read_meta, planting_dates
    from hybridpredictmaize.data.phenotypes import read_trait
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        plots, _ = read_trait(data/TRAIT)
        planted = planting_dates(read_meta(data/META), plots, envs=[env])[env]
    days_ = pd.date_range(planted + pd.Timedelta(days=first), periods=days).strftime("%Y%m%d")
    drop = (w.Env == env) & w.Date.isin(days_)
    assert drop.sum() == days
    w[~drop].to_csv(data/WEATHER, index=False)

@pytest.fixture(scope="module")
def weather_damaged(small_data, tmp_path_factory):
    "A store prepared from a folder where one training Env has no weather rows and another a 20-day gap."
    from hybridpredictmaize.data.store import prepare
    root = tmp_path_factory.mktemp("weather_damaged")
    data = root/"data"; shutil.copytree(small_data, data, ignore=shutil.ignore_patterns("truth", ".complete"))
    envs = sorted(pd.read_csv(data/TRAIT, usecols=["Env"]).Env.unique())
    missing, gapped = envs[0], envs[1]
    _drop_weather_env(data, WEATHER, missing)
    _weather_gap(data, gapped, first=40, days=20)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        store = prepare(data, root/"store")
    return store, missing, gapped, [str(w.message) for w in caught if issubclass(w.category, DataWarning)]

def test_weather_missing_env_is_left_out_and_reported(weather_damaged):
    store, missing, _, _ = weather_damaged
    assert store.report["weather"]["envs_without_weather"] == [missing]
    assert not store.weather_mask[store.env_index([missing])[0]].any()
    assert missing not in set(store.records("train").Env)
    assert "1 Env without weather left out of training" in store.summary()

def test_weather_missing_env_warns(weather_damaged):
    _, missing, _, msgs = weather_damaged
    assert any("Env" in m and "weather" in m for m in msgs), msgs

def test_weather_gap_of_20_days_is_masked_and_reported(weather_damaged):
    store, _, gapped, _ = weather_damaged
    i = store.env_index([gapped])[0]
    days = store.weather_info["days"]
    mask = store.weather_mask[i]
    gap = [d for d, m in zip(range(days[0], days[0] + len(mask)), mask) if not m] if len(days) == 2 else \
          [d for d, m in zip(days, mask) if not m]
    assert gap == list(range(40, 60)), gap
    per_env = store.report["weather"]["align"]["per_env"][gapped]
    assert per_env["days_missing"] == 20 and per_env["long_gaps"] == [[40, 59]]
    assert (store.weather[i, ~mask] == 0).all()            # masked days hold no invented values

def test_template_env_without_weather(g2f_copy, tmp_path):
    from hybridpredictmaize.data.store import prepare
    data = g2f_copy()
    env = sorted(pd.read_csv(data/TEMPLATE).Env.unique())[0]
    _drop_weather_env(data, TEST_WEATHER, env)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        with pytest.raises(DataError) as e: prepare(data, tmp_path/"store")
    msg = str(e.value)
    check_error_message(msg, data/TEST_WEATHER, [env, "--fill-weather"])
    assert not (tmp_path/"store"/".complete").exists()

PREPARE_CASES = ["weather_missing_env", "weather_gap_20_days", "template_env_without_weather"]

# ---------------------------------------------------------------- stores and checkpoints
def test_store_other_format_version(store_copy):
    from hybridpredictmaize.data.store import open_store, FORMAT_VERSION
    info = json.loads((store_copy/"store.json").read_text()); info["format_version"] = FORMAT_VERSION + 98
    (store_copy/"store.json").write_text(json.dumps(info))
    with pytest.raises(DataError) as e: open_store(store_copy)
    msg = str(e.value)
    assert "store.json" in msg and f"version {FORMAT_VERSION + 98}" in msg and f"version {FORMAT_VERSION}" in msg
    assert "--overwrite" in msg

def test_store_without_completion_marker(store_copy):
    from hybridpredictmaize.data.store import open_store
    (store_copy/".complete").unlink()
    with pytest.raises(DataError) as e: open_store(store_copy)
    assert str(store_copy) in str(e.value) and "unfinished" in str(e.value) and "rerun" in str(e.value).lower()

def test_store_truncated_json(store_copy):
    from hybridpredictmaize.data.store import open_store
    text = (store_copy/"store.json").read_text(); (store_copy/"store.json").write_text(text[:len(text) // 2])
    with pytest.raises(DataError) as e: open_store(store_copy)
    assert "store.json" in str(e.value) and "not valid JSON" in str(e.value)

def test_store_truncated_genotype_matrix(store_copy):
    from hybridpredictmaize.data.store import open_store
    dosage = store_copy/"genotypes"/"dosage.i8"
    with open(dosage, "r+b") as f: f.truncate(dosage.stat().st_size - 100)
    store = open_store(store_copy)
    with pytest.raises(DataError) as e: store.genotypes
    assert "dosage.i8" in str(e.value) and "truncated" in str(e.value)

def _tiny_checkpoint(root:Path, config:dict):
    import torch
    from hybridpredictmaize.train import save_checkpoint
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(config["width"], 3), torch.nn.Linear(3, 1))
    opt = torch.optim.AdamW(model.parameters())
    model(torch.randn(2, config["width"])).sum().backward(); opt.step()
    save_checkpoint(root, model, opt, {"epoch": 1, "model_config": config})
    return model, opt

def test_checkpoint_from_other_model_config(tmp_path):
    import torch
    from hybridpredictmaize.train import load_checkpoint
    _tiny_checkpoint(tmp_path/"checkpoints", {"width": 4, "mode": "gxe"})
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Linear(3, 1))
    before = [p.detach().clone() for p in model.parameters()]
    with pytest.raises(HpmError) as e:
        load_checkpoint(tmp_path/"checkpoints", model, expect_model_config={"width": 4, "mode": "concat"})
    msg = str(e.value)
    assert "mode: 'gxe' vs 'concat'" in msg and "checkpoints" in msg and "new run folder" in msg
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))   # nothing was loaded

def test_checkpoint_weights_of_another_shape(tmp_path):
    import torch
    from hybridpredictmaize.train import load_checkpoint
    _tiny_checkpoint(tmp_path/"checkpoints", {"width": 4})
    other = torch.nn.Sequential(torch.nn.Linear(5, 3), torch.nn.Linear(3, 1))
    with pytest.raises(HpmError) as e: load_checkpoint(tmp_path/"checkpoints", other)
    assert "do not fit this model" in str(e.value)

STORE_CASES = ["store_other_format_version", "store_without_marker", "store_truncated_json",
               "store_truncated_genotype_matrix", "checkpoint_other_config", "checkpoint_weights_other_shape"]

# ---------------------------------------------------------------- the same through `hpm`
def error_paragraph(stderr:str)->str:
    "The `hpm: error:` paragraph of stderr (warnings before it are skipped)."
    assert stderr.count("hpm: error:") == 1, stderr
    para = stderr[stderr.index("hpm: error:"):].strip()
    assert "\n\n" not in para, f"more than one paragraph:\n{para}"
    return para

def check_cli_error(proc, path:Path, needles=()):
    assert proc.returncode == 2, f"exit {proc.returncode}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    flat = re.sub(r"\s+", "", error_paragraph(proc.stderr))
    assert path.name in flat, f"the error does not name {path.name}:\n{proc.stderr}"
    for n in needles: assert re.sub(r"\s+", "", n) in flat, f"{n!r} missing:\n{proc.stderr}"

@pytest.mark.parametrize("name", _params([n for n in sorted(CASES) if CASES[n].expect[0] == "error"],
                                         slow=lambda n: not CASES[n].cli))
def test_malformed_input_cli(name, g2f_copy, tmp_path):
    data = g2f_copy()
    path = corrupt_case(name, data)
    check_cli_error(run_hpm("prepare", data, tmp_path/"store", ok=False), path, CASES[name].expect[1])
    assert not (tmp_path/"store"/".complete").exists()

def test_cli_debug_shows_the_traceback(g2f_copy, tmp_path):
    data = g2f_copy()
    path = corrupt_case("csv_utf16", data)
    proc = run_hpm("--debug", "prepare", data, tmp_path/"store", ok=False)
    assert proc.returncode == 2 and "Traceback" in proc.stderr and "DataError" in proc.stderr
    assert path.name in re.sub(r"\s+", "", proc.stderr)

def test_cli_store_other_format_version(store_copy, tmp_path):
    info = json.loads((store_copy/"store.json").read_text()); info["format_version"] = 99
    (store_copy/"store.json").write_text(json.dumps(info))
    proc = run_hpm("fit", store_copy, tmp_path/"run", "--model", "gblup", ok=False)
    check_cli_error(proc, store_copy/"store.json", ["version 99"])
    assert not (tmp_path/"run").exists()

def test_cli_keeps_long_paths_whole(g2f_copy, tmp_path):
    "A path longer than the terminal width is printed on one line, so it can be copied."
    deep = tmp_path/("a_rather_long_folder_name_" * 3)/"another_long_folder_name_for_the_data"
    deep.parent.mkdir(parents=True)
    shutil.move(g2f_copy(), deep)
    path = _utf16(deep/TRAIT)
    proc = run_hpm("prepare", deep, tmp_path/"store", ok=False)
    assert proc.returncode == 2 and str(path) in proc.stderr, proc.stderr

# ---------------------------------------------------------------- inputs too large for memory
# A zero-stride view declares a huge matrix without holding it: the function must refuse it (with the estimated size
# and what to do instead) before allocating anything, instead of being killed by the system or failing deep in numpy.
HUGE = (200_000, 10)   # 200,000 individuals: a dense float64 kernel of 298 GiB

def huge_dosages(): return np.broadcast_to(np.int8(1), HUGE)

def check_guard(excinfo, *words):
    msg = str(excinfo.value)
    assert re.search(r"\d+(\.\d)? (MiB|GiB|TiB)", msg), msg # the estimated size
    assert "available" in msg and ";" in msg, msg              # the memory there is, then the alternative
    for w in words: assert w in msg, msg

def test_check_memory_refuses_with_size_and_alternative():
    from hybridpredictmaize.core import check_memory
    with pytest.raises(HpmError) as e: check_memory(2**50, "a dense kernel", "use fewer hybrids")
    check_guard(e, "a dense kernel", "use fewer hybrids")
    assert check_memory(1024, "a small array", "nothing") is None

GUARD_DEFECT = ("{f} allocates the dense n x n kernel without core.check_memory: numpy's MemoryError (or the OOM killer "
                "for sizes just under RAM + swap) instead of an HpmError with the size and the alternative; call "
                "check_memory(n_a * n_b * 12, ...) at the top of baselines.kernels.cross_products")

def test_dense_kernel_too_large_is_refused():
    from hybridpredictmaize.baselines.kernels import vanraden_grm
    with pytest.raises(HpmError) as e: vanraden_grm(huge_dosages())
    check_guard(e, "200,000")

def test_gaussian_kernel_too_large_is_refused():
    from hybridpredictmaize.baselines.kernels import gaussian_kernel
    with pytest.raises(HpmError) as e: gaussian_kernel(huge_dosages())
    check_guard(e, "200,000")

def test_kernel_guard_uses_the_available_memory(monkeypatch):
    "The guard compares with the memory available now, not with what numpy can reserve."
    import hybridpredictmaize.core as core
    from hybridpredictmaize.baselines.kernels import vanraden_grm
    monkeypatch.setattr(core, "available_memory", lambda: 100 * 2**20)
    X = np.random.default_rng(0).integers(0, 3, (4_000, 20), dtype=np.int8)
    with pytest.raises(HpmError) as e: vanraden_grm(X)
    check_guard(e)

def test_precomputed_kernel_too_large_is_refused():
    from hybridpredictmaize.baselines.gblup import GBLUP
    K = np.broadcast_to(np.float32(1), (HUGE[0], HUGE[0]))
    with pytest.raises(HpmError) as e: GBLUP(kernel="precomputed").fit(K, np.arange(HUGE[0], dtype=float))
    check_guard(e)

def test_genotype_rows_too_large_are_refused(prepared):
    from hybridpredictmaize.data.genotypes import open_genotypes
    g = open_genotypes(prepared/"genotypes")
    g.shape = (g.shape[0], 10**12)         # a declared size of 1e12 SNPs: 4.5 TiB for five rows
    with pytest.raises(HpmError) as e: g.rows(np.arange(5))
    check_guard(e, "iter_chunks")

# ---------------------------------------------------------------- tried as a new user would (issue 14)
# Paths and options are checked before any work: one `hpm: error:` line naming the path or option, exit 2.
def check_one_line(proc, *needles):
    assert proc.returncode == 2, f"exit {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr and "hpm: error:" in proc.stderr, proc.stderr
    flat = " ".join(proc.stderr[proc.stderr.index("hpm: error:"):].split())   # the error paragraph, after any warnings
    for n in needles: assert n in flat, f"{n!r} missing:\n{proc.stderr}"
    assert "np.int64" not in flat and "np.float64" not in flat, flat

def test_cli_output_paths_that_are_files(small_data, prepared, tmp_path):
    f = tmp_path/"a_file"; f.write_text("x")
    check_one_line(run_hpm("prepare", small_data, f, ok=False), "OUT_DIR", "is a file, not a folder")
    check_one_line(run_hpm("fit", prepared, f, "--model", "gblup", ok=False), "RUN", "is a file, not a folder")
    check_one_line(run_hpm("fit", prepared, prepared, "--model", "gblup", ok=False), "RUN", "is the input")
    check_one_line(run_hpm("prepare", small_data, small_data.parent, ok=False), "OUT_DIR", "a folder holding the input")
    check_one_line(run_hpm("simulate", f, ok=False), "OUT", "is a file")
    check_one_line(run_hpm("evaluate", f, f, "--out", f, ok=False), "--out", "is a file")

@pytest.mark.parametrize("argv, needles", [
    (["fit", "PREP", "RUN", "--epochs", "-3"], ["argument --epochs: must be an integer >= 1, got -3", "hpm fit --help"]),
    (["fit", "PREP", "RUN", "--epochs", "0"], ["argument --epochs: must be an integer >= 1, got 0"]),
    (["fit", "PREP", "RUN", "--epochs", "two"], ["argument --epochs: expected an integer, got 'two'"]),
    (["fit", "PREP", "RUN", "--seed", "-1"], ["argument --seed: must be an integer >= 0, got -1"]),
    (["cv", "PREP", "--folds", "1"], ["argument --folds: must be an integer >= 2, got 1"]),
    (["prepare", "D", "O", "--min-maf", "0.7"], ["argument --min-maf: must be a number in [0, 0.5], got 0.7"]),
    (["prepare", "D", "O", "--days-after", "0"], ["argument --days-after: must be an integer >= 1, got 0"]),
    (["pretrain", "PREP", "RUN", "--epochs", "0"], ["argument --epochs: must be an integer >= 1"]),
    (["fit", "PREP", "RUN", "--model", "gxx"], ["argument --model: unknown model 'gxx'"]),
])
def test_cli_option_out_of_range(argv, needles, tmp_path):
    check_one_line(run_hpm(*argv, ok=False, cwd=tmp_path), *needles)

def test_library_options_out_of_range(prepared, tmp_path):
    from hybridpredictmaize.pipeline import fit_run, cross_validate
    from hybridpredictmaize.train import TrainConfig
    with pytest.raises(HpmError, match="--epochs must be an integer >= 1, got 0"): fit_run(prepared, tmp_path/"r", "gxe", epochs=0)
    with pytest.raises(HpmError, match="--folds must be an integer >= 2, got 1"): cross_validate(prepared, folds=1)
    with pytest.raises(HpmError, match=r"TrainConfig.lr must be a number > 0, got 0"): TrainConfig(lr=0)
    assert not (tmp_path/"r").exists()

def test_cli_unknown_validation_year_prints_plain_years(prepared, tmp_path):
    check_one_line(run_hpm("fit", prepared, tmp_path/"run", "--model", "gblup", "--val-year", "1999", ok=False),
                   "years [1999] have no records; records span [20", "choose one of those years")

@pytest.mark.parametrize("file, column", [(TRAIT, "Date_Planted"), ("Testing_Data/2_Testing_Meta_Data_2022.csv", "Date_Planted")])
def test_cli_impossible_date_names_file_line_column_and_why(file, column, g2f_copy, tmp_path):
    data = g2f_copy()
    set_cell(data/file, 1, column, "4/31/22", encoding="latin-1" if "Meta" in file else "utf-8")
    proc = run_hpm("prepare", data, tmp_path/"store", ok=False)
    check_one_line(proc, Path(file).name, "line 3", f"column '{column}'", "'4/31/22' is impossible: there are 30 days in April 2022")

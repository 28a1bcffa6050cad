"""Property-based tests: mutated G2F files end in success or a `DataError`, never in another exception.

Each example copies the simulated `small` folder (built once per session), mutates one file (drop, duplicate or reorder
columns, blank cells, wrong types, truncate at a random byte, change the encoding or the delimiter, keep the header
only, empty the file, duplicate rows) and runs `prepare` on it, or the reader that `prepare` uses for that file (cheap,
so it runs many more examples). A `DataError` must name a file. `hpm predict` / `hpm evaluate` inputs are mutated the
same way. Example counts come from the hypothesis profile that tests/conftest.py loads: `hpm` by default,
`hpm-slow` (ten times more) under `--runslow`; both are derandomized, so CI sees the same examples every run."""
import collections, csv, io, json, os, shutil, warnings
from pathlib import Path
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from hybridpredictmaize.core import DataError
from conftest import read_g2f_file

FILES = {  # key: (path in the G2F folder, reader kind)
    "trait": ("Training_Data/1_Training_Trait_Data_2014_2021.csv", "trait"),
    "meta_train": ("Training_Data/2_Training_Meta_Data_2014_2021.csv", "meta"),
    "soil_train": ("Training_Data/3_Training_Soil_Data_2015_2021.csv", "soil"),
    "weather_train": ("Training_Data/4_Training_Weather_Data_2014_2021.csv", "weather"),
    "genotypes": ("Training_Data/5_Genotype_Data_All_Years.vcf", "genotypes"),
    "ec_train": ("Training_Data/6_Training_EC_Data_2014_2021.csv", "ec"),
    "hybrid_names": ("Training_Data/All_hybrid_names_info.csv", "names"),
    "template": ("Testing_Data/1_Submission_Template_2022.csv", "template"),
    "meta_test": ("Testing_Data/2_Testing_Meta_Data_2022.csv", "meta"),
    "soil_test": ("Testing_Data/3_Testing_Soil_Data_2022.csv", "soil"),
    "weather_test": ("Testing_Data/4_Testing_Weather_Data_2022.csv", "weather"),
    "ec_test": ("Testing_Data/6_Testing_EC_Data_2022.csv", "ec"),
}
BAD_VALUES = ["", " ", "abc", "NA", "#N/A", "-", "1,5", "1e400", "-999", "-1", "0", "1e9", "nan", "inf", "TRUE",
              "2022-02-30", "13/1/2022", "4/31/22", "é", "\x00", '"', "999999999999999999999"]
ENCODINGS = ["utf-8-sig", "utf-16", "latin-1", "cp1252", "utf-32"]

COUNTS = collections.Counter()   # examples run, by test and outcome; written to $HPM_PROPERTY_COUNTS when it is set

@pytest.fixture(scope="module", autouse=True)
def _write_counts():
    yield
    if os.environ.get("HPM_PROPERTY_COUNTS"):
        Path(os.environ["HPM_PROPERTY_COUNTS"]).write_text(json.dumps(dict(COUNTS), indent=1))

# ---------------------------------------------------------------- mutations of one file's bytes
def _rows(text:str)->list[list[str]]: return list(csv.reader(io.StringIO(text)))

def _csv(rows, delimiter=",")->str:
    buf = io.StringIO(); csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows); return buf.getvalue()

def _table(text:str, vcf:bool):
    "(prefix lines, rows, delimiter): VCF meta lines stay as they are, the `#CHROM` line is the header."
    if not vcf: return "", _rows(text), ","
    lines = text.splitlines(keepends=True)
    n = sum(1 for l in lines if l.startswith("##"))
    return "".join(lines[:n]), [l.rstrip("\n").split("\t") for l in lines[n:]], "\t"

@st.composite
def mutation(draw, data:bytes, vcf:bool=False):
    "A mutated copy of `data` and a short description of the mutation."
    try: text, src = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError: text, src = data.decode("latin-1"), "latin-1"   # G2F metadata is latin-1
    prefix, rows, sep = _table(text, vcf)
    kind = draw(st.sampled_from(["drop_col", "dup_col", "reorder", "blank", "wrong_type", "truncate", "encoding",
                                 "delimiter", "header_only", "empty", "dup_rows", "drop_rows", "several"]))
    ncol, nrow = len(rows[0]), len(rows) - 1
    col = lambda: draw(st.integers(0, ncol - 1))
    def cells(values):
        for _ in range(draw(st.integers(1, 5))):
            i, j = draw(st.integers(1, max(1, nrow))), col()
            if i < len(rows) and j < len(rows[i]): rows[i][j] = draw(values)
    if kind == "drop_col":
        j = col(); rows = [r[:j] + r[j+1:] for r in rows]
    elif kind == "dup_col":
        j = col(); rows = [r + r[j:j+1] for r in rows]
    elif kind == "reorder":
        perm = draw(st.permutations(range(ncol))); rows = [[r[k] for k in perm if k < len(r)] for r in rows]
    elif kind == "blank": cells(st.just(""))
    elif kind == "wrong_type": cells(st.sampled_from(BAD_VALUES) | st.text(max_size=6))
    elif kind == "header_only": rows = rows[:1]
    elif kind == "dup_rows":
        i = draw(st.integers(1, max(1, nrow))); rows = rows + rows[i:i+draw(st.integers(1, 3))]
    elif kind == "drop_rows":
        i = draw(st.integers(1, max(1, nrow))); rows = rows[:i] + rows[i+draw(st.integers(1, 50)):]
    elif kind == "several":   # a few cell edits and a column change at once
        cells(st.sampled_from(BAD_VALUES)); j = col(); rows = [r[:j] + r[j+1:] for r in rows]
    body = prefix + ("".join(sep.join(r) + "\n" for r in rows) if vcf else _csv(rows))
    out = body.encode(src, errors="replace")   # a drawn character latin-1 lacks becomes "?"
    if kind == "truncate": out = data[:draw(st.integers(0, len(data) - 1))]
    elif kind == "encoding":
        enc = draw(st.sampled_from(ENCODINGS)); out = text.encode(enc, errors="replace")
    elif kind == "delimiter" and not vcf: out = _csv(rows, draw(st.sampled_from([";", "\t", "|"]))).encode(src)
    elif kind == "empty": out = b""
    return out, kind

# ---------------------------------------------------------------- what prepare does with one file
def _base_bytes(small_data, key): return (small_data/FILES[key][0]).read_bytes()

def _check_error(e:DataError, folder:Path):
    "A `DataError` names a file (or a folder) of the user's input."
    assert e.file is not None or str(folder) in str(e), f"the message names no file: {e}"

def _mutated_folder(small_data, tmp:Path, key:str, content:bytes)->Path:
    dst = tmp/"data"
    if dst.exists(): shutil.rmtree(dst)
    shutil.copytree(small_data, dst, ignore=shutil.ignore_patterns("truth", ".complete"))
    (dst/FILES[key][0]).write_bytes(content)
    return dst

@pytest.fixture(scope="module")
def base(small_data):
    "The bytes of every G2F file of the `small` folder."
    return {k: _base_bytes(small_data, k) for k in FILES}

@pytest.mark.parametrize("key", list(FILES))
def test_reader_succeeds_or_raises_data_error(key, base, small_data, tmp_path_factory):
    "Hundreds of mutations per file through the reader that `prepare` uses for it."
    path_in, kind = FILES[key]
    @settings()   # the loaded profile's example count
    @given(mutation(base[key], vcf=kind == "genotypes"))
    def run(mutated):
        content, _ = mutated
        tmp = tmp_path_factory.mktemp("reader")
        p = tmp/Path(path_in).name; p.write_bytes(content)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try: read_g2f_file(kind, p, small_data, tmp); COUNTS["reader ok"] += 1
            except DataError as e: _check_error(e, tmp); COUNTS["reader DataError"] += 1
    run()

@pytest.mark.parametrize("key", list(FILES))
def test_prepare_succeeds_or_raises_data_error(key, base, small_data, tmp_path_factory):
    "Fewer mutations per file (each is a whole `prepare`): success (a store that opens) or a `DataError`."
    from hybridpredictmaize.data.store import prepare
    @settings(max_examples=max(4, settings().max_examples // 8))
    @given(mutation(base[key], vcf=key == "genotypes"))
    def run(mutated):
        content, _ = mutated
        tmp = tmp_path_factory.mktemp("prep")
        data = _mutated_folder(small_data, tmp, key, content)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try: store = prepare(data, tmp/"store")
            except DataError as e: _check_error(e, data); COUNTS["prepare DataError"] += 1; return
        assert len(store.records("train")) > 0; COUNTS["prepare ok"] += 1
    run()

# ---------------------------------------------------------------- predict / evaluate inputs
@pytest.fixture(scope="module")
def fitted(prepared, tmp_path_factory):
    "A gBLUP run on the shared store, and its filled template (the prediction file to mutate)."
    from hybridpredictmaize.pipeline import fit_run, predict_run
    run = tmp_path_factory.mktemp("run")/"gblup"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_run(prepared, run, "gblup")
        pred = tmp_path_factory.mktemp("pred")/"pred.csv"
        predict_run(run, prepared, out=pred)
    return run, pred

def test_predict_template_succeeds_or_raises_data_error(prepared, fitted, small_data, tmp_path_factory):
    "A mutated template through `predict_run`: a filled template of the same rows, or a `DataError`."
    from hybridpredictmaize.pipeline import predict_run
    run, _ = fitted
    tpl = (small_data/FILES["template"][0]).read_bytes()
    @settings(max_examples=max(10, settings().max_examples // 2))
    @given(mutation(tpl))
    def check(mutated):
        content, _ = mutated
        tmp = tmp_path_factory.mktemp("tpl"); p = tmp/"template.csv"; p.write_bytes(content)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try: filled = predict_run(run, prepared, template=p, out=tmp/"out.csv")
            except DataError as e: _check_error(e, tmp); COUNTS["predict DataError"] += 1; return
        assert filled.Yield_Mg_ha.notna().all() and (tmp/"out.csv").exists(); COUNTS["predict ok"] += 1
    check()

def test_evaluate_succeeds_or_raises_data_error(fitted, small_data, tmp_path_factory):
    "Mutated predictions through `evaluate_files` against the simulated truth: metrics, or a `DataError`."
    from hybridpredictmaize.evaluate import evaluate_files
    _, pred = fitted
    truth = small_data/"truth"/"2022_observed.csv"
    @settings(max_examples=max(10, settings().max_examples // 2))
    @given(mutation(pred.read_bytes()))
    def check(mutated):
        content, _ = mutated
        tmp = tmp_path_factory.mktemp("ev"); p = tmp/"pred.csv"; p.write_bytes(content)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try: metrics = evaluate_files(p, truth, tmp/"report")
            except DataError as e: _check_error(e, tmp); COUNTS["evaluate DataError"] += 1; return
        assert np.isfinite(metrics["pred"]["mean_env_rmse"]); COUNTS["evaluate ok"] += 1
    check()

"Packaging: the wheel holds every module, and the README agrees with its notebook."
import re, subprocess, sys, zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/"tools"))

def test_wheel_contains_every_module(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True)
    wheel, = tmp_path.glob("hybridpredictmaize-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT/"hybridpredictmaize").rglob("*.py"))
    assert len(modules) >= 3
    missing = [m for m in modules if m not in names]
    assert not missing, f"modules missing from the wheel: {missing}"
    assert any(n.endswith("entry_points.txt") for n in names)

def test_readme_in_step_with_index_notebook():
    from make_readme import readme_text
    readme = (ROOT/"README.md").read_text(encoding="utf-8")
    assert readme == readme_text(), "README.md is out of step with nbs/index.ipynb: run python tools/make_readme.py"

def test_readme_names_the_two_commands_and_the_install():
    readme = (ROOT/"README.md").read_text(encoding="utf-8")
    for cmd in ("make demo", "make test", "pip install -c constraints.txt"): assert cmd in readme
    makefile = (ROOT/"Makefile").read_text()
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "constraints.txt" in makefile and "torch==2.13.0" in (ROOT/"constraints.txt").read_text()

def test_sidebar_lists_every_notebook():
    sidebar = (ROOT/"nbs"/"sidebar.yml").read_text()
    nbs = [p.relative_to(ROOT/"nbs").as_posix() for p in (ROOT/"nbs").rglob("*.ipynb")
           if not any(part.startswith(("_", ".")) for part in p.relative_to(ROOT/"nbs").parts)]
    missing = [nb for nb in nbs if nb not in sidebar]
    assert not missing, f"notebooks missing from nbs/sidebar.yml: {missing}"

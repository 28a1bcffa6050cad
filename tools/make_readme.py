"""Write README.md from nbs/index.ipynb (Quarto, which `nbdev-readme` needs, is not installable everywhere).

Markdown cells are copied as they are, code cells become ```python blocks and their text outputs plain blocks.
`python tools/make_readme.py --check` exits 1 when README.md is out of step with the notebook.
"""
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def _src(cell): return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]

def readme_text(nb_path=ROOT/"nbs"/"index.ipynb")->str:
    nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        src = _src(cell).strip()
        if not src or src.startswith("#| hide"): continue
        if cell["cell_type"] == "markdown": parts.append(src)
        elif cell["cell_type"] == "code":
            lines = [l for l in src.splitlines() if not l.startswith("#|")]
            parts.append("```python\n" + "\n".join(lines) + "\n```")
            for out in cell.get("outputs", []):
                text = out.get("text") or out.get("data", {}).get("text/plain")
                if text: parts.append("```\n" + ("".join(text) if isinstance(text, list) else text).rstrip() + "\n```")
    return "<!-- generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file -->\n\n" + "\n\n".join(parts) + "\n"

if __name__ == "__main__":
    text, readme = readme_text(), ROOT/"README.md"
    if "--check" in sys.argv:
        ok = readme.exists() and readme.read_text(encoding="utf-8") == text
        if not ok: print("README.md is out of step with nbs/index.ipynb: run python tools/make_readme.py")
        sys.exit(0 if ok else 1)
    readme.write_text(text, encoding="utf-8")

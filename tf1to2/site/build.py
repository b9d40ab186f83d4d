"""`tf1to2 docs build`: generate the docs tree, then `mkdocs build --strict` on it."""
import os
import pathlib
import subprocess
import sys

import yaml

from tf1to2.errors import UserError
from tf1to2.site import pages
from tf1to2.site import results as results_file

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONFIG = ROOT / "mkdocs.yml"
WORK = ROOT / "build" / "site_docs"


def generate(work=WORK, results_path=results_file.DEFAULT_PATH, upgrade=True):
    """The generated docs tree in ``work`` and its MkDocs config; return the config path."""
    from tf1to2.site import api, catalogue

    results = results_file.load(results_path)
    upgrader = None
    if upgrade:
        from tf1to2.site import upgrade as upgrade_module
        upgrader = upgrade_module.section
    navigation = pages.generate(work, results, upgrader, api.markdown(), catalogue.markdown())
    config = yaml.safe_load(CONFIG.read_text())
    config["nav"] = navigation
    return config


def build(out=None, results_path=results_file.DEFAULT_PATH, work=WORK, upgrade=True,
          log=sys.stderr):
    """Build the site into ``out`` (default build/site) strictly; return its path."""
    work = pathlib.Path(work).resolve()
    out = pathlib.Path(out or ROOT / "build" / "site").resolve()
    try:
        import material  # noqa: F401
    except ImportError:
        raise UserError("the site needs MkDocs Material: pip install -e '.[docs]'") from None
    if out == (ROOT / "build" / "site").resolve():
        out.parent.mkdir(exist_ok=True)
    if not out.parent.is_dir():
        raise UserError(f"cannot write {out}: directory {out.parent} does not exist")
    work.parent.mkdir(parents=True, exist_ok=True)
    config = generate(work, results_path, upgrade)
    config["docs_dir"], config["site_dir"] = str(work), str(out)
    config_path = work.parent / "mkdocs.generated.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean",
                           "-f", str(config_path)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if done.returncode:
        problems = [line for line in (done.stderr + done.stdout).splitlines()
                    if "WARNING" in line or "ERROR" in line or "Error" in line]
        raise UserError("mkdocs build --strict failed: "
                        + (" | ".join(problems[:8]) or done.stderr.strip()[-500:]))
    print(f"wrote the site to {out} (open {out / 'index.html'})", file=log)
    return out

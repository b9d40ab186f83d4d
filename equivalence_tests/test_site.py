"""The guide site: its generated parts are up to date and complete, it builds strictly, and a
real browser (headless Chromium) shows the side-by-side code, the report and the plot with no
broken link."""
import functools
import http.server
import pathlib
import json
import re
import shutil
import subprocess
import threading
import urllib.parse
import urllib.request

import pytest

from tf1to2 import examples
from tf1to2.site import api, catalogue, figures, index, sidebyside
from tf1to2.site.pitfalls import PITFALLS

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--no-first-run"]


def test_docs_index_is_up_to_date():
    text = index.INDEX.read_text()
    assert index.render(text, list(examples.EXAMPLES.values())) == text, \
        "docs/index.md is out of date: run `tf1to2 docs index`"


def test_pitfall_page_is_up_to_date():
    assert (ROOT / "docs" / "pitfalls.md").read_text() == catalogue.markdown(), \
        "docs/pitfalls.md is out of date: run `tf1to2 docs index`"


def test_readme_and_results_page_figures_come_from_results_json():
    summary = figures.load()
    assert summary["pairs"], "docs/results.json has no pair: run `tf1to2 docs results`"
    assert figures.outdated(summary) == [], "run `tf1to2 docs index`"
    # The check can fail: one figure changed in the source makes both generated files stale.
    changed = figures.load()
    name = sorted(changed["pairs"])[0]
    changed["pairs"][name]["verdict"] = "NOT equivalent"
    changed["jobs"]["planted"] = {"figures": {"accuracy": {"tf1": 0.5, "tf2": 0.25}},
                                  "equivalent": True, "steps": 1, "seconds": 1.0}
    assert figures.outdated(changed) == ["docs/results.md", "README.md"]


def test_speed_page_tables_come_from_speed_json():
    from tf1to2.site import speed
    assert speed.outdated() == [], "run `tf1to2 docs index`"
    run = json.loads(speed.RUN.read_text())  # a changed figure makes the page stale
    run["pairs"][0]["recommended_ratio"] = 9.99
    assert speed.outdated(run) == ["docs/speed.md"]


def test_guides_quote_no_wall_time_of_their_own():
    """Wall times differ run to run and machine to machine: they live in docs/results.md, which
    a paragraph about wall time links instead of quoting one."""
    quoted = []
    for name in examples.EXAMPLES:
        text = (ROOT / "docs" / f"{name}.md").read_text()
        for paragraph in re.split(r"\n\s*\n", text):
            if re.search(r"[Ww]all time|\btook\b", paragraph) \
                    and re.search(r"\b\d+(\.\d+)? ?(s|min)\b", paragraph) \
                    and "results.md" not in paragraph:
                quoted.append(f"docs/{name}.md: {paragraph.strip()[:60]}...")
    assert not quoted, f"wall times quoted outside docs/results.md: {quoted}"


def test_every_pitfall_reference_points_to_an_entry():
    unknown = [(path, line, number) for path, line, number in catalogue.references()
               if number not in PITFALLS]
    assert not unknown, f"PITFALLS numbers with no entry in tf1to2/site/pitfalls.py: {unknown}"


def test_pitfall_numbers_are_consecutive_and_tests_are_collected():
    assert list(PITFALLS) == list(range(1, len(PITFALLS) + 1))
    page = catalogue.markdown()
    for number in PITFALLS:
        assert f'id="pitfall-{number}"' in page
    assert "test_" in page and "no test cites it yet" in page or "**none**" not in page


def test_api_index_covers_every_tf1_symbol():
    assert api.missing() == [], "add these symbols to tf1to2/site/api_table.py"


def test_side_by_side_puts_the_same_function_on_the_same_row():
    left = (ROOT / "tf1_style" / "mlp.py").read_text().splitlines()
    right = (ROOT / "tf2_style" / "mlp.py").read_text().splitlines()
    rows = sidebyside.align("\n".join(left), "\n".join(right))
    for i, j, _ in rows:
        if i is not None and left[i].startswith("def "):
            name = left[i][4:].split("(")[0]
            assert j is not None and right[j].startswith(f"def {name}("), left[i]
    assert {tag for *_, tag in rows} >= {"same", "changed"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("material", reason="the site needs the docs extra: pip install -e '.[docs]'")
    from tf1to2.site import build
    out = tmp_path_factory.mktemp("site") / "site"
    work = tmp_path_factory.mktemp("site_docs") / "docs"
    return build.build(out, work=work, upgrade=True)


def test_site_builds_strictly_with_every_pair(site):
    for name in examples.EXAMPLES:
        assert (site / name / "index.html").is_file(), name
    for page in ("pitfalls", "api"):
        assert (site / page / "index.html").is_file()
    mlp = (site / "mlp" / "index.html").read_text()
    assert "tf_upgrade_v2" in mlp and "The upgrader failed" not in mlp
    assert 'href="../api/#sym-tf-layers-dense"' in mlp and 'id="sym-tf-layers-dense"' in (
        site / "api" / "index.html").read_text()


def _chromium():
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and pathlib.Path(candidate).is_file():
            return candidate
    pytest.skip("no Chromium: `apt-get install -y chromium` (.ci/run installs it)")


@pytest.fixture(scope="module")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.handle_error = lambda *args: None  # the browser drops connections it no longer needs
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def _browse(browser, url, profile, screenshot):
    flags = CHROMIUM_FLAGS + [f"--user-data-dir={profile}"]
    subprocess.run([browser, *flags, f"--screenshot={screenshot}", "--window-size=1400,1800",
                    url], capture_output=True, timeout=120, check=False)
    done = subprocess.run([browser, *flags, "--dump-dom", url], capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout


def test_pages_in_chromium(site, server, tmp_path):
    browser = _chromium()
    from tf1to2.site import results as results_file
    results = (results_file.load() or {}).get("examples", {})
    pages = ["", "mlp/", "char_rnn/", "optimizers/"]
    checked = set()
    for page in pages:
        url = urllib.parse.urljoin(server, page)
        screenshot = tmp_path / f"{page.strip('/') or 'home'}.png"
        dom = _browse(browser, url, tmp_path / "profile", screenshot)
        assert "<html" in dom.lower(), url
        assert screenshot.is_file(), f"no screenshot of {url}"
        if page:
            assert dom.count('class="code tf1"') > 10 and dom.count('class="code tf2"') > 10, url
            assert "Equivalence report" in dom, url
            entry = results.get(page.strip("/")) or {}
            if entry.get("checks"):  # the results file has this pair: its table and curves
                assert 'class="report"' in dom, url
                losses = (entry.get("tf1") or {}).get("losses") or []
                if len(losses) > 1 and all(isinstance(loss, (int, float)) for loss in losses):
                    assert re.search(r'<img[^>]+plots/\w+\.svg', dom), url
        else:
            for name in examples.EXAMPLES:
                assert f'href="{name}/"' in dom or f'href="./{name}/"' in dom, name
        for href in re.findall(r'href="([^"#]+)', dom):
            target = urllib.parse.urljoin(url, href)
            if not target.startswith(server) or target in checked:
                continue
            checked.add(target)
            with urllib.request.urlopen(target, timeout=30) as answer:
                assert answer.status == 200, f"broken link {href} on {url}"
    print(f"screenshots in {tmp_path}")

"""The files a user writes (issue 18): sidecars, deadlines.yaml, the parts rules, a project's catalog.yaml and
targets.yaml, each loaded by fazhi_analysis.userfiles against a schema, and the overrides sheet, each row
checked against review.Override. Wrong types and alias bombs are one InputError line naming the file, the
entry and the expected type; random documents (and random override sheets) give a result or InputError,
nothing else.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from fazhi_analysis import analysis, deadline, project
from fazhi_analysis.cli import main
from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import discover, parts, review
from fazhi_analysis.table import catalog
from fazhi_analysis.userfiles import MAX_YAML_DEPTH, MAX_YAML_NODES

# Hypothesis keeps examples and a Unicode table under .hypothesis/: outside the checkout.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "fazhi-hypothesis"))
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

BUNDLED_PARTS = Path(parts.__file__).with_name("parts.yaml")
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
)


def _refused(call, *words: str) -> str:
    """The one-line message of the InputError ``call()`` raises, naming ``words``."""
    with pytest.raises(InputError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message, message
    for word in words:
        assert word in message, (word, message)
    return message


def _sidecar(tmp_path: Path, text: str) -> Path:
    """A report ``r.txt`` with a sidecar holding ``text``."""
    report = tmp_path / "r.txt"
    report.write_text("收到行政复议申请11件。", encoding="utf-8")
    (tmp_path / "r.txt.meta.yaml").write_text(text, encoding="utf-8")
    return report


# --- sidecars ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entry", "expected"),
    [
        ("year: 二〇二四\n", "year", "expected an integer"),
        ("year: next year\n", "year", "expected an integer"),
        ("year: 99999999999999999999999\n", "year", "at most 2100"),  # beyond int64
        ("year: 2024.7\n", "year", "expected an integer"),
        ("year: 1900\n", "year", "at least 1949"),
        ("region: 123\n", "region", "expected text"),
        ("region: [甲区, 乙区]\n", "region", "expected text"),
        ("region: {name: 甲区}\n", "region", "expected text"),
        ('region: " "\n', "region", "non-empty"),
        ("just a sentence\n", "the whole file", "expected a mapping"),
        ("- region: 甲区\n- year: 2024\n", "the whole file", "expected a mapping"),
        ("yaer: 2024\n", "yaer", "unknown entry"),
    ],
)
def test_a_sidecar_of_the_wrong_type_is_one_line_naming_file_entry_and_type(tmp_path, text, entry, expected):
    report = _sidecar(tmp_path, text)
    message = _refused(lambda: discover.sidecar_region_year(report), "r.txt.meta.yaml", entry, expected)
    assert message.count("r.txt.meta.yaml") == 1


def test_a_good_sidecar_and_an_empty_one(tmp_path):
    report = _sidecar(tmp_path, "region: 甲区\nyear: 2024\n")
    assert discover.sidecar_region_year(report) == ("甲区", 2024)
    (tmp_path / "r.txt.meta.yaml").write_text("year: '2023'\n", encoding="utf-8")  # digits quoted: still a year
    assert discover.sidecar_region_year(report) == (None, 2023)
    (tmp_path / "r.txt.meta.yaml").write_text("", encoding="utf-8")
    assert discover.sidecar_region_year(report) == (None, None)


def test_build_with_a_bad_sidecar_exits_2_with_one_line(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    _sidecar(raw, "region: 甲区\nyear: 二〇二四\n")
    assert main(["build", "--raw", str(raw), "--processed", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "r.txt.meta.yaml: year: 应为整数 / expected an integer" in err


def test_a_billion_laughs_sidecar_is_refused_before_it_expands(tmp_path):
    report = _sidecar(tmp_path, LAUGHS)
    _refused(lambda: discover.sidecar_region_year(report), "r.txt.meta.yaml", "aliases and anchors", "line 1")


@pytest.mark.slow
def test_nodes_and_depth_are_capped(tmp_path):
    report = _sidecar(tmp_path, "[" * (MAX_YAML_DEPTH + 5) + "]" * (MAX_YAML_DEPTH + 5))
    _refused(lambda: discover.sidecar(report), "nested more than")
    (tmp_path / "r.txt.meta.yaml").write_text("[" + "1," * (MAX_YAML_NODES + 5) + "1]", encoding="utf-8")
    _refused(lambda: discover.sidecar(report), f"more than {MAX_YAML_NODES} nodes")


def test_a_python_tag_and_a_huge_integer_are_invalid_yaml(tmp_path):
    report = _sidecar(tmp_path, "region: !!python/object/apply:os.system ['touch pwned']\n")
    _refused(lambda: discover.sidecar(report), "invalid YAML")
    (tmp_path / "r.txt.meta.yaml").write_text("year: " + "9" * 5000, encoding="utf-8")  # Python's 4300-digit limit
    _refused(lambda: discover.sidecar(report), "invalid YAML")
    (tmp_path / "r.txt.meta.yaml").write_bytes("region: 甲区".encode("gbk"))
    _refused(lambda: discover.sidecar(report), "UTF-8")


# --- deadlines.yaml and the parts rules -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('county: "13-40"\n', ("county", "MM-DD", "13-40")),
        ("county: 2025-04-01\n", ("county", "expected text")),
        ('village: "04-01"\n', ("village", "the key", "county")),
        ("- county\n", ("the whole file", "expected a mapping")),
        (LAUGHS, ("aliases and anchors",)),
    ],
)
def test_deadlines_of_the_wrong_type_are_one_line(tmp_path, text, words):
    (tmp_path / "deadlines.yaml").write_text(text, encoding="utf-8")
    _refused(lambda: deadline.load_deadlines(project.Project(tmp_path)), "deadlines.yaml", *words)


def test_deadlines_of_a_project_win_and_an_empty_file_changes_nothing(tmp_path):
    (tmp_path / "deadlines.yaml").write_text('county: "03-15"\n', encoding="utf-8")
    assert deadline.load_deadlines(project.Project(tmp_path)) == {
        "county": "03-15",
        "city": "04-01",
        "province": "04-01",
        "department": "03-01",
    }
    (tmp_path / "deadlines.yaml").write_text("", encoding="utf-8")
    assert deadline.load_deadlines(project.Project(tmp_path))["county"] == "04-01"


def test_the_bundled_parts_rules_load_and_bad_ones_are_one_line(tmp_path):
    assert parts.load_rules(BUNDLED_PARTS) == parts.rules()
    raw = yaml.safe_load(BUNDLED_PARTS.read_text(encoding="utf-8"))
    cases = [
        ({**raw, "max_heading_chars": "sixty"}, ("max_heading_chars", "expected an integer")),
        ({**raw, "not_plain": ["(unclosed"]}, ("not_plain[0]", "regular expression")),
        ({**raw, "parts": [{**raw["parts"][0], "patterns": []}]}, ("parts[0].patterns", "non-empty list")),
        ({**raw, "parts": [{"id": 3, "title": "x", "patterns": ["x"]}]}, ("parts[0].id", "expected text")),
    ]
    path = tmp_path / "parts.yaml"
    for data, words in cases:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        _refused(lambda: parts.load_rules(path), "parts.yaml", *words)


# --- a project's catalog.yaml and targets.yaml ------------------------------------------------

CASES = "disputes.litigation_cases"


@pytest.fixture
def project_folder(tmp_path, monkeypatch) -> Path:
    """An empty project, the working one."""
    monkeypatch.setenv(project.ROOT_ENV, str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (f"indicators:\n  - {{id: {CASES}, aliases: [5]}}\n", ("indicators[0].aliases[0]", "expected text", "got 5")),
        (f"indicators:\n  - {{id: {CASES}, context: [[常务会]]}}\n", ("indicators[0].context[0]", "expected text")),
        ("indicators:\n  - {id: 42, section: disputes, name: 名, unit: 件, kind: count}\n",
         ("indicators[0].id", "expected text", "got 42")),
        (f"indicators:\n  - {{id: {CASES}, kind: weird}}\n",
         ("indicators[0].kind", "expected one of 'count', 'amount' or 'rate'", "weird")),
        (f"indicators:\n  - {{id: {CASES}, aliases: [a]}}\n  - {{id: {CASES}, aliases: [b]}}\n",
         ("indicators", "duplicated id", CASES)),
        ("sections:\n  - {id: extra, order: 8, title: 其他}\n  - {id: extra, order: 9, title: 又一}\n",
         ("sections", "duplicated id: extra")),
        (f"indicators:\n  - {{id: {CASES}, aliases: &a [x]}}\n  - {{id: disputes.litigation_lost, aliases: *a}}\n",
         ("aliases and anchors",)),
        (f"indicators:\n  - {{id: {CASES}, core: 1}}\n", ("indicators[0].core", "expected true or false")),
        (f"indicators:\n  - {{id: {CASES}, name: null}}\n", ("indicators[0].name", "expected text")),
        (f"relations:\n  - [{CASES}, '=>', {CASES}]\n", ("relations[0][1]", "expected one of")),
        ("derived:\n  - {id: disputes.litigation_loss_rate, scale: .inf}\n", ("derived[0].scale", "finite")),
        ("indicators: {a: 1}\n", ("indicators", "expected a list")),
        ("- 1\n", ("the whole file", "expected a mapping")),
        (LAUGHS, ("aliases and anchors",)),
    ],
)  # fmt: skip
def test_a_project_catalog_of_the_wrong_type_is_one_line_and_exit_2(project_folder, capsys, text, words):
    (project_folder / "catalog.yaml").write_text(text, encoding="utf-8")
    assert main(["catalog"]) == 2
    error = capsys.readouterr().err
    assert len(error.splitlines()) == 1 and "Traceback" not in error, error
    for word in ("catalog.yaml", *words):
        assert word in error, (word, error)


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ("{indicator: 5, comparison: '>=', value: 1, source: 文}", ("targets[0].indicator", "expected text")),
        (f"{{indicator: {CASES}, comparison: '>=', value: [1], source: 文}}", ("targets[0].value", "a number")),
        (f"{{indicator: {CASES}, comparison: '>=', value: 1, source: 文, year: 2024.5}}", ("targets[0].year",)),
        (f"{{indicator: {CASES}, comparison: '>=', value: 1, source: [文]}}", ("targets[0].source", "expected text")),
        (f"{{indicator: {CASES}, comparison: '>=', value: 1, source: 文, note: {{a: 1}}}}", ("targets[0].note",)),
        ("{indicator: no.such, comparison: '>=', value: 1, source: 文}", ("targets[0].indicator", "catalog id")),
    ],
)
def test_a_project_targets_file_of_the_wrong_type_is_one_line(project_folder, entry, words):
    (project_folder / "targets.yaml").write_text(f"targets:\n  - {entry}\n", encoding="utf-8")
    _refused(analysis.targets, "targets.yaml", *words)
    (project_folder / "targets.yaml").write_text(LAUGHS, encoding="utf-8")
    _refused(analysis.targets, "targets.yaml", "aliases and anchors")


@pytest.mark.parametrize("name", ["catalog.yaml", "targets.yaml"])
def test_an_unreadable_project_file_exits_2(project_folder, monkeypatch, capsys, name):
    """Permissions do not stop root: the refusal to open the file is simulated."""
    from fazhi_analysis import userfiles

    (project_folder / name).write_text("targets: []\n" if name == "targets.yaml" else "", encoding="utf-8")
    real = userfiles.os.open

    def denied(path: object, *args: object) -> int:
        if Path(path).name == name:
            raise PermissionError(13, "Permission denied")
        return real(path, *args)

    monkeypatch.setattr(userfiles.os, "open", denied)
    if name == "targets.yaml":  # read by the report's kernel
        _refused(analysis.targets, name, "Permission denied")
        return
    assert main(["catalog"]) == 2
    error = capsys.readouterr().err
    assert len(error.splitlines()) == 1 and name in error and "Permission denied" in error, error


def test_an_edited_project_catalog_is_read_again(project_folder):
    (project_folder / "catalog.yaml").write_text(f"indicators:\n  - {{id: {CASES}, aliases: [甲]}}\n", encoding="utf-8")
    assert "甲" in catalog.indicators().at[CASES, "aliases"]
    (project_folder / "catalog.yaml").write_text(f"indicators:\n  - {{id: {CASES}, kind: weird}}\n", encoding="utf-8")
    _refused(catalog.indicators, "kind")


# --- any document: a result or InputError -----------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.dates(),
)
_KEYS = st.sampled_from(["region", "year", "county", "city", "department", "numbering", "parts", "not_plain",
                         "max_heading_chars", "never_in_heading", "id", "title", "patterns", "chinese", "sections",
                         "groups", "headline", "indicators", "relations", "derived", "section", "name", "unit",
                         "kind", "aliases", "context", "core", "scale", "targets", "indicator", "comparison",
                         "value", "source"])  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS | st.text(max_size=6), inner, max_size=5),
    max_leaves=25,
)
_SNIPPETS = st.sampled_from([LAUGHS, "a: &x 1\nb: *x\n", "[" * 200, "!!python/name:os.system", "year: 1e999\n",
                             "? [a, b]\n: c\n", "--- 1\n--- 2\n", "\t\x00\x85", "year: 2024-13-45\n",
                             f"indicators:\n  - {{id: {CASES}, aliases: [甲]}}\n",
                             f"targets:\n  - {{indicator: {CASES}, comparison: '>=', value: 1, source: 甲}}\n",
                             ])  # fmt: skip
DOCUMENTS = st.one_of(
    _VALUES.map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
    st.text(max_size=300),
    _SNIPPETS,
)
PROPERTY = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _loaders(folder: Path):
    """Each loader of a user's YAML file, as (file it reads, call, check of a result); ``folder`` is the project."""
    report = folder / "r.txt"
    report.write_text("x", encoding="utf-8")
    return [
        (folder / "r.txt.meta.yaml", lambda: discover.sidecar(report), _is_sidecar),
        (folder / "deadlines.yaml", lambda: deadline.load_deadlines(project.Project(folder)), _is_deadlines),
        (folder / "parts.yaml", lambda: parts.load_rules(folder / "parts.yaml"), _is_rules),
        (folder / "catalog.yaml", catalog.indicators, _is_catalog),
        (folder / "targets.yaml", lambda: analysis.targets(folder / "targets.yaml"), _is_targets),
        (folder / "overrides.csv", lambda: review.read_overrides(folder / "overrides.csv"), _is_overrides),
    ]


def _is_catalog(found: pd.DataFrame) -> bool:
    return found.index.is_unique and set(found["kind"]) <= {"count", "amount", "rate"} and found["name"].map(bool).all()


def _is_targets(found: pd.DataFrame) -> bool:
    return list(found.columns) == analysis.TARGET_COLUMNS and found["value"].notna().all()


def _is_sidecar(found: dict) -> bool:
    return set(found) <= {"region", "year"} and all(
        isinstance(v, str) if k == "region" else type(v) is int for k, v in found.items()
    )


def _is_deadlines(found: dict) -> bool:
    return set(found) == set(deadline.LEVELS) and all(isinstance(v, str) and len(v) == 5 for v in found.values())


def _is_rules(found: parts.Rules) -> bool:
    return isinstance(found, parts.Rules) and found.max_chars > 0


def _is_overrides(found: pd.DataFrame) -> bool:
    ids = found["indicator"].dropna()
    return (
        list(found.columns) == ["row", "source", "indicator", "raw", "sentence"]
        and found["source"].is_unique
        and found["source"].str.strip().astype(bool).all()
        and ids.isin(catalog.indicators().index).all()
    )


@pytest.mark.slow
@PROPERTY
@given(document=DOCUMENTS)
def test_any_yaml_document_gives_a_result_or_one_input_error(tmp_path, monkeypatch, document):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # a project of its own: no loader's cache sees another's file
    monkeypatch.setenv(project.ROOT_ENV, str(folder))
    for path, load, valid in _loaders(folder):
        path.write_text(document, encoding="utf-8", errors="surrogatepass")
        try:
            found = load()
        except InputError as exc:
            assert "\n" not in str(exc) and path.name in str(exc)
        else:
            assert valid(found), found
        path.unlink()  # each file alone (targets are read against the project's catalog)


_CELLS = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=8),
    st.integers(),
    st.floats(),
    st.sampled_from(["-", "无", " ", "study.law_lectures", "disputes.no_such_id", "甲.txt:1:1", "'=1+1", "3件"]),
)
SHEETS = st.lists(st.lists(_CELLS, max_size=4), max_size=6)


@pytest.mark.slow
@PROPERTY
@given(header=st.permutations([review.KEY, review.ID, review.RAW]), rows=SHEETS)
def test_any_overrides_sheet_gives_its_rows_or_one_input_error(tmp_path, header, rows):
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "overrides.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([header, *rows])
    try:
        found = review.read_overrides(path)
    except InputError as exc:
        assert "\n" not in str(exc) and path.name in str(exc)
    else:
        assert _is_overrides(found), found

"""Bad input beyond the corpus: what a gemeente may find in its inbox, refused in Dutch or read in
bounded memory, never a traceback and never a silently stored oddity.

Large inputs are made here, in the test's tmp folder: a 2 GB file is sparse (the size is real,
the disk blocks are not), a national-like BAG is written in repeated blocks. Memory is measured
in a child process (peak RSS after the imports), so earlier tests do not hide a peak.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from data_contracts import scan_inbox, validate_file

TODAY = date(2026, 11, 15)
ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "contract_corpus"
GOOD_BAG = CORPUS / "goed" / "bag_utf8_bom" / "bag_verblijfsobject_2026-10.csv"
GOOD_BRP = CORPUS / "goed" / "brp_komma" / "brp_adrestellingen_2026-10.csv"
GOOD_KVK = CORPUS / "goed" / "kvk_postcode_spatie_ddmmjjjj" / "kvk_vestigingen_2026-10.csv"
MB = 1 << 20


def text(result) -> str:
    return "\n".join(result.meldingen())


def in_child(code: str) -> dict:
    """Run `code` in a fresh interpreter after the heavy imports; returns its JSON output plus
    `peak_mb`: the peak RSS reached by `code` above the RSS after the imports (Linux: the peak is
    reset through /proc/self/clear_refs once the imports are done)."""
    prelude = textwrap.dedent("""
        import json, resource, sys
        from datetime import date
        from pathlib import Path
        import pandas, pyarrow, pyarrow.csv, pyarrow.parquet
        from data_contracts import validate_file
        from data_contracts.suite import _context
        _context()  # great-expectations loaded before the measurement: it is not the file's memory
        def status_mb(key):
            with open("/proc/self/status") as fh:
                return next(int(line.split()[1]) for line in fh if line.startswith(key + ":")) / 1024
        import gc; gc.collect()
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset the peak (VmHWM): the imports' own peak is not the file's
        before = status_mb("VmRSS")
        out = {}
    """)
    epilogue = textwrap.dedent("""
        out["peak_mb"] = status_mb("VmHWM") - before
        print(json.dumps(out))
    """)
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code) + epilogue],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- size


def test_a_2_gb_csv_is_refused_unread_with_the_limit_in_the_message(tmp_path):
    path = tmp_path / "inbox" / "brp" / "brp_adrestellingen_2026-10.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(GOOD_BRP.read_bytes())
    with open(path, "r+b") as fh:
        fh.truncate(2 * 1024 * MB)  # sparse: 2 GB long, a few kB on disk
    out = in_child(f"""
        r = validate_file(Path({str(path)!r}), today=date(2026, 11, 15))
        out["geweigerd"] = r.geweigerd
        out["meldingen"] = r.meldingen()
    """)
    message = "\n".join(out["meldingen"])
    assert out["geweigerd"]
    assert "het bestand is 2 GB; het maximum voor BRP-aantallen per adres (maandelijks) is 1 GB" in message
    assert "max_bestandsgrootte_mb" in message
    assert out["peak_mb"] < 100, f"reading a refused 2 GB file took {out['peak_mb']:.0f} MB"


def test_the_size_limit_is_per_source_and_can_be_set(tmp_path):
    path = tmp_path / "signalen_2026-10.csv"
    path.write_bytes((CORPUS / "goed" / "signalen" / "signalen_2026-10.csv").read_bytes())
    assert not validate_file(path, today=TODAY).geweigerd
    small = validate_file(path, today=TODAY, max_mb=0.0001)
    assert small.geweigerd and "regel 'bestand niet groter dan 1 kB'" in text(small)
    from data_contracts import load_contract

    assert load_contract("signalen").max_mb < load_contract("brp_adrestellingen").max_mb < load_contract("bag_verblijfsobject").max_mb


# --------------------------------------------------------------------------- long values


def test_a_street_name_of_10_mb_is_refused_and_not_repeated(tmp_path):
    lines = GOOD_KVK.read_text(encoding="utf-8").splitlines()
    fields = lines[2].split(";")
    fields[4] = "Lange" * (2 * MB)  # 10 MB street name on data row 2
    lines[2] = ";".join(fields)
    path = tmp_path / "kvk_vestigingen_2026-10.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = validate_file(path, today=TODAY)
    assert result.geweigerd and result.frame is None
    finding = result.bevindingen[0]
    assert (finding.kolom, finding.regel, finding.rijen) == ("straatnaam", "hoogstens 80 tekens", [2])
    assert len(finding.voorbeeld) <= 100
    assert all(len(line) < 1500 for line in result.meldingen())


def test_every_text_and_id_column_has_a_length_limit():
    from data_contracts.contract import SOURCES, Column, _check_bounded, load_contract

    for source in SOURCES:
        for col in load_contract(source).columns.values():
            _check_bounded(source, col)  # raises for an unbounded column
    with pytest.raises(ValueError, match="max_lengte"):
        _check_bounded("test", Column(name="opmerking", type="text"))
    with pytest.raises(ValueError, match="max_lengte"):
        _check_bounded("test", Column(name="codes", type="text", pattern="^[0-9]+$"))
    assert load_contract("bag_verblijfsobject").columns["openbare_ruimte_naam"].max_lengte == 80


# --------------------------------------------------------------------------- NUL bytes


def test_a_nul_byte_far_into_a_csv_is_refused_with_its_line(tmp_path):
    rows = pd.read_csv(GOOD_BRP, sep=",", dtype=str, keep_default_na=False)
    many = pd.concat([rows] * 120, ignore_index=True)  # ~100 kB: the NUL lies beyond the first 64 kB
    many["nummeraanduiding_id"] = [f"0638200000{i:06d}" for i in range(len(many))]
    body = many.to_csv(sep=";", index=False, lineterminator="\n")
    lines = body.split("\n")
    lines[1800] = lines[1800].replace("2026-10-31", "2026-10\x0031")
    path = tmp_path / "brp_adrestellingen_2026-10.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert path.read_bytes().find(b"\x00") > 65536
    result = validate_file(path, today=TODAY)
    assert result.geweigerd
    assert "NUL-teken (byte 0x00) op regel 1801" in text(result)


# --------------------------------------------------------------------------- names, archives, links


@pytest.mark.parametrize("name, fragment", [
    ("brp_adrestellingen_2026-10..csv", "bevat '..'"),
    ("..\\..\\brp_adrestellingen_2026-10.csv", "mapscheidingsteken"),
    ("brp\\brp_adrestellingen_2026-10.csv", "mapscheidingsteken"),
    ("brp_adrestellingen_2026-10\n.csv", "stuurteken"),
])
def test_names_with_path_parts_are_refused(tmp_path, name, fragment):
    from data_contracts import OngeldigInboxbestand, parse_inbox_path

    folder = tmp_path / "inbox" / "brp"
    folder.mkdir(parents=True)
    path = folder / name
    path.write_bytes(GOOD_BRP.read_bytes())
    result = validate_file(path, today=TODAY)
    assert result.geweigerd and fragment in text(result)
    assert "\n" not in result.meldingen()[0]
    with pytest.raises(OngeldigInboxbestand, match=fragment):
        parse_inbox_path(path)
    listed = {f.path.name: f for f in scan_inbox(tmp_path / "inbox")}[name]
    assert not listed.usable and fragment in listed.error


def test_a_zip_in_the_inbox_is_listed_as_refused_and_never_unpacked(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "bag").mkdir(parents=True)
    archive = inbox / "bag" / "lvbag-extract-nl.zip"
    archive.write_bytes((CORPUS / "fout" / "zip_archief" / "brp_adrestellingen_2026-10.zip").read_bytes())
    listed = scan_inbox(inbox)
    assert [f.path.name for f in listed] == ["lvbag-extract-nl.zip"]
    assert not listed[0].usable and "zip-archief" in listed[0].error and "uitpakken" not in listed[0].error
    assert "Pak het archief zelf uit" in listed[0].error
    assert sorted(p.name for p in inbox.rglob("*")) == ["bag", "lvbag-extract-nl.zip"]


def test_a_link_out_of_the_inbox_is_listed_as_refused(tmp_path):
    from data_contracts import OngeldigInboxbestand, check_inbox_link

    outside = tmp_path / "elders"
    outside.mkdir()
    secret = outside / "geheim.csv"
    secret.write_text("naam;bsn\n", encoding="utf-8")
    inbox = tmp_path / "inbox"
    (inbox / "brp").mkdir(parents=True)
    link = inbox / "brp" / "brp_adrestellingen_2026-10.csv"
    link.symlink_to(secret)
    (inbox / "brp" / "brp_adrestellingen_2026-09.csv").symlink_to(outside / "bestaat_niet.csv")
    inside = inbox / "brp" / "brp_adrestellingen_2026-08.csv"
    inside.write_bytes(GOOD_BRP.read_bytes())
    (inbox / "brp" / "brp_adrestellingen_2026-07.csv").symlink_to(inside)  # a link within the inbox is fine
    (inbox / "extern").symlink_to(outside, target_is_directory=True)

    listed = {f.path.name: f for f in scan_inbox(inbox)}
    assert not listed["brp_adrestellingen_2026-10.csv"].usable
    assert "snelkoppeling (symbolische link) naar een bestand of map buiten de inbox" in listed["brp_adrestellingen_2026-10.csv"].error
    assert "naar een bestand dat niet bestaat" in listed["brp_adrestellingen_2026-09.csv"].error
    assert "buiten de inbox" in listed["extern"].error
    assert listed["brp_adrestellingen_2026-07.csv"].usable and listed["brp_adrestellingen_2026-08.csv"].usable
    assert "geheim" not in " ".join(f.error or "" for f in listed.values())
    with pytest.raises(OngeldigInboxbestand):
        check_inbox_link(link, inbox)


def test_valideer_on_a_link_out_of_the_inbox_answers_in_dutch(tmp_path):
    from click.testing import CliRunner

    from pipelines.cli import main

    secret = tmp_path / "geheim.txt"
    secret.write_text("x\n", encoding="utf-8")
    link = tmp_path / "data" / "inbox" / "brp" / "brp_adrestellingen_2026-10.csv"
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    out = CliRunner().invoke(main, ["valideer", str(link), "--data-dir", str(tmp_path / "data")])
    assert out.exit_code == 1 and out.exception is None or isinstance(out.exception, SystemExit)
    assert "Traceback" not in out.output and "GEWEIGERD" in out.output


# --------------------------------------------------------------------------- GeoPackage


def _bag_gdf():
    import geopandas as gpd

    raw = pd.read_csv(GOOD_BAG, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return gpd.GeoDataFrame(
        raw.drop(columns=["x", "y"]).astype({"huisnummer": "int64", "oppervlakte": "int64", "bouwjaar": "int64"}),
        geometry=gpd.points_from_xy(raw["x"].astype(float), raw["y"].astype(float)), crs=28992,
    )


def test_a_geopackage_without_a_verblijfsobject_layer_is_refused(tmp_path):
    import geopandas as gpd

    pand = gpd.GeoDataFrame({"identificatie": ["0638100000200001"], "bouwjaar": [1930]},
                            geometry=gpd.points_from_xy([97310.0], [461020.0]), crs=28992)
    only_pand = tmp_path / "pand" / "bag_verblijfsobject_2026-10.gpkg"
    only_pand.parent.mkdir()
    pand.to_file(only_pand, layer="pand", driver="GPKG")
    result = validate_file(only_pand, today=TODAY)
    assert result.geweigerd
    assert "de GeoPackage heeft geen laag 'verblijfsobject' (lagen: pand)" in text(result)

    two = tmp_path / "twee" / "bag_verblijfsobject_2026-10.gpkg"
    two.parent.mkdir()
    pand.to_file(two, layer="pand", driver="GPKG")
    pand.to_file(two, layer="ligplaats", driver="GPKG")
    assert "(lagen: pand, ligplaats)" in text(validate_file(two, today=TODAY))

    renamed = tmp_path / "eigen" / "bag_verblijfsobject_2026-10.gpkg"
    renamed.parent.mkdir()
    _bag_gdf().to_file(renamed, layer="vbo_zoeterwoude", driver="GPKG")  # one layer with the contract's columns
    accepted = validate_file(renamed, today=TODAY)
    assert not accepted.geweigerd and any("Laag 'vbo_zoeterwoude'" in w for w in accepted.waarschuwingen)

    broken = tmp_path / "kapot" / "bag_verblijfsobject_2026-10.gpkg"
    broken.parent.mkdir()
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    assert "het bestand kan niet gelezen worden (DataSourceError)" in text(validate_file(broken, today=TODAY))


# --------------------------------------------------------------------------- errors that are not the file's


def test_an_error_that_is_not_the_files_surfaces_instead_of_a_refusal(tmp_path, monkeypatch):
    """No memory, no access, a bug: not 'the file cannot be read', which would send the analyst to
    ask for a new export. Only the reader's own complaints about the content are refusals."""
    import geopandas as gpd
    import pyarrow.parquet as pq

    path = tmp_path / "bag_verblijfsobject_2026-10.parquet"
    pd.read_csv(GOOD_BAG, sep=";", dtype=str, encoding="utf-8-sig").to_parquet(path, index=False)
    bad = tmp_path / "kapot" / "bag_verblijfsobject_2026-10.parquet"
    bad.parent.mkdir()
    bad.write_bytes(b"PAR1 dit is geen parquet PAR1")
    assert "leesbaar Parquet-bestand" in text(validate_file(bad, today=TODAY))

    def no_memory(*args, **kwargs):
        raise MemoryError("test")

    monkeypatch.setattr(pq, "read_table", no_memory)
    with pytest.raises(MemoryError):
        validate_file(path, today=TODAY)

    gpkg = tmp_path / "bag_verblijfsobject_2026-10.gpkg"
    _bag_gdf().to_file(gpkg, layer="verblijfsobject", driver="GPKG")

    def no_access(*args, **kwargs):
        raise PermissionError("test")

    monkeypatch.setattr(gpd, "read_file", no_access)
    with pytest.raises(PermissionError):
        validate_file(gpkg, today=TODAY)


def test_a_parquet_column_of_an_odd_type_is_refused(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    raw = pd.read_csv(GOOD_BAG, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table = pa.Table.from_pandas(raw, preserve_index=False)
    table = table.set_column(table.schema.get_field_index("status"), "status",
                             pa.array([[s] for s in raw["status"]], type=pa.list_(pa.string())))
    path = tmp_path / "bag_verblijfsobject_2026-10.parquet"
    pq.write_table(table, path)
    result = validate_file(path, today=TODAY)
    assert result.geweigerd and "kolom 'status'" in text(result) and "list<" in text(result)


# --------------------------------------------------------------------------- the national BAG in a gemeente's inbox


def write_national_bag(path: Path, target_mb: int, *, bad_far_row: bool = False) -> dict:
    """A BAG CSV of about `target_mb` MB: Zoeterwoude's 20 objects at the top and the bottom, in
    between repeated blocks of another gemeente's objects. Returns the expected row numbers."""
    lines = GOOD_BAG.read_text(encoding="utf-8-sig").splitlines()
    header, ours = lines[0], lines[1:]
    other = [line.replace(";0638;", ";0599;").replace("063801", "059901").replace("063820", "059920") for line in ours]
    block = ("\n".join(other * 500) + "\n").encode("utf-8")
    n_blocks = max(1, target_mb * MB // len(block))
    first, last = ours[:10], ours[10:]
    if bad_far_row:
        last = list(last)
        last[0] = last[0].replace("Hoge Rijndijk", "Hoge Rijndijk" * 8)
    with open(path, "wb") as fh:
        fh.write(("\ufeff" + header + "\n" + "\n".join(first) + "\n").encode("utf-8"))
        for _ in range(n_blocks):
            fh.write(block)
        fh.write(("\n".join(last) + "\n").encode("utf-8"))
    n_other = n_blocks * len(other) * 500
    return {"n_other": n_other, "first_last_row": 10 + n_other + 1, "rows": 10 + n_other + len(last)}


def test_the_national_bag_in_a_gemeente_inbox_is_read_for_that_gemeente_only_in_bounded_memory(tmp_path):
    path = tmp_path / "bag_verblijfsobject_2026-10.csv"
    expected = write_national_bag(path, 250)
    size_mb = path.stat().st_size / MB
    out = in_child(f"""
        r = validate_file(Path({str(path)!r}), today=date(2026, 11, 15), selectief_vanaf_mb=16)
        out["geweigerd"] = r.geweigerd
        out["meldingen"] = r.meldingen()
        out["rijen"] = len(r.frame)
        out["gemeenten"] = sorted(set(r.frame["bronhouder_identificatie"]))
        out["rij"] = [int(x) for x in r.frame["rij"]]
        out["andere"] = r.kengetallen["andere_gemeente"]
    """)
    assert not out["geweigerd"], out["meldingen"]
    assert out["rijen"] == 20 and out["gemeenten"] == ["0638"]
    assert out["rij"][:10] == list(range(1, 11)) and out["rij"][10] == expected["first_last_row"]
    assert out["andere"] == expected["n_other"]
    assert any(f"alleen de 20 rijen van gemeente 0638 zijn gelezen en gecontroleerd; {expected['n_other']} rijen van "
               "andere gemeenten zijn overgeslagen" in m for m in out["meldingen"])
    assert out["peak_mb"] < 0.6 * size_mb, f"{out['peak_mb']:.0f} MB for a {size_mb:.0f} MB file"


def test_a_bad_value_far_down_a_selectively_read_bag_names_its_row_in_the_file(tmp_path):
    path = tmp_path / "bag_verblijfsobject_2026-10.csv"
    expected = write_national_bag(path, 3, bad_far_row=True)
    result = validate_file(path, today=TODAY, selectief_vanaf_mb=1)
    assert result.geweigerd
    assert (f"kolom 'openbare_ruimte_naam', regel 'hoogstens 80 tekens': 1 rij (rij {expected['first_last_row']})"
            in text(result))


def test_a_large_bag_without_the_gemeente_is_refused_with_the_codes_found(tmp_path):
    path = tmp_path / "bag_verblijfsobject_2026-10.csv"
    write_national_bag(path, 2)
    result = validate_file(path, today=TODAY, gemeente="0363", selectief_vanaf_mb=1)
    assert result.geweigerd
    assert "geen enkele rij heeft bronhouder_identificatie 0363 (wel: 0599, 0638)" in text(result)


def test_a_large_bag_for_all_gemeenten_stays_under_the_maximum(tmp_path):
    path = tmp_path / "bag_verblijfsobject_2026-10.csv"
    write_national_bag(path, 2)
    result = validate_file(path, today=TODAY, gemeente="*", selectief_vanaf_mb=1, max_mb=1)
    assert result.geweigerd and "het maximum voor BAG-verblijfsobjecten" in text(result)


def test_a_large_bag_as_parquet_or_geopackage_is_read_for_the_gemeente_only(tmp_path):
    frame = pd.read_csv(GOOD_BAG, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    other = frame.assign(bronhouder_identificatie="0599",
                         identificatie=frame["identificatie"].str.replace("0638", "0599", n=1),
                         nummeraanduiding_hoofdadres_identificatie=frame["nummeraanduiding_hoofdadres_identificatie"].str.replace("0638", "0599", n=1))
    national = pd.concat([frame.iloc[:5], other, frame.iloc[5:], other], ignore_index=True)
    parquet = tmp_path / "bag_verblijfsobject_2026-10.parquet"
    typed = national.mask(national == "").astype({"huisnummer": "Int64", "oppervlakte": "Int64", "bouwjaar": "Int64",
                                                  "x": "float64", "y": "float64", "bronhouder_identificatie": "int64"})
    typed.to_parquet(parquet, index=False, row_group_size=7)
    result = validate_file(parquet, today=TODAY, selectief_vanaf_mb=0)
    assert not result.geweigerd, result.meldingen()
    assert len(result.frame) == 20 and set(result.frame["bronhouder_identificatie"]) == {"0638"}
    assert result.frame["rij"].tolist() == list(range(1, 6)) + list(range(26, 41))
    assert result.kengetallen["andere_gemeente"] == 40

    import geopandas as gpd

    gdf = gpd.GeoDataFrame(
        national.drop(columns=["x", "y"]).astype({"huisnummer": "int64", "oppervlakte": "int64", "bouwjaar": "int64"}),
        geometry=gpd.points_from_xy(national["x"].astype(float), national["y"].astype(float)), crs=28992,
    )
    gpkg = tmp_path / "bag_verblijfsobject_2026-10.gpkg"
    gdf.to_file(gpkg, layer="verblijfsobject", driver="GPKG")
    result = validate_file(gpkg, today=TODAY, selectief_vanaf_mb=0)
    assert not result.geweigerd, result.meldingen()
    assert len(result.frame) == 20 and result.kengetallen["andere_gemeente"] == 40
    assert any("40 rijen van andere gemeenten zijn overgeslagen" in w for w in result.waarschuwingen)


# --------------------------------------------------------------------------- two files for one month


def test_two_files_for_one_month_say_which_one_is_used(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "brp").mkdir(parents=True)
    old = inbox / "brp" / "brp_adrestellingen_2026-10.csv"
    new = inbox / "brp" / "brp_adrestellingen_2026-10_correctie.csv"
    old.write_bytes(GOOD_BRP.read_bytes())
    new.write_bytes(GOOD_BRP.read_bytes().replace(b",3,", b",2,", 1))
    os.utime(old, (1_790_000_000, 1_790_000_000))
    os.utime(new, (1_790_000_500, 1_790_000_500))

    used = validate_file(new, today=TODAY)
    assert not used.geweigerd
    warning = next(w for w in used.waarschuwingen if "bestanden met verschillende inhoud" in w)
    assert "Gebruikt wordt brp_adrestellingen_2026-10_correctie.csv" in warning
    assert "niet gebruikt: brp_adrestellingen_2026-10.csv" in warning
    assert not warning.startswith("Dit bestand wordt")
    left = validate_file(old, today=TODAY)
    assert any(w.startswith("Dit bestand wordt in de maandverwerking niet gebruikt") for w in left.waarschuwingen)

    new.write_bytes(old.read_bytes())
    os.utime(new, (1_790_000_500, 1_790_000_500))
    same = validate_file(new, today=TODAY)
    assert any("staat hetzelfde bestand 2 keer in de inbox" in w for w in same.waarschuwingen)
    single = tmp_path / "los" / "brp_adrestellingen_2026-10.csv"
    single.parent.mkdir()
    single.write_bytes(GOOD_BRP.read_bytes())
    assert not any("inbox" in w for w in validate_file(single, today=TODAY).waarschuwingen)

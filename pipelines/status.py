"""`risicoradar status`: per month the inbox sources, the warehouse contents and the last run."""
from __future__ import annotations

from assets.contents import warehouse_months
from assets.settings import InstellingenFout, Settings

KORT = {
    "bag_verblijfsobject": "BAG",
    "brp_adrestellingen": "BRP",
    "rni_inschrijvingen": "RNI",
    "kvk_vestigingen": "KvK",
    "woz_gebruik": "WOZ",
    "signalen": "sig",
    "controles": "con",
}


def _last_runs() -> dict[str, tuple[str, str]]:
    from dagster import DagsterInstance, RunsFilter

    instance = DagsterInstance.get()
    result: dict[str, tuple[str, str]] = {}
    for run in instance.get_runs(filters=RunsFilter(job_name="maandelijkse_verversing"), limit=500):
        maand = run.tags.get("dagster/partition")
        if maand and maand not in result:  # newest first
            record = instance.get_run_record_by_id(run.run_id)
            when = record.create_timestamp.strftime("%Y-%m-%d %H:%M") if record else ""
            result[maand] = (run.status.value, when)
    return result


def settings_problem(settings: Settings) -> str | None:
    """The Dutch message when the folder's instellingen.yaml is refused, else None."""
    try:
        settings.config
    except InstellingenFout as exc:
        return str(exc)
    return None


STATUS_NL = {"SUCCESS": "geslaagd", "FAILURE": "mislukt", "STARTED": "loopt", "QUEUED": "in wachtrij", "CANCELED": "afgebroken"}


def month_status(settings: Settings) -> list[str]:
    from data_contracts import scan_inbox
    from data_contracts.reading import same_month_note

    files = scan_inbox(settings.inbox) if settings.inbox.exists() else []
    inbox: dict[str, set[str]] = {}
    for f in files:
        if f.maand and f.error is None:
            inbox.setdefault(f.maand, set()).add(f.source)
    warehouse = warehouse_months(settings.warehouse)
    runs = _last_runs()
    months = sorted(set(inbox) | set(warehouse) | set(runs))
    lines = [f"Datamap: {settings.data}", ""]
    problem = settings_problem(settings)
    if problem:  # every run of this folder stops on it, so say it first
        lines[1:1] = [f"Let op, instellingen geweigerd: {problem}"]
    if not months:
        return lines + ["Nog niets: zet bestanden in de inbox en draai `risicoradar run`."]
    header = f"{'maand':8} {'bronnen in inbox':34} {'warehouse':26} laatste run"
    lines += [header, "-" * len(header)]
    for m in months:
        bronnen = " ".join(KORT[s] if s in inbox.get(m, set()) else "-" * len(KORT[s]) for s in KORT)
        w = warehouse.get(m)
        wh = f"{w['objecten']} obj, lijst {w['lijst']}, q {w['quarantaine']}" if w and "objecten" in w else "niet verwerkt"
        status, when = runs.get(m, ("", ""))
        lines.append(f"{m:8} {bronnen:34} {wh:26} {STATUS_NL.get(status, status or '-')} {when}".rstrip())
    notes = sorted({note for f in files if f.error is None and f.source and f.maand
                    and (note := same_month_note(files, f.source, f.maand))})
    unusable = [f for f in files if f.error is not None]
    recognised = recognised_deliveries(settings, files)
    if recognised:
        lines += ["", "Herkende leveringen (geen canoniek bestand van het contract):"] + recognised
    if notes or unusable:
        lines += ["", "Let op in de inbox:"]
        lines += [f"- {note}" for note in notes]
        lines += [f"- niet gebruikt: {f.path.relative_to(settings.inbox)}: {f.error}" for f in unusable]
    return lines


def recognised_deliveries(settings: Settings, files: list) -> list[str]:
    """One line per inbox file in a register's own format (and the month it is filed under, and why),
    and per month in the warehouse a source loaded from such a format (audit.bronnen_maand.formaat)."""
    from data_contracts.formats import recognise

    lines = []
    for f in files:
        if f.error is not None or not f.source:
            continue
        label = f.formaat
        if label is None and (fmt := recognise(f.path, f.source)) is not None:
            label = fmt.label
        if label:
            waarom = f"; maand {f.maand}: {f.maand_reden}" if f.maand_reden else ""
            lines.append(f"- {f.path.relative_to(settings.inbox)}: herkend als {label}{waarom}")
    for maand, bron, formaat in _loaded_formats(settings):
        lines.append(f"- {maand} {KORT.get(bron, bron)} verwerkt als {formaat}")
    return lines


def _loaded_formats(settings: Settings) -> list[tuple[str, str, str]]:
    import duckdb

    if not settings.warehouse.exists():
        return []
    try:
        con = duckdb.connect(str(settings.warehouse), read_only=True)
    except duckdb.Error:
        return []
    try:
        return con.execute("SELECT maand, bron, formaat FROM audit.bronnen_maand WHERE formaat IS NOT NULL "
                           "ORDER BY maand, bron").fetchall()
    except duckdb.Error:  # a warehouse of before the column, or without the table
        return []
    finally:
        con.close()

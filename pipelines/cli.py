"""`risicoradar`: the command line for analysts (texts in Dutch).

    risicoradar demo                 demo-inbox maken en alle maanden verwerken
    risicoradar run [--maand M]      een maand (of alle maanden in de inbox) verwerken
    risicoradar valideer BESTAND     één bestand tegen zijn contract controleren
    risicoradar status               per maand: bronnen, verwerking, laatste run
    risicoradar export --maand M     exportpakket voor het RIEC
    risicoradar opschonen            adresgegevens na de bewaartermijn verwijderen
    risicoradar ui                   Dagster-webinterface op localhost

The data folder is `--data-dir`, else RISICORADAR_DATA, else ./data.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
from pathlib import Path

import click

from pipelines.settings import DATA_ENV, PROJECT_DIR, Settings

MAAND = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _use_data_dir(data_dir: str | None) -> Settings:
    """Point the whole process (Dagster code location included) at one data folder."""
    if data_dir:
        os.environ[DATA_ENV] = str(Path(data_dir).resolve())
    settings = Settings.from_env()
    settings.data.mkdir(parents=True, exist_ok=True, mode=0o700)
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    source = PROJECT_DIR / "dagster.yaml"
    if source.exists() and not (home / "dagster.yaml").exists():
        shutil.copyfile(source, home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return settings


def last_completed_month(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.strftime("%Y-%m")


def _check_month(maand: str) -> None:
    if not MAAND.match(maand):
        raise click.BadParameter(f"'{maand}' is geen maand; gebruik JJJJ-MM, bijvoorbeeld 2026-10.")
    if maand > last_completed_month():
        raise click.BadParameter(
            f"{maand} is nog niet afgesloten; de laatste maand die verwerkt kan worden is {last_completed_month()}."
        )


def month_range(first: str, last: str) -> list[str]:
    """Every month from first to last inclusive, oldest first."""
    start, end = int(first[:4]) * 12 + int(first[5:]) - 1, int(last[:4]) * 12 + int(last[5:]) - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(start, end + 1)]


def inbox_months(settings: Settings) -> list[str]:
    from assets.ingest import MONTHLY_SOURCES
    from data_contracts import scan_inbox

    return sorted({f.maand for f in scan_inbox(settings.inbox) if f.usable and f.source in MONTHLY_SOURCES and f.maand})


def _failure_messages(result) -> list[str]:
    messages = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.step_failure_data.user_failure_data
            if error is not None and error.description:
                messages.append(error.description)
            else:
                messages.append(event.step_failure_data.error.message.strip())
    return messages


RUN_PID_TAG = "risicoradar/pid"
RUN_HOST_TAG = "risicoradar/host"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True
    return b"pipelines" in cmdline or b"risicoradar" in cmdline


def release_abandoned_runs(instance, echo=click.echo) -> int:
    """Mark runs of this machine whose process is gone (killed, power cut) as failed and free
    their slot in the duckdb_writer pool; otherwise the next run would wait for it forever.
    The warehouse itself needs no repair: a killed month was never committed."""
    import socket

    from dagster import DagsterRunStatus, RunsFilter

    released = 0
    open_statuses = [DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]
    for run in instance.get_runs(filters=RunsFilter(statuses=open_statuses, tags={RUN_HOST_TAG: socket.gethostname()})):
        pid = int(run.tags.get(RUN_PID_TAG, "0") or 0)
        if pid and not _alive(pid):
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            instance.report_run_failed(run, message="Run afgebroken: het proces bestaat niet meer. Het warehouse is voor die maand ongewijzigd gebleven.")
            maand = run.tags.get("dagster/partition", "")
            echo(f"Afgebroken run {run.run_id[:8]} {maand} opgeruimd (proces {pid} bestaat niet meer).", err=True)
            released += 1
    return released


def reference_current(instance, settings: Settings) -> bool:
    """True when every reference asset was last materialized from the same files and code
    (its `vingerafdruk`) and the warehouse still holds the reference tables: then the reference
    job is skipped (it validates the SHOP files with great-expectations: seconds per run)."""
    import duckdb
    from dagster import AssetKey

    from assets.ingest import reference_fingerprint
    from pipelines.jobs import REFERENTIE

    fingerprint = reference_fingerprint(settings)
    for key in REFERENTIE:
        event = instance.get_latest_materialization_event(AssetKey(key))
        stored = event.asset_materialization.metadata.get("vingerafdruk") if event and event.asset_materialization else None
        if stored is None or stored.value != fingerprint:
            return False
    if not settings.warehouse.exists() or not (settings.output / "algoritmeregister.md").exists():
        return False
    try:
        con = duckdb.connect(str(settings.warehouse), read_only=True)
    except duckdb.Error:
        return False  # e.g. another run holds the writer: let the job wait for it
    try:
        return bool(con.execute(
            "SELECT (SELECT count(*) FROM staging.cbs_buurten) > 0 AND (SELECT count(*) FROM staging.slachtoffers) > 0"
        ).fetchall()[0][0])
    except duckdb.Error:
        return False
    finally:
        con.close()


def run_months(settings: Settings, months: list[str], echo=click.echo, gemeente: str | None = None) -> bool:
    """Load the reference data, then process each month in order. True when all succeeded."""
    from dagster import DagsterInstance

    from pipelines.definitions import defs

    import socket

    instance = DagsterInstance.get()
    release_abandoned_runs(instance, echo)
    tags = {RUN_PID_TAG: str(os.getpid()), RUN_HOST_TAG: socket.gethostname()}
    ok = True
    quiet = {"loggers": {"console": {"config": {"log_level": os.environ.get("RISICORADAR_LOG", "WARNING")}}}}
    if not reference_current(instance, settings):
        ref = defs.resolve_job_def("referentiegegevens").execute_in_process(
            instance=instance, raise_on_error=False, run_config=quiet, tags=tags
        )
        if not ref.success:
            ok = False
            for message in _failure_messages(ref):
                echo(f"Referentiegegevens niet geladen:\n{message}", err=True)
    job = defs.resolve_job_def("maandelijkse_verversing")
    if gemeente:
        from dagster import MultiPartitionKey

        job = defs.resolve_job_def("verversing_per_gemeente")
        instance.add_dynamic_partitions("gemeente", [gemeente])
    for maand in months:
        key = MultiPartitionKey({"maand": maand, "gemeente": gemeente}) if gemeente else maand
        result = job.execute_in_process(
            partition_key=key, instance=instance, raise_on_error=False, run_config=quiet, tags=tags
        )
        if result.success:
            echo(f"{maand}: verwerkt.")
        else:
            ok = False
            echo(f"{maand}: NIET verwerkt; het warehouse is voor deze maand ongewijzigd.", err=True)
            for message in _failure_messages(result):
                echo(message, err=True)
    return ok


def _print_outputs(settings: Settings, months: list[str]) -> None:
    click.echo(f"\nWarehouse: {settings.warehouse}")
    if months:
        latest = settings.output_month(months[-1])
        click.echo(f"Uitvoer:   {settings.output}/<maand>/ (laatste maand: {latest})")
        report = latest / "maandrapportage.html"
        if report.exists():
            click.echo(f"Rapport:   {report}")


@click.group(help="risicoradar: risicosignalen mensenhandel per adres, maandelijks, voor het signaleringsoverleg.")
def main() -> None:
    pass


@main.command(help="Maak een synthetische demo-inbox (Zoeterwoude) en verwerk alle maanden.")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None, help="Datamap (standaard ./data of RISICORADAR_DATA).")
@click.option("--maanden", type=int, default=24, show_default=True, help="Aantal maanden, eindigend bij de laatste afgesloten maand.")
@click.option("--schaal", type=click.Choice(["gemeente", "regio", "nationaal"]), default="gemeente", show_default=True)
@click.option("--seed", type=int, default=638, show_default=True)
@click.option("--alleen-genereren", is_flag=True, help="Alleen de inbox maken, niet verwerken.")
def demo(data_dir, maanden, schaal, seed, alleen_genereren) -> None:
    from pipelines.demo import generate_demo

    settings = _use_data_dir(data_dir)
    click.echo(f"Demo-inbox maken in {settings.inbox} ({maanden} maanden, schaal {schaal}) ...")
    generate_demo(settings.data, months=maanden, schaal=schaal, seed=seed)
    if alleen_genereren:
        return
    months = inbox_months(settings)
    ok = run_months(settings, months)
    _print_outputs(settings, months)
    sys.exit(0 if ok else 1)


@main.command(help="Verwerk één maand (--maand JJJJ-MM), een reeks (--van/--tot, backfill) of, zonder opties, alle maanden in de inbox (oudste eerst).")
@click.option("--maand", default=None, help="Peilmaand JJJJ-MM.")
@click.option("--van", default=None, help="Eerste maand van een reeks (JJJJ-MM), met --tot: backfill.")
@click.option("--tot", default=None, help="Laatste maand van een reeks (JJJJ-MM).")
@click.option("--gemeente", default=None, help="Eén gemeente van meerdere (GMxxxx): verwerkt <datamap>/gemeenten/GMxxxx/ als partitie maand x gemeente.")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None, help="Datamap (standaard ./data of RISICORADAR_DATA).")
def run(maand, van, tot, gemeente, data_dir) -> None:
    settings = _use_data_dir(data_dir)
    source = settings
    if gemeente:
        try:
            source = settings.voor_gemeente(gemeente)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
        gemeente = f"GM{source.gemeentecode}"
    if maand:
        _check_month(maand)
        months = [maand]
    elif van or tot:
        first, last = van or tot, tot or van
        _check_month(first)
        _check_month(last)
        if first > last:
            raise click.BadParameter(f"--van {first} ligt na --tot {last}.")
        months = month_range(first, last)
    else:
        months = [m for m in inbox_months(source) if m <= last_completed_month()]
        if not months:
            click.echo(f"Geen maandbestanden gevonden in {source.inbox}.", err=True)
            sys.exit(1)
    ok = run_months(settings, months, gemeente=gemeente)
    _print_outputs(source, months)
    sys.exit(0 if ok else 1)


@main.command(help="Start de Dagster-webinterface (http://127.0.0.1:3000).")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None)
@click.option("--port", type=int, default=3000, show_default=True)
def ui(data_dir, port) -> None:
    _use_data_dir(data_dir)
    os.execvp(
        sys.executable,
        [sys.executable, "-m", "dagster", "dev", "-m", "pipelines.definitions", "-h", "127.0.0.1", "-p", str(port)],
    )


@main.command(help="Controleer één bestand tegen zijn contract, zonder het warehouse te wijzigen. Exitcode 0 = geaccepteerd (ook met quarantaine), 1 = geweigerd.")
@click.argument("bestand", type=click.Path(exists=True, dir_okay=False))
@click.option("--data-dir", type=click.Path(file_okay=False), default=None)
def valideer(bestand, data_dir) -> None:
    from pipelines.validate_one import validate_one

    settings = _use_data_dir(data_dir)
    lines, accepted = validate_one(Path(bestand), settings)
    for line in lines:
        click.echo(line)
    sys.exit(0 if accepted else 1)


@main.command(help="Per maand: welke bronnen in de inbox staan, wat in het warehouse staat en hoe de laatste run afliep.")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None)
def status(data_dir) -> None:
    from pipelines.status import month_status

    settings = _use_data_dir(data_dir)
    for line in month_status(settings):
        click.echo(line)


@main.command(help="Maak het exportpakket voor het RIEC (geaggregeerd, met onderdrukking, manifest en auditregel).")
@click.option("--maand", required=True, help="Peilmaand JJJJ-MM.")
@click.option("--ontvanger", default="riec", show_default=True)
@click.option("--grondslag", default=None, help="Wettelijke grondslag; verplicht voor adresgegevens (bijv. 'RIEC-convenant, art. 5').")
@click.option("--adressen", is_flag=True, help="Ook de adreslijst (controlelijst, geminimaliseerd) meesturen; alleen met --grondslag.")
@click.option("--doel", default=None, help="Doel van de verstrekking (standaardtekst als leeg).")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None)
def export(maand, ontvanger, grondslag, adressen, doel, data_dir) -> None:
    from assets.exports import ExportFout, export_riec

    settings = _use_data_dir(data_dir)
    _check_month(maand)
    try:
        folder = export_riec(settings, maand, ontvanger=ontvanger, grondslag=grondslag, adressen=adressen, doel=doel)
    except ExportFout as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"Exportpakket geschreven: {folder}")
    click.echo(f"Manifest: {folder / 'manifest.json'}")


@main.command(help="Verwijder adresgegevens ouder dan de bewaartermijn uit warehouse en uitvoer, en controleer dat niets achterblijft.")
@click.option("--bewaartermijn", type=int, default=None, help="Aantal maanden (standaard uit instellingen.yaml, 24).")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None)
def opschonen(bewaartermijn, data_dir) -> None:
    from assets.exports import OpschoningMislukt
    from assets.exports import opschonen as run_opschonen

    settings = _use_data_dir(data_dir)
    try:
        result = run_opschonen(settings, bewaartermijn)
    except (OpschoningMislukt, Exception) as exc:  # the message is Dutch and says what is left
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(result["samenvatting"])


if __name__ == "__main__":
    main()

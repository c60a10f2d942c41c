"""`risicoradar`: the command line for analysts (texts in Dutch).

    risicoradar demo                 demo-inbox maken en alle maanden verwerken
    risicoradar run [--maand M]      een maand (of alle maanden in de inbox) verwerken
    risicoradar valideer BESTAND     één bestand tegen zijn contract controleren
    risicoradar afbeeldingen --maand M   PNG's van de maandrapportage (run doet dit op de achtergrond)
    risicoradar status               per maand: bronnen, verwerking, laatste run
    risicoradar export --maand M     exportpakket voor het RIEC
    risicoradar opschonen            adresgegevens na de bewaartermijn verwijderen
    risicoradar regio-overzicht --maand M   kerncijfers van alle gemeenten (RIEC), onderdrukt
    risicoradar inzage --adres A --reden R   inzagedocument van één adres (AVG art. 15, bezwaar)
    risicoradar ui                   Dagster-webinterface op localhost

The data folder is `--data-dir`, else RISICORADAR_DATA, else ./data.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click

from assets.ingest.inbox import RUN_MONTH_ENV
from assets.settings import DATA_ENV, PROJECT_DIR, InstellingenFout, Settings
from data_contracts.months import is_month, last_completed_month, month_range
from pipelines.runs import UI_LOCATION, inbox_months, run_months



def _use_data_dir(data_dir: str | None, check_settings: bool = True) -> Settings:
    """Point the whole process (Dagster code location included) at one data folder."""
    if data_dir:
        os.environ[DATA_ENV] = str(Path(data_dir).resolve())
    settings = Settings.from_env()
    if check_settings:
        try:
            settings.config  # a wrong instellingen.yaml stops here, with its Dutch message, before any run
        except InstellingenFout as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
    from assets.files import make_private, private_process

    private_process()  # umask 077 for this process (and Dagster's)
    make_private(settings.data)  # and what is there already
    settings.data.mkdir(parents=True, exist_ok=True, mode=0o700)
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    source = PROJECT_DIR / "dagster.yaml"
    if source.exists() and not (home / "dagster.yaml").exists():
        shutil.copyfile(source, home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return settings


def _start_gx_worker() -> None:
    """great-expectations' import (seconds) in a second process, beside Dagster's start-up and
    the reading of the files (data_contracts/gx_worker.py)."""
    from data_contracts import gx_worker

    gx_worker.start()


def _progress_on_terminal() -> None:
    """Progress per stage (files checked, rows loaded, marts built) on stderr, only when it is a
    terminal: a cron job's or a test's output stays the summary alone."""
    from assets.maand import PROGRESS_ENV

    if sys.stderr.isatty():
        os.environ.setdefault(PROGRESS_ENV, "1")


def _check_month(maand: str, settings: Settings | None = None) -> None:
    if not is_month(maand):
        raise click.BadParameter(f"'{maand}' is geen maand; gebruik JJJJ-MM, bijvoorbeeld 2026-10.")
    if maand > last_completed_month():
        raise click.BadParameter(
            f"{maand} is nog niet afgesloten; de laatste maand die verwerkt kan worden is {last_completed_month()}."
        )
    if settings is not None:
        from assets.ingest.inbox import first_month

        eerste = first_month(settings)
        if maand < eerste:
            raise click.BadParameter(
                f"{maand} ligt vóór de eerste maand met bestanden in {settings.inbox} ({eerste}); "
                "zet de bestanden van die maand in de inbox en draai opnieuw."
            )


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
    _start_gx_worker()
    _progress_on_terminal()
    ok = run_months(settings, months)
    _print_outputs(settings, months)
    sys.exit(0 if ok else 1)


@main.command(help="Verwerk één maand (--maand JJJJ-MM), een reeks (--van/--tot, backfill) of, zonder opties, alle maanden in de inbox (oudste eerst).")
@click.option("--maand", default=None, help="Peilmaand JJJJ-MM.")
@click.option("--van", default=None, help="Eerste maand van een reeks (JJJJ-MM), met --tot: backfill.")
@click.option("--tot", default=None, help="Laatste maand van een reeks (JJJJ-MM).")
@click.option("--gemeente", default=None, help="Eén gemeente van meerdere (GMxxxx): verwerkt <datamap>/gemeenten/GMxxxx/ als partitie maand x gemeente.")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None, help="Datamap (standaard ./data of RISICORADAR_DATA).")
@click.option("--opnieuw", is_flag=True, help="Ook maanden opnieuw verwerken die al verwerkt zijn uit dezelfde bestanden, instellingen en code.")
def run(maand, van, tot, gemeente, data_dir, opnieuw) -> None:
    settings = _use_data_dir(data_dir)
    source = settings
    if gemeente:
        try:
            source = settings.voor_gemeente(gemeente)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
        gemeente = f"GM{source.gemeentecode}"
    if maand:
        _check_month(maand, source)
        months = [maand]
        os.environ[RUN_MONTH_ENV] = maand  # a BAG delivery without a month in its name serves this month
    elif van or tot:
        first, last = van or tot, tot or van
        _check_month(first, source)
        _check_month(last, source)
        if first > last:
            raise click.BadParameter(f"--van {first} ligt na --tot {last}.")
        months = month_range(first, last)
    else:
        months = [m for m in inbox_months(source) if m <= last_completed_month()]
        if not months:
            click.echo(f"Geen maandbestanden gevonden in {source.inbox}.", err=True)
            sys.exit(1)
    todo = months if opnieuw or gemeente else _changed_months(source, months)
    ok = True
    if todo:
        if not gemeente:  # per gemeente the checks run in the step's own process (multiprocess executor)
            _start_gx_worker()
        _progress_on_terminal()
        ok = run_months(settings, todo, gemeente=gemeente)
    _print_outputs(source, months)
    sys.exit(0 if ok else 1)


def _changed_months(settings: Settings, months: list[str]) -> list[str]:
    """The months that differ from their last publication (files, settings, reference data, code);
    the others are named and left as they are, without starting Dagster (assets/ongewijzigd.py)."""
    from assets.ongewijzigd import unchanged_since

    todo = []
    for maand in months:
        since = unchanged_since(settings, maand)
        if since is None:
            todo.append(maand)
        else:
            click.echo(f"{maand}: ongewijzigd sinds de verwerking van {since} (dezelfde bestanden, instellingen en code); "
                       "niet opnieuw verwerkt. Met --opnieuw wordt de maand toch verwerkt.")
    return todo


@main.command(help="Maak de PNG-afbeeldingen van de maandrapportage van een of meer maanden (--maand, herhaalbaar). "
                   "`risicoradar run` doet dit zelf op de achtergrond.")
@click.option("--maand", "maanden", multiple=True, required=True, help="Maand JJJJ-MM (herhaalbaar).")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None)
def afbeeldingen(maanden, data_dir) -> None:
    from pipelines.runs import run_pngs

    settings = _use_data_dir(data_dir)
    for maand in maanden:
        if not is_month(maand):
            raise click.BadParameter(f"{maand} is geen maand (JJJJ-MM).")
    sys.exit(0 if run_pngs(settings, list(maanden)) else 1)


@main.command(help="Start de Dagster-webinterface (http://127.0.0.1:3000) met de daemon (schema en sensor).")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None)
@click.option("--port", type=int, default=3000, show_default=True)
def ui(data_dir, port) -> None:
    _use_data_dir(data_dir)
    # `dg dev` (dagster-dg-cli) with an explicit module: the code location is the one
    # Definitions in pipelines/definitions.py; it starts the webserver and the daemon.
    os.execvp(
        sys.executable,
        [sys.executable, "-c", "from dagster_dg_cli.cli import main; main()", "dev",
         "-m", UI_LOCATION, "-h", "127.0.0.1", "-p", str(port)],
    )


@main.command(help="Controleer één bestand tegen zijn contract, zonder het warehouse te wijzigen. Exitcode 0 = geaccepteerd (ook met quarantaine), 1 = geweigerd.")
@click.argument("bestand", type=click.Path(exists=True, dir_okay=False))
@click.option("--data-dir", type=click.Path(file_okay=False), default=None)
def valideer(bestand, data_dir) -> None:
    from assets.ingest.check_one import check_file
    from data_contracts import ContractError
    from data_contracts.reading import check_inbox_link

    settings = _use_data_dir(data_dir)
    path = Path(bestand)
    try:
        if path.absolute().is_relative_to(settings.inbox.absolute()):
            check_inbox_link(path.absolute(), settings.inbox)  # names the link, not what it points to
        lines, accepted = check_file(path, settings)
    except ContractError as exc:  # a file the inbox does not take: unknown name, archive, link outside
        click.echo(f"GEWEIGERD: {path.name}")
        click.echo(str(exc))
        sys.exit(1)
    for line in lines:
        click.echo(line)
    sys.exit(0 if accepted else 1)


@main.command(help="Per maand: welke bronnen in de inbox staan, wat in het warehouse staat en hoe de laatste run afliep.")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None)
def status(data_dir) -> None:
    from pipelines.status import month_status

    settings = _use_data_dir(data_dir, check_settings=False)  # status itself says what is wrong
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
    from assets.scoring.config import ConfiguratieFout

    settings = _use_data_dir(data_dir)
    _check_month(maand)
    try:
        folder = export_riec(settings, maand, ontvanger=ontvanger, grondslag=grondslag, adressen=adressen, doel=doel)
    except (ExportFout, ConfiguratieFout) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"Exportpakket geschreven: {folder}")
    click.echo(f"Manifest: {folder / 'manifest.json'}")


@main.command("regio-overzicht", help="Maak het regio-overzicht voor het RIEC: één HTML-pagina met de kerncijfers van elke gemeente (<datamap>/gemeenten/GMxxxx/) voor een maand, kleine aantallen onderdrukt.")
@click.option("--maand", required=True, help="Peilmaand JJJJ-MM.")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None)
def regio_overzicht(maand, data_dir) -> None:
    from assets.reports.regio_overzicht import RegioFout
    from assets.reports.regio_overzicht import regio_overzicht as make_overview

    settings = _use_data_dir(data_dir)
    if not is_month(maand):
        raise click.BadParameter(f"'{maand}' is geen maand; gebruik JJJJ-MM, bijvoorbeeld 2026-10.")
    try:
        result = make_overview(settings, maand)
    except RegioFout as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"Regio-overzicht geschreven: {result.pad} ({len(result.gemeenten)} gemeenten)")
    if result.niet_verwerkt:
        click.echo(f"Nog niet verwerkt voor {maand}: {', '.join(result.niet_verwerkt)}")


@main.command(help="Verwijder adresgegevens ouder dan de bewaartermijn uit warehouse en uitvoer, en controleer dat niets achterblijft.")
@click.option("--bewaartermijn", type=int, default=None, help="Aantal maanden (standaard uit instellingen.yaml: export.bewaartermijn_maanden).")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None)
def opschonen(bewaartermijn, data_dir) -> None:
    import duckdb

    from assets.exports import OpschoningMislukt
    from assets.exports import opschonen as run_opschonen

    settings = _use_data_dir(data_dir)
    try:
        result = run_opschonen(settings, bewaartermijn)
    except OpschoningMislukt as exc:  # the message is Dutch and says what is left
        click.echo(str(exc), err=True)
        sys.exit(1)
    except duckdb.IOException:
        click.echo("Het warehouse is in gebruik door een lopende run; probeer het opschonen later opnieuw. "
                   "Er is niets verwijderd.", err=True)
        sys.exit(1)
    click.echo(result["samenvatting"])


@main.command(help="Maak het inzagedocument van één adres (AVG art. 15, bezwaar): alles wat risicoradar erover heeft en deed (HTML en JSON, met auditregel).")
@click.option("--adres", default=None, help="Adres als \"straat huisnummer[letter][-toevoeging], postcode\", bijv. \"Dorpsstraat 12A-2, 2381 AB\".")
@click.option("--verblijfsobject", default=None, help="Of het BAG-id van het verblijfsobject (16 cijfers).")
@click.option("--reden", default=None, help="Verplicht: waarom deze inzage (bijv. 'Inzageverzoek AVG art. 15, zaak 2026-123').")
@click.option("--gebruiker", default=None, help="Wie de inzage maakt (standaard de gebruiker van het systeem).")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None)
def inzage(adres, verblijfsobject, reden, gebruiker, data_dir) -> None:
    from assets.exports.inzage import InzageFout
    from assets.exports.inzage import inzage as make_inzage

    settings = _use_data_dir(data_dir)
    try:
        folder = make_inzage(settings, adres=adres, verblijfsobject=verblijfsobject, reden=reden, gebruiker=gebruiker)
    except InzageFout as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"Inzagedocument geschreven: {folder / 'inzage.html'}")
    click.echo(f"Gegevens (JSON):           {folder / 'inzage.json'}")


def entry() -> None:
    """`risicoradar` as a process. Everything it opens is closed explicitly (DuckDB connections,
    files, the Dagster instance's writes are committed), so after the exit handlers have run
    (logging's flush, the great-expectations worker's pipes) the process ends at once: the
    interpreter's own teardown of the ~2,700 modules Dagster, pandas, plotly and
    great-expectations bring costs 2-3 s per command and leaves nothing behind."""
    import atexit

    try:
        main()  # click's standalone mode: always ends in SystemExit
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()  # CPython's handlers, as a normal exit would run them
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()

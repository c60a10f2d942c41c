"""Jobs: the monthly refresh and the reference data."""
import os
import sys

import dagster as dg

from assets.partitions import maand_gemeente_partitions, maand_partitions

# Unpartitioned assets: reference data and what is generated from configuration.
REFERENTIE = (["staging", "cbs_buurten"], ["staging", "slachtoffers"], ["rapportage", "algoritmebeschrijving"])
# Made after the month, not in its run (kaleido: seconds per figure): job `afbeeldingen`.
AFBEELDINGEN = ["rapportage", "afbeeldingen"]



@dg.success_hook(name="voortgang")
def voortgang(context: dg.HookContext) -> None:
    """One line on the terminal when a step is done (only when the CLI asks: stderr is a TTY);
    the monthly step prints its own stages (assets.maand.Voortgang)."""
    from assets.maand import PROGRESS_ENV

    if os.environ.get(PROGRESS_ENV) == "1" and context.op.name != "maandverwerking":
        from pipelines.runs import STEP_NAMES

        name = STEP_NAMES.get(context.step_key, context.step_key)
        run = context.instance.get_run_by_id(context.run_id)
        maand = run.tags.get("dagster/partition", "") if run else ""
        print(f"  {maand}  {name}: klaar" if maand else f"  {name}: klaar", file=sys.stderr, flush=True)


# In-process: one step per run that holds the DuckDB writer; process start-up would only cost time.
maand_job = dg.define_asset_job(
    "maandelijkse_verversing",
    selection=(dg.AssetSelection.all() - dg.AssetSelection.keys(*REFERENTIE, AFBEELDINGEN)
               - dg.AssetSelection.groups("per_gemeente")),
    partitions_def=maand_partitions,
    executor_def=dg.in_process_executor,
    hooks={voortgang},
    description="Maandelijkse verversing: inbox controleren en laden, leegstand, kenmerken, score, controlelijst, evaluatie, rapportage.",
)

referentie_job = dg.define_asset_job(
    "referentiegegevens",
    selection=dg.AssetSelection.keys(*REFERENTIE),
    executor_def=dg.in_process_executor,
    hooks={voortgang},
    description="Referentiegegevens laden (CBS-buurten, slachtofferaantallen SHOP/CoMensha) en de algoritmebeschrijving bijwerken.",
)

afbeeldingen_job = dg.define_asset_job(
    "afbeeldingen",
    selection=dg.AssetSelection.keys(AFBEELDINGEN),
    partitions_def=maand_partitions,
    executor_def=dg.in_process_executor,
    description="PNG-afbeeldingen van de maandrapportage (Chromium), na de maandverwerking; leest het warehouse niet.",
)

# Many gemeenten: one run per (maand, gemeente) partition, each in its own data folder. Runs of
# different gemeenten go in parallel (run queue); the multiprocess executor is what a backfill of
# many partitions uses, locally or on Dagster's Kubernetes/Celery executors.
gemeente_job = dg.define_asset_job(
    "verversing_per_gemeente",
    selection=dg.AssetSelection.groups("per_gemeente"),
    partitions_def=maand_gemeente_partitions,
    executor_def=dg.multiprocess_executor,
    hooks={voortgang},
    description="Maandverwerking per gemeente (maand x gemeente), elk in <datamap>/gemeenten/GMxxxx/.",
)

"""Jobs: the monthly refresh and the reference data."""
import dagster as dg

from assets.partitions import maand_gemeente_partitions, maand_partitions

# Unpartitioned assets: reference data and what is generated from configuration.
REFERENTIE = (["staging", "cbs_buurten"], ["staging", "slachtoffers"], ["rapportage", "algoritmebeschrijving"])

# In-process: one step per run that holds the DuckDB writer; process start-up would only cost time.
maand_job = dg.define_asset_job(
    "maandelijkse_verversing",
    selection=dg.AssetSelection.all() - dg.AssetSelection.keys(*REFERENTIE) - dg.AssetSelection.groups("per_gemeente"),
    partitions_def=maand_partitions,
    executor_def=dg.in_process_executor,
    description="Maandelijkse verversing: inbox controleren en laden, leegstand, kenmerken, score, controlelijst, evaluatie, rapportage.",
)

referentie_job = dg.define_asset_job(
    "referentiegegevens",
    selection=dg.AssetSelection.keys(*REFERENTIE),
    executor_def=dg.in_process_executor,
    description="Referentiegegevens laden (CBS-buurten, slachtofferaantallen SHOP/CoMensha) en de algoritmebeschrijving bijwerken.",
)

# Many gemeenten: one run per (maand, gemeente) partition, each in its own data folder. Runs of
# different gemeenten go in parallel (run queue); the multiprocess executor is what a backfill of
# many partitions uses, locally or on Dagster's Kubernetes/Celery executors.
gemeente_job = dg.define_asset_job(
    "verversing_per_gemeente",
    selection=dg.AssetSelection.groups("per_gemeente"),
    partitions_def=maand_gemeente_partitions,
    executor_def=dg.multiprocess_executor,
    description="Maandverwerking per gemeente (maand x gemeente), elk in <datamap>/gemeenten/GMxxxx/.",
)

"""Jobs: the monthly refresh and the reference data."""
import dagster as dg

from pipelines.partitions import maand_partitions

# Unpartitioned assets: reference data and what is generated from configuration.
REFERENTIE = (["staging", "cbs_buurten"], ["staging", "slachtoffers"], ["rapportage", "algoritmebeschrijving"])

# In-process: one step per run that holds the DuckDB writer; process start-up would only cost time.
maand_job = dg.define_asset_job(
    "maandelijkse_verversing",
    selection=dg.AssetSelection.all() - dg.AssetSelection.keys(*REFERENTIE),
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

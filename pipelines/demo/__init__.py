"""The synthetic demo: a deterministic Zoeterwoude (or region, or country) written as inbox files.

`generate` writes the files and the ground truth, `world` lays out objects and buurten,
`registers` simulates the registers month by month, `truth` recomputes the expected figures from
the written files. Only the CLI's `risicoradar demo` and the tests use it; the pipeline never does.
"""
from pipelines.demo.generate import generate_demo

__all__ = ["generate_demo"]

"""The module catalogue: one TOML file per module and the fleet manifest ``fleet.toml``.

Package data only; read through :mod:`impactrisk.io.modules`. The schema, the way
assumptions are marked and the sources are described in ``README.md`` in this folder.
"""

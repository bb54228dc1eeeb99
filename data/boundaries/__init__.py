"""Boundary files bundled with deprivation_map, installed as ``deprivation_map.datasets.boundaries``.

See ``data/make_datasets.py`` for how each file was made and from what source.
"""

"""One file per baseline; `baselines.registry` maps (task, name) to these classes."""

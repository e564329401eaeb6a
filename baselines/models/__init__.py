"""One file per baseline; each class declares its name, tasks and feature sets, and `baselines.registry`
lists it once in `ENTRIES` ("module:Class")."""

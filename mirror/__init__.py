"""The offline IMDb mirror: IMDb-structured pages, posters and trailers over HTTP on 127.0.0.1.

    from mirror import MirrorServer
    with MirrorServer("synthetic:1000", seed=0) as mirror:
        print(mirror.base_url, mirror.catalog.record(next(mirror.catalog.ids())))
"""
from .catalog import Catalog, SyntheticCatalog, TableCatalog, load_catalog
from .faults import Faults, FaultSpecError, parse_faults
from .server import MirrorServer, PortInUseError

__all__ = ["Catalog", "SyntheticCatalog", "TableCatalog", "load_catalog", "Faults", "FaultSpecError",
           "parse_faults", "MirrorServer", "PortInUseError"]

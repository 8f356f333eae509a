"""Geography for maps: country outlines (Natural Earth via world-atlas) and projections."""

from whipcount.geography.projection import equal_earth
from whipcount.geography.world import (
    default_geometry_paths,
    geometry_path,
    load_land,
    load_world,
    representative_point,
)

__all__ = [
    "default_geometry_paths",
    "equal_earth",
    "geometry_path",
    "load_land",
    "load_world",
    "representative_point",
]

"""Geometry facts shared by the import (which makes them) and the read path (which
serves them): zoom bands and GeoJSON serialisation. Pure; no database."""

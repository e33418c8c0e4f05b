"""The database layer: models, the geometry column type, sessions and named queries."""

"""The in-memory spatial index over the active generations (see DESIGN.md for why)."""

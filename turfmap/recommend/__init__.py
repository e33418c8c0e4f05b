"""Recommendations and dispatch: where to send each volunteer, and why."""

"""Cutting a district's doors into turfs and ordering each turf's walk.

Pure computation on shapely geometries and arrays: nothing here reads or writes
the store. coordination/turfs.py feeds it doors and streets and stores the turfs.
"""

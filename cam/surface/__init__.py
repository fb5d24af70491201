"""Carving on curved faces: drop-cutter on a triangle mesh and surface-following toolpaths.

`cam.surface.dropcutter` answers how low a tool can come at an XY point; `cam.surface.follow`
lays a flat (Z0) toolpath onto a stone's surface so depths are measured from the local surface.
"""

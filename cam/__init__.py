"""Computer-aided machining: SVG designs to neutral toolpaths, DXF and previews.

Plain Python + numpy. Millimetres inside, always; units are converted at the SVG, DXF and
G-code edges only. Knows nothing of the web application or the database.
"""

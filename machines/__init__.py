"""Machine profiles, tool library, material presets, post-processors and time estimates.

Plain Python: turns neutral `cam` toolpaths into the G-code of a real controller.
"""

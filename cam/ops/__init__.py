"""Toolpath operations: engrave, pocket, profile inside / outside, and the passes they share.

Each operation turns the placed design into tool-centre contours (with precedence where an
inner contour must be cut before the outer one that contains it); `cam.ops.passes` cuts one
contour through its step-down passes and `cam.ops.emit` links contours into one toolpath.
"""

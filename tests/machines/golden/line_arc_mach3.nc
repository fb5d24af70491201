(Job: J-0042)
(Design: Lotus U+83B2U+82B1)
(Placement: scale 1, rotation 0 deg, offset X5.000 Y5.000 mm)
(Machine: generic-mach3, dialect mach3)
(Estimated time: 0:00:41, 41 s)
(Cut length: 115.4 mm, rapid length: 56.6 mm)
(Operation 1: engrave, safe height 3.000 mm)
(Tool: T3 ball-1.0, ball, diameter 1.000 mm)
(Depth: 0.200 mm, passes: 2, step-down: 0.100 mm)
(Feed: 250 mm/min, plunge: 60 mm/min, spindle: 22000 rpm)
(Generator: jade-workshop machines.post 0.1.0, 2026-01-02T03:04:05Z)
G21
G90
G17
G94
G91.1
G40 G49 G80
T3 M6
G43 H3
M3 S22000
G4 P3
M8
G1 Z3.0000 F800
(Operation 1: engrave, passes 2, depth 0.200 mm)
G0 X10.0000 Y10.0000
G1 Z-0.1000 F60
X30.0000 F250
G3 X30.0000 Y30.0000 I0.0000 J10.0000
G1 Z3.0000 F60
G0 X10.0000 Y10.0000
G1 Z-0.2000
X30.0000 F250
G3 X30.0000 Y30.0000 I0.0000 J10.0000
G1 Z3.0000 F60
G0 X10.0000 Y10.0000
Z40.0000
M5 M9
M30

%
(Job: J-0043)
(Design: Two tools)
(Placement: scale 1, rotation 0 deg, offset X0.000 Y0.000 mm)
(Machine: rotary-4axis-linuxcnc, dialect linuxcnc)
(Estimated time: 0:01:08, 68 s)
(Cut length: 153.0 mm, rapid length: 116.8 mm)
(Operation 1: engrave, safe height 3.000 mm)
(Tool: T3 ball-1.0, ball, diameter 1.000 mm)
(Depth: 0.200 mm, passes: 2, step-down: 0.100 mm)
(Feed: 250 mm/min, plunge: 60 mm/min, spindle: 22000 rpm)
(Operation 2: engrave, safe height 3.000 mm)
(Tool: T9 cone-60, vbit, diameter 2.000 mm)
(Depth: 0.100 mm, passes: 1, step-down: 0.100 mm)
(Feed: 250 mm/min, plunge: 60 mm/min, spindle: 22000 rpm)
(Generator: jade-workshop machines.post 0.1.0, 2026-01-02T03:04:05Z)
G21
G90
G17
G94
G40 G49 G80
G64 P0.005
T3 M6
G43 H3
M3 S22000
G4 P2
M8
G1 Z3.0000 F1500
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
M5
M9
T9 M6
G43 H9
M3 S22000
G4 P2
M8
G1 Z3.0000 F1500
(Operation 2: engrave, passes 1, depth 0.100 mm)
G0 X55.0000 Y50.0000
G1 Z-0.1000 F60
G2 X45.0000 Y50.0000 I-5.0000 J0.0000 F250
X55.0000 Y50.0000 I5.0000 J0.0000
G1 Z3.0000 F60
G0 Z40.0000
M5 M9
M30
%

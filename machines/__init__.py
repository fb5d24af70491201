"""Machine profiles, tool library, material presets, post-processors and time estimates.

Plain Python: turns neutral `cam` toolpaths into the G-code of a real controller.

    machines.carve.carve(svg, CarveOptions(...)) -> CarveResult   the one call (and run_cli)
    machines.tools.get_tool(name) -> cam Tool                      data/tools.toml
    machines.materials.cutting_params(tool, material)             data/materials.toml
    machines.profiles.get_machine(name), fit_check(...)            data/machines/*.toml
    machines.post.render(program, machine) -> str                  GRBL / LinuxCNC / Mach3
    machines.estimate.estimate(program, machine) -> Estimate       run time, lengths

See docs/machines.md.
"""

"""Challenge and suite definitions, registered through the ``teachbench.suites`` entry point."""

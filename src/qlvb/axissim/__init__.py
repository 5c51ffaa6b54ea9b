"""``qlvb axis-sim``: a local stand-in for the national document axis (VDXP/LGSP), for tests and the
demo. ``server.py`` is a plain WSGI application (no Django); ``management/commands/axis-sim.py``
serves it. See docs/axis.md."""

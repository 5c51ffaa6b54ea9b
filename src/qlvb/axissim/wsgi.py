"""The simulator for a WSGI server other than the command's own, e.g.
``gunicorn qlvb.axissim.wsgi:application --workers 1 --threads 8`` — one worker, because the faults
(``/_sim/faults``) live in the worker's memory. Data folder: ``QLVB_AXIS_SIM_DIR`` (default
``var/axis-sim``); seeded like ``qlvb axis-sim``. No Django here."""

from __future__ import annotations

import os
from pathlib import Path

from .server import AxisApp, Store, seed_default

_store = Store(Path(os.environ.get("QLVB_AXIS_SIM_DIR", "var/axis-sim")))
seed_default(_store)
application = AxisApp(_store)

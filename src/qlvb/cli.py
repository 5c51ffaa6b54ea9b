"""The ``qlvb`` command: Django's management commands under the project's name
(``qlvb serve``, ``qlvb demo``, ``qlvb audit verify``, ``qlvb migrate`` ...)."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qlvb", *sys.argv[1:]])


if __name__ == "__main__":
    main()

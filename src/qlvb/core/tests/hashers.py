"""The password hasher of the tests: Argon2id as in production (the same algorithm, the same ``argon2$argon2id$``
format, checked by the same code), at its lowest cost. Production's cost (Django's Argon2PasswordHasher, about
a quarter of a second of CPU per password on this machine) is deliberate against guessing; the suite signs
in, creates people and checks passwords thousands of times, and at that cost they took minutes of its CPU.
Root ``conftest.py`` puts it first; ``directory/tests/test_sign_in_lockout.py`` asserts what production uses."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64  # KiB
    parallelism = 1

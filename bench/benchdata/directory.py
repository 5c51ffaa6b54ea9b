"""The data set's directory: agencies (communes' People's Committees and provincial departments) with
their departments, people with roles sized by the agency's weight, and the issuing organs that write to
each agency."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import make_password

from qlvb.core.text import fold, fold_compact
from qlvb.directory.models import RoleAssignment, Unit, User

from . import vocabulary as V  # noqa: N812
from .records import Agency, Dept, Person, spread
from .tables import ROLE_COLS, UNIT_COLS, USER_COLS
from .texts import person_name

if TYPE_CHECKING:
    from .generator import Generator


def directory_make(g: Generator) -> list[Agency]:
    """Agencies with their departments, then their people, then the organs that write to them."""
    agencies = _units(g)
    users = _people(g, agencies)
    _issuing_organs(g, agencies)
    g.say(f"{len(agencies)} agencies, {g.summary.departments} departments, {users} users")
    return agencies


def _units(g: Generator) -> list[Agency]:
    rng = g.rng
    used_ids = set(Unit.objects.exclude(organ_id="").values_list("organ_id", flat=True))
    used_prefixes = set(Unit.objects.exclude(username_prefix="").values_list("username_prefix", flat=True))
    unit_rows: list[tuple[Any, ...]] = []
    agencies: list[Agency] = []
    serial = 0
    for _i in range(g.n_agencies):
        province, code = rng.choice(V.PROVINCES)
        commune = rng.choice(V.COMMUNES)
        if rng.random() < 0.75:
            ward = rng.random() < 0.2
            name = f"Ủy ban nhân dân {'phường' if ward else 'xã'} {commune}"
            short, base_prefix = "UBND", "ub" + fold_compact(commune)
            depts = list(V.COMMUNE_DEPARTMENTS[:3]) + rng.sample(V.COMMUNE_DEPARTMENTS[3:], rng.randint(0, 3))
        else:
            sector, short = rng.choice(V.SECTORS)
            name = f"{sector} tỉnh {province}"
            base_prefix = fold_compact(short) + fold_compact(province)
            depts = list(V.SECTOR_DEPARTMENTS[:1]) + rng.sample(V.SECTOR_DEPARTMENTS[1:], rng.randint(2, 5))
        prefix, k = base_prefix[:28], 1
        while prefix in used_prefixes:
            k += 1
            prefix = f"{base_prefix[:26]}{k}"
        used_prefixes.add(prefix)
        while True:
            serial += 1
            organ_id = f"{serial // 10000:03d}.{serial // 100 % 100:02d}.{serial % 100:02d}.{code}"
            if organ_id not in used_ids:
                break
        used_ids.add(organ_id)
        agency_id = g.ids.take(Unit)
        unit_rows.append(
            (
                agency_id,
                "agency",
                None,
                agency_id,
                name,
                short,
                prefix,
                organ_id,
                "",
                False,
                True,
                fold(name),
                g.now,
            )
        )
        agency = Agency(
            agency_id, name, short, organ_id, province, commune, weight=0.4 + rng.random() ** 3 * 6, prefix=prefix
        )
        for dname, dshort in depts:
            dept_id = g.ids.take(Unit)
            unit_rows.append(
                (
                    dept_id,
                    "department",
                    agency_id,
                    agency_id,
                    dname,
                    dshort,
                    "",
                    "",
                    "",
                    False,
                    True,
                    fold(dname),
                    g.now,
                )
            )
            agency.depts.append(Dept(dept_id, dname, dshort, leader=Person(0, "", "")))
        agencies.append(agency)
    g.writer.put(Unit, UNIT_COLS, unit_rows)
    g.summary.agencies = len(agencies)
    g.summary.departments = len(unit_rows) - len(agencies)
    return agencies


def _staff_plan(agency: Agency, size: int) -> list[tuple[str, int, str, str]]:
    """(role, unit id, unit name, position) of the agency's ``size`` people: clerks and leaders first, one
    leader per department, then officers shared out over the departments."""
    n_clerks = 2 if size >= 60 else 1
    n_leaders = min(4, 2 + size // 60)
    plan: list[tuple[str, int, str, str]] = []
    office = agency.depts[0]
    plan += [("clerk", office.id, office.name, "Văn thư")] * n_clerks
    top, deputy = ("Chủ tịch", "Phó Chủ tịch") if agency.short == "UBND" else ("Giám đốc", "Phó Giám đốc")
    plan += [("leader", agency.id, agency.name, top)]
    plan += [("leader", agency.id, agency.name, deputy)] * (n_leaders - 1)
    for d in agency.depts:
        head = "Chánh Văn phòng" if d.short == "VP" else ("Chánh Thanh tra" if d.short == "TTr" else "Trưởng phòng")
        plan.append(("dept_leader", d.id, d.name, head))
    rest = size - len(plan)
    dept_share = spread(rest, [1.0] * len(agency.depts), minimum=1)
    for d, count in zip(agency.depts, dept_share, strict=True):
        plan += [("officer", d.id, d.name, "Chuyên viên")] * count
    return plan


def _people(g: Generator, agencies: list[Agency]) -> int:
    """People per agency, by its size, with their roles; returns how many."""
    rng = g.rng
    used_names = set(User.objects.values_list("username", flat=True))
    password = make_password(g.password)
    minimum = max(len(a.depts) for a in agencies) * 2 + 3
    sizes = spread(g.n_users, [a.weight**0.5 for a in agencies], minimum=minimum)
    user_rows: list[tuple[Any, ...]] = []
    role_rows: list[tuple[Any, ...]] = []
    for agency, size in zip(agencies, sizes, strict=True):
        prefix = agency.prefix
        office = agency.depts[0]
        plan = _staff_plan(agency, size)
        for role, unit_id, unit_name, position in plan:
            full_name = person_name(rng)
            base = f"{prefix}_{fold_compact(full_name)}"
            username, k = base, 1
            while username in used_names:
                k += 1
                username = f"{base}{k}"
            used_names.add(username)
            uid = g.ids.take(User)
            home_unit = office.id if role == "clerk" else unit_id
            home_name = office.name if role == "clerk" else unit_name
            user_rows.append(
                (
                    uid,
                    password,
                    None,
                    False,
                    username,
                    "",
                    "",
                    f"{username}@qlvb.example.vn",
                    False,
                    True,
                    g.now,
                    full_name,
                    home_unit,
                    position,
                    "",
                    fold(full_name),
                    None,
                    "",
                )
            )
            role_unit = agency.id if role in ("clerk", "leader") else unit_id
            role_rows.append((g.ids.take(RoleAssignment), uid, role_unit, role, g.now))
            person = Person(uid, full_name, home_name)
            if role == "clerk":
                agency.clerks.append(person)
            elif role == "leader":
                agency.leaders.append(person)
            else:
                dept = next(d for d in agency.depts if d.id == unit_id)
                if role == "dept_leader":
                    dept.leader = person
                else:
                    dept.officers.append(person)
    g.writer.put(User, USER_COLS, user_rows)
    g.writer.put(RoleAssignment, ROLE_COLS, role_rows)
    g.summary.users = len(user_rows)
    return len(user_rows)


def _issuing_organs(g: Generator, agencies: list[Agency]) -> None:
    rng = g.rng
    national = [(n, s, f"000.00.00.G{i + 1:02d}") for i, (n, s) in enumerate(V.NATIONAL_ORGANS)]
    provincial: dict[str, list[tuple[str, str, str]]] = {}
    for p, code in V.PROVINCES:
        provincial[p] = [
            (pattern.format(p=p), s, f"000.00.{i + 1:02d}.{code}") for i, (pattern, s) in enumerate(V.OUTSIDE_ORGANS)
        ]
    peers = [(a.name, a.short, a.organ_id) for a in agencies]
    for a in agencies:
        a.organs = provincial[a.province] * 4 + national + rng.sample(peers, min(8, len(peers)))

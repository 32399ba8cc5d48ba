"""The only code that creates and renames sites and units."""
from collections.abc import Callable

from sqlalchemy import func, select

from ideas.accounts.models import Site, Unit
from ideas.audit import record
from ideas.database import db
from ideas.errors import Invalid

NAME_MAX = 120


def _free_name(name: str, model: type[Site] | type[Unit], taken_message: Callable[[str], str],
               existing: Site | Unit | None = None, *scope) -> str:
    """The cleaned name, refused when empty, too long or already used within its scope."""
    name = (name or "").strip()
    if not name:
        raise Invalid("Enter a name.", field="name")
    if len(name) > NAME_MAX:
        raise Invalid(f"Keep the name to {NAME_MAX} characters.", field="name")
    taken = select(model.id).where(func.lower(model.name) == name.lower(), *scope)
    if existing is not None:
        taken = taken.where(model.id != existing.id)
    if db.session.scalar(taken) is not None:
        raise Invalid(taken_message(name), field="name")
    return name


def _site_name(name: str, site: Site | None = None) -> str:
    return _free_name(name, Site, lambda taken: f"There is already a site called {taken}.", site)


def _unit_name(site: Site, name: str, unit: Unit | None = None) -> str:
    return _free_name(name, Unit, lambda taken: f"{site.name} already has a unit called {taken}.",
                      unit, Unit.site_id == site.id)


def create_site(name: str) -> Site:
    site = Site(name=_site_name(name))
    db.session.add(site)
    db.session.flush()
    record("site.created", entity=site, changes={"name": (None, site.name)})
    return site


def rename_site(site: Site, name: str) -> None:
    name = _site_name(name, site)
    if name != site.name:
        old, site.name = site.name, name
        db.session.flush()
        record("site.renamed", entity=site, changes={"name": (old, name)})


def create_unit(site: Site, name: str) -> Unit:
    unit = Unit(site=site, name=_unit_name(site, name))
    db.session.add(unit)
    db.session.flush()
    record("unit.created", entity=unit, changes={"site_id": (None, site.id), "name": (None, unit.name)})
    return unit


def rename_unit(unit: Unit, name: str) -> None:
    name = _unit_name(unit.site, name, unit)
    if name != unit.name:
        old, unit.name = unit.name, name
        db.session.flush()
        record("unit.renamed", entity=unit, changes={"name": (old, name)})

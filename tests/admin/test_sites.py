"""Sites and units: create and rename; names unique within their scope."""
import pytest
from sqlalchemy import select

from ideas.accounts.models import Site, Unit
from ideas.extensions import db
from tests.admin.conftest import post


@pytest.fixture
def riverside(app) -> Site:
    site = Site(name="Riverside General")
    db.session.add_all([site, Unit(site=site, name="Ward 4B")])
    db.session.commit()
    return site


def test_admin_adds_a_site_and_a_unit(client, admin):
    assert post(client, "/admin/sites", {"site-name": "  Hillcrest Community  "}).status_code == 302
    site = db.session.scalar(select(Site))
    assert site.name == "Hillcrest Community"
    assert post(client, "/admin/units", {"unit-site": site.id, "unit-name": "Day Surgery"}).status_code == 302
    page = client.get("/admin/sites").get_data(as_text=True)
    assert "Added the unit Day Surgery (Hillcrest Community)." in page and "Day Surgery" in page


@pytest.mark.parametrize(("path", "data", "field", "message"), [
    ("/admin/sites", {"site-name": "riverside general"}, "site-name", "There is already a site called riverside general."),
    ("/admin/sites", {"site-name": ""}, "site-name", "Enter a name."),
    ("/admin/sites", {"site-name": "x" * 121}, "site-name", "Keep the name to 120 characters."),
    ("/admin/units", {"unit-site": "", "unit-name": "ICU"}, "unit-site", "Choose the site the unit belongs to."),
    ("/admin/units", {"unit-site": "SITE", "unit-name": "ICU"}, "unit-site", "could not coerce"),
    ("/admin/units", {"unit-site": "RIVERSIDE", "unit-name": "ward 4b"}, "unit-name", "Riverside General already has a unit called ward 4b."),
])
def test_bad_site_and_unit_input_is_explained_and_kept(client, admin, riverside, path, data, field, message):
    data = {key: str(riverside.id) if value == "RIVERSIDE" else value for key, value in data.items()}
    response = post(client, path, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and f'id="{field}-error"' in html
    typed = data.get("site-name") or data.get("unit-name")
    if typed:
        assert f'value="{typed}"' in html
    assert db.session.scalar(select(Site.id).where(Site.id != riverside.id)) is None
    assert len(db.session.scalars(select(Unit)).all()) == 1


def test_the_same_unit_name_may_exist_at_another_site(client, admin, riverside):
    other = Site(name="Hillcrest")
    db.session.add(other)
    db.session.commit()
    assert post(client, "/admin/units", {"unit-site": other.id, "unit-name": "Ward 4B"}).status_code == 302


def test_admin_renames_a_site_and_a_unit(client, admin, riverside):
    unit = riverside.units[0]
    assert 'value="Riverside General"' in client.get(f"/admin/sites/{riverside.id}").get_data(as_text=True)
    assert post(client, f"/admin/sites/{riverside.id}", {"name": "Riverside University Hospital"}).status_code == 302
    assert post(client, f"/admin/units/{unit.id}", {"name": "Ward 4B – Acute Medicine"}).status_code == 302
    db.session.expire_all()
    assert unit.label == "Ward 4B – Acute Medicine (Riverside University Hospital)"


def test_renaming_to_a_taken_name_is_refused(client, admin, riverside):
    other = Site(name="Hillcrest")
    db.session.add_all([other, Unit(site=riverside, name="ICU")])
    db.session.commit()
    response = post(client, f"/admin/sites/{other.id}", {"name": "RIVERSIDE GENERAL"})
    assert response.status_code == 422 and 'value="RIVERSIDE GENERAL"' in response.get_data(as_text=True)
    ward = next(unit for unit in riverside.units if unit.name == "Ward 4B")
    response = post(client, f"/admin/units/{ward.id}", {"name": "icu"})
    assert response.status_code == 422 and "already has a unit called icu" in response.get_data(as_text=True)


def test_unknown_sites_and_units_are_not_found(client, admin):
    assert client.get("/admin/sites/999").status_code == 404
    assert client.get("/admin/units/999").status_code == 404

"""Production settings refuse to start without SECRET_KEY and AUDIT_KEY; the demo makes its own."""
import pytest

from ideas import create_app
from ideas.config import Config, ProductionConfig


@pytest.mark.parametrize("missing", ["SECRET_KEY", "AUDIT_KEY"])
def test_production_refuses_to_start_without_a_key(missing, tmp_path, monkeypatch):
    monkeypatch.setenv("IDEAS_INSTANCE_PATH", str(tmp_path))
    keys = {"SECRET_KEY": "s" * 32, "AUDIT_KEY": "a" * 32, missing: None}
    with pytest.raises(RuntimeError, match=f"{missing} is not set"):
        create_app(ProductionConfig, {**keys, "LOG_JSON": False, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert not (tmp_path / missing.lower()).exists()


def test_production_starts_with_both_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("IDEAS_INSTANCE_PATH", str(tmp_path))
    app = create_app(ProductionConfig, {"SECRET_KEY": "s" * 32, "AUDIT_KEY": "a" * 32, "LOG_JSON": False,
                                        "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["AUDIT_KEY"] == "a" * 32


def test_the_demo_settings_make_keys_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("IDEAS_INSTANCE_PATH", str(tmp_path))
    app = create_app(Config, {"SECRET_KEY": None, "AUDIT_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()
    assert app.config["AUDIT_KEY"] == (tmp_path / "audit_key").read_text().strip()

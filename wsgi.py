"""Entry point for gunicorn: `gunicorn wsgi:app` (production settings: SECRET_KEY and AUDIT_KEY required)."""
from ideas import create_app
from ideas.config import ProductionConfig

app = create_app(ProductionConfig)

"""The WSGI entry point for gunicorn: `gunicorn --config web/gunicorn_conf.py wsgi:app`."""
from web.app import create_app

app = create_app()

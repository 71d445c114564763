"""The fastest Flask page there is: the limit bench/public_pages.py compares the service with.

Run by gunicorn with exactly the options the service gets (``gunicorn bench.hello_app:app``).
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"

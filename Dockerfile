# Apprenticeship Tracker: one image for every process (web, Celery worker, Celery beat, and the
# one-shot `flask --app wsgi db upgrade`). See docs/deployment.md.

# --- Stage 1: the front-end assets (static/dist) -------------------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY static/build.mjs ./static/build.mjs
COPY static/src ./static/src
COPY static/js ./static/js
RUN npm run build

# --- Stage 2: the Python app -------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Panel packs as PDF (WeasyPrint) draw text with Pango, HarfBuzz and fontconfig, which come from
# the OS; Liberation Sans stands in for Arial, the service's font. Without them the pack page
# still works and offers the browser's print instead (docs/deployment.md).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
 && rm -rf /var/lib/apt/lists/*

# The app finds templates/, static/, migrations/ and instance/ through PROJECT_ROOT, the parent
# of the tracker package (tracker/config.py). So the code runs from /app, where it is copied,
# and is not installed as a package: `pip install .` would put a second copy of tracker in
# site-packages (without default.yaml, which the wheel does not carry), and `pip install -e .`
# needs the source before the dependencies, so every code change would reinstall them all.
# Instead pip installs the runtime dependencies that pyproject.toml lists, pinned by
# requirements.lock, and PYTHONPATH=/app makes `import tracker` load /app/tracker wherever a
# command starts. PROJECT_ROOT is then /app. The dev extras (pytest, Playwright, ruff) are
# not installed.
COPY pyproject.toml requirements.lock ./
RUN pip install --upgrade pip==25.3 \
 && python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
      > /tmp/requirements.txt \
 && pip install -c requirements.lock -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

COPY tracker ./tracker
COPY templates ./templates
COPY static ./static
COPY --from=assets /build/static/dist ./static/dist
COPY migrations ./migrations
COPY wsgi.py gunicorn.conf.py ./

# The code stays owned by root and read-only to the app. The only folder it writes to is
# instance/: create_app() creates it at start-up, so it must exist and belong to the app user.
RUN python -m compileall -q tracker migrations wsgi.py \
 && groupadd --system --gid 10001 tracker \
 && useradd --system --uid 10001 --gid tracker --no-create-home --shell /usr/sbin/nologin tracker \
 && mkdir -p instance/uploads \
 && chown -R tracker:tracker instance
USER 10001:10001

ENV PYTHONPATH=/app \
    TRACKER_ENV=production \
    PORT=8000

# gunicorn's settings (processes, threads, timeouts, port) come from gunicorn.conf.py, which
# reads WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_TIMEOUT, PORT and the rest at start-up:
# set them on the container, not here. See docs/configuration.md.
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"]

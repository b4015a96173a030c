# notifier: one image for every replica. SQLite lives in the /data volume by default; set
# NOTIFIER_DATABASE_URL to a PostgreSQL URL to run several replicas.
#
# Keys: the image defaults to the production setup: the key is read from a secret mounted
# outside the data volume, NOTIFIER_KEY_FILE=/run/secrets/notifier.key (mode 0400 or 0600, owned
# by uid 10001), or given as NOTIFIER_ENCRYPTION_KEYS. Without either the container stops with
# one line: it never generates a key, least of all in /data, where a copy of the volume would
# carry the key that opens it. For a throw-away trial only: -e NOTIFIER_KEY_FILE=  (empty: the
# key is then generated beside the database, in the volume) (README, Docker).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NOTIFIER_DATABASE_URL=sqlite:////data/notifier.db \
    NOTIFIER_KEY_FILE=/run/secrets/notifier.key \
    NOTIFIER_HTTP_HOST=0.0.0.0 \
    NOTIFIER_HTTP_PORT=8000

WORKDIR /app
# Dependencies first (pinned by the same constraints file as the Makefile and CI), so code
# changes do not reinstall them.
COPY constraints.txt pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && pip install -c constraints.txt -r requirements.txt
COPY notifier ./notifier
COPY jobs ./jobs
COPY migrations ./migrations
RUN pip install --no-deps . && rm -rf build *.egg-info

RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin notifier \
    && mkdir -p /data && chown notifier /data
VOLUME ["/data"]
USER 10001
WORKDIR /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os,urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('NOTIFIER_HTTP_PORT', '8000'), timeout=4)"]
CMD ["notifier", "run"]

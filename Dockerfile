# Front-end packages, from package-lock.json.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=mentoring.settings.production VAR_DIR=/app/var
WORKDIR /app
RUN useradd --create-home --uid 1000 mentoring \
    && apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY --from=assets /app/node_modules ./node_modules
COPY . .
# collectstatic needs settings but no real keys or database: throwaway ones, never stored.
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    NOTES_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput --verbosity 0 \
    && python manage.py compilemessages --ignore node_modules --verbosity 0 \
    && mkdir -p var && chown -R mentoring var
USER mentoring
EXPOSE 8000
CMD ["gunicorn", "mentoring.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

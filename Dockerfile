# The HMS web and worker image. Build: docker compose build
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# Everything but what .dockerignore leaves out (tests, benchmarks, local state); what goes
# into the image is what pyproject.toml packages (tests/test_packaging.py checks the wheel).
COPY . /src
RUN pip install /src && rm -rf /src && useradd --create-home --uid 10001 hms

USER hms
EXPOSE 8000
# SIGTERM stops web and worker within 10 s (Docker's grace), outages included. Run with
# `docker run --init` (compose: `init: true`) so PID 1 forwards signals and reaps children.
STOPSIGNAL SIGTERM
# Web processes only; projections and scheduled policies run in the `worker` service.
CMD ["hms", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--no-worker"]

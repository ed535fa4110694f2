"""Whether a run goes through Prefect: a configured API means a flow run, none means in-process.

Deciding must not import prefect (a second of start-up): the API URL is read from the
environment or from the active profile in Prefect's profiles file, as Prefect itself would.
"""

from __future__ import annotations

import os
import tomllib
import urllib.error
import urllib.request
from pathlib import Path


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()


def configured_api_url() -> str | None:
    """PREFECT_API_URL from the environment, else from the active Prefect profile."""
    url = os.environ.get("PREFECT_API_URL", "").strip()
    if url:
        return url
    profiles_path = Path(
        os.environ.get("PREFECT_PROFILES_PATH", str(prefect_home() / "profiles.toml"))
    ).expanduser()
    try:
        profiles = tomllib.loads(profiles_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active")
    if not isinstance(active, str):
        return None
    settings = profiles.get("profiles", {}).get(active, {})
    value = settings.get("PREFECT_API_URL") if isinstance(settings, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def check_api(url: str, timeout: float = 3.0) -> str | None:
    """None when the Prefect API answers its health check, else what went wrong."""
    health = url.rstrip("/") + "/health"
    try:
        with urllib.request.urlopen(health, timeout=timeout) as response:
            if response.status == 200:
                return None
            return f"health check answered HTTP {response.status}"
    except urllib.error.HTTPError as error:
        return f"health check answered HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return str(reason)


def quiet_prefect_environment() -> None:
    """Settings that keep Prefect from phoning home and from filling the console."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
    # Run logs still go to the API (the UI shows them); the console only sees warnings.
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_RESULTS_PERSIST_BY_DEFAULT", "false")

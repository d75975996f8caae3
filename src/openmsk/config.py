"""One Settings object read from the environment (prefix OPENMSK_) and an optional .env file."""

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class InsecureConfiguration(RuntimeError):
    """Raised when production settings are missing something we refuse to guess."""


class Settings(BaseSettings):
    """Runtime configuration; every field maps to an OPENMSK_* environment variable."""

    model_config = SettingsConfigDict(env_prefix="OPENMSK_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    var_dir: Path = Path("var")
    database_url: str = ""
    redis_url: str = ""
    redis_namespace: str = "openmsk"
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = "OpenMSK <no-reply@localhost>"
    smtp_starttls: bool = True

    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    session_hours: int = Field(default=12, ge=1)
    token_hours: int = Field(default=24, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    lockout_minutes: int = Field(default=15, ge=1)
    reset_link_minutes: int = Field(default=60, ge=5)
    invitation_link_hours: int = Field(default=72, ge=1)
    log_level: str = "INFO"

    def resolved_database_url(self) -> str:
        """The configured database URL, or the embedded SQLite file under var_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'openmsk.sqlite3').resolve()}"

    def resolved_secret_key(self) -> str:
        """The signing key; outside production one is generated once and kept under var_dir."""
        if self.secret_key:
            return self.secret_key
        if self.env == "production":
            raise InsecureConfiguration("OPENMSK_SECRET_KEY must be set in production")
        key_file = self.var_dir / "secret_key"
        if not key_file.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        self.secret_key = key_file.read_text().strip()
        return self.secret_key

    @property
    def secure_cookies(self) -> bool:
        """Cookies carry the Secure flag whenever the site is served over HTTPS."""
        return self.base_url.startswith("https://")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()

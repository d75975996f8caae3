"""Interop settings (OPENMSK_FHIR_* variables): our key for pulling from providers' FHIR servers."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class InteropConfig(BaseSettings):
    """Where our SMART Backend Services private key lives, when a provider feed needs a token."""

    model_config = SettingsConfigDict(env_prefix="OPENMSK_FHIR_", env_file=".env", extra="ignore")

    # PEM file of our RS384 private key; its public half is registered with each provider.
    client_key_file: Path | None = None

    def client_key_pem(self) -> str | None:
        """The private key's PEM text, or None when no key file is configured."""
        return self.client_key_file.read_text() if self.client_key_file else None


@lru_cache
def interop_config() -> InteropConfig:
    """The process-wide interop settings, read once."""
    return InteropConfig()

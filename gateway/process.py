"""What each of the gateway's processes does first: log in its own name and make the app from the
environment, or say what is wrong with the configuration."""

import logging
import sys

from registry.config import ConfigError


def start(name: str):
    """The app, or None after printing the configuration error (the process then exits with 2)."""
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s %(levelname)s {name}: %(message)s")
    try:
        from registry import create_app

        return create_app()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return None

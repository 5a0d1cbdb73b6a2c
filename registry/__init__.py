"""The registry of heavy diesel trucks and non-road machinery (重型柴油车与非道路移动机械登记平台)."""


def create_app(config=None):
    """Build the Flask application; imported lazily so pure modules stay free of Flask."""
    from registry.app import create_app as _create_app

    return _create_app(config)

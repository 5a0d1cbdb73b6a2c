from registry import create_app
from registry.common.heap import freeze_startup_objects

app = create_app()
freeze_startup_objects()  # each gunicorn worker imports this module: its start-up objects stay out of full collections

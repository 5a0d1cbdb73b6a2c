"""The rules engine and the identifier functions import neither Flask nor a database library."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_rules_engine_imports_no_flask_and_no_database():
    code = (
        "import sys; import registry.rules, registry.identifiers.plates, registry.identifiers.colours,"
        " registry.identifiers.vin, registry.identifiers.credit_code;"
        " bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'psycopg', 'werkzeug'));"
        " print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_the_pipelines_pure_stages_import_no_flask_and_no_database():
    """Deciding and building records are pure (registry.ingest): they touch nothing but their inputs."""
    code = (
        "import sys; import registry.ingest.decide, registry.ingest.records;"
        " bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'psycopg', 'werkzeug'));"
        " print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""

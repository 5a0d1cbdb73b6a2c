"""The uplink sends each record once and in order while gates write at full speed, on the embedded default
(SQLite) as on PostgreSQL (issue 29): a 2xx answer is never lost to a busy database, so an acknowledged
batch is never sent again."""

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import select

from registry import create_app
from registry.extensions import db, write_transactions
from registry.firms.schemas import FirmInputSchema
from registry.firms.services import create_firm
from registry.gates.services import create_gate
from registry.ingest import Arrival, record_plate_events
from registry.ingest.reads import SCHEMA
from registry.uplink.models import UplinkRecord, UplinkTarget
from registry.uplink.relay import relay_round
from tests.support.databases import empty_database, flask_cli

PASSES = 300


class Target:
    """A higher platform that takes every batch (a little slowly) and keeps what it was sent, in order."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # the standard library names it so
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                time.sleep(0.02)  # the gates write meanwhile
                received.extend(record["sequence"] for record in body["records"])
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/reports"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_every_record_arrives_once_and_in_order_while_the_gates_write(tmp_path):
    target = Target()
    with empty_database(tmp_path) as url:
        assert flask_cli(url, "db", "upgrade").returncode == 0
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "TESTING": True,
                "IMAGE_DIR": str(tmp_path),
                "OUTBOUND_PRIVATE_HOSTS": ["127.0.0.1"],
            }
        )
        try:
            with app.app_context():
                firm = create_firm(None, FirmInputSchema().load({"name": "华电", "industry": "power"}))
                gate, _ = create_gate(None, firm, "东门")
                db.session.add(UplinkTarget(name="城市平台", url=target.url, token="t" * 32, batch_size=20))
                db.session.commit()
                gate_id = gate.id

            def gates_write():
                start = datetime.now(UTC) - timedelta(hours=1)
                with app.app_context():
                    from registry.gates.models import Gate

                    for n in range(0, PASSES, 5):
                        with write_transactions():
                            gate_row = db.session.get(Gate, gate_id)
                            reads = [
                                SCHEMA.load({"event_id": f"x-{m}", "plate": f"晋H{m:05d}", "plate_color": "yellow",
                                             "direction": "in", "confidence": 0.9,
                                             "captured_at": (start + timedelta(seconds=10 * m)).isoformat()})
                                for m in range(n, n + 5)
                            ]  # fmt: skip
                            record_plate_events([Arrival(gate_row, read, "mqtt") for read in reads])
                            db.session.commit()
                        db.session.remove()

            writer = threading.Thread(target=gates_write)
            writer.start()
            with app.app_context():
                while writer.is_alive():
                    relay_round()
                    db.session.remove()
                writer.join()
                # What is left, as the relay's loop takes it: a round that moves nothing waits a poll. On
                # PostgreSQL the relay reads only behind every transaction still running in the cluster,
                # and another database's transaction (another test's) may hold it back a while.
                deadline = time.monotonic() + 60
                while len(target.received) < PASSES and time.monotonic() < deadline:
                    if not relay_round():
                        time.sleep(0.05)
                    db.session.remove()
                sent = [
                    r.id for r in db.session.scalars(select(UplinkRecord).order_by(UplinkRecord.tx_id, UplinkRecord.id))
                ]
                stuck = db.session.scalar(select(UplinkTarget.failures))
                db.session.remove()
            assert len(sent) == PASSES
            assert stuck == 0
            assert len(target.received) == len(set(target.received)), "a record was sent twice"
            assert target.received == sent, "records arrived out of order or were left behind"
        finally:
            target.close()
            with app.app_context():
                db.engine.dispose()

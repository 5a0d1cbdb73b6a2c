"""A road checkpoint's camera over MQTT, as a firm's gate camera talks (issue 33, 4): the gateway finds the
checkpoint though it has no firm, stores the read, judges it by the zone it enforces and answers it; a
transit China IV truck inside the zone's hours is a police case. A real broker and gateway process."""

import json
import time
from datetime import datetime, timedelta
from datetime import time as clock

from registry.common.time import LOCAL_TZ
from tests.support.gateway import Publisher, Watcher, gate_event


def test_a_checkpoint_read_over_mqtt_becomes_a_police_case(live_district, broker, gateways):
    district = live_district
    checkpoint = district.scalar("SELECT code FROM gates WHERE kind = 'checkpoint' ORDER BY code LIMIT 1")
    gateways.append(district.start_gateway(broker))
    watcher = Watcher(broker, f"gates/{checkpoint}/verdicts")
    time.sleep(1)
    yesterday = datetime.now(LOCAL_TZ).date() - timedelta(days=1)
    night = datetime.combine(yesterday, clock(22, 30), LOCAL_TZ)  # inside the demo zone's 20:00-08:00
    publisher = Publisher(broker)
    for index, plate in enumerate(("豫A30003", "晋H10001")):  # transit China III; local China VI
        body = gate_event(index, plate, captured_at=(night + timedelta(minutes=index)).isoformat())
        publisher.publish(f"gates/{checkpoint}/events", json.dumps(body))
    publisher.close()
    answers = {body["plate"]: body for _topic, body in watcher.collect(lambda found: len(found) >= 2)}
    assert answers["豫A30003"]["decision"] == "deny"
    assert [f["rule"] for f in answers["豫A30003"]["findings"]] == ["RESTRICTION_ZONE"]
    assert answers["晋H10001"]["decision"] == "pass"
    district.wait_for(lambda: district.scalar("SELECT count(*) FROM cases WHERE firm_id IS NULL") == 1, what="case")
    assert district.dead_letters() == 0

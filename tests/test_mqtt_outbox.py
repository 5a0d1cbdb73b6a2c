"""The gateway's outbox keeps QoS 1 publishes within the broker's Receive Maximum."""

import threading

from gateway.mqtt import Outbox


class Sent(list):
    def __call__(self, topic, payload, retain):
        self.append(topic)


def test_publishes_beyond_the_receive_maximum_wait_and_leave_in_order_as_acks_return():
    sent = Sent()
    outbox = Outbox(sent, limit=4)  # one place stays free for the offline status at exit
    for n in range(7):
        outbox.put(f"t/{n}", b"")
    assert sent == ["t/0", "t/1", "t/2"] and outbox.in_flight == 3 and len(outbox.waiting) == 4
    outbox.settled()
    outbox.settled()
    assert sent == ["t/0", "t/1", "t/2", "t/3", "t/4"] and outbox.in_flight == 3
    outbox.put("t/7", b"")  # behind those already waiting, not ahead of them
    for _ in range(3):
        outbox.settled()
    assert sent[5:] == ["t/5", "t/6", "t/7"]
    for _ in range(3):
        outbox.settled()
    assert outbox.in_flight == 0 and not outbox.waiting


def test_the_last_word_goes_ahead_in_the_place_kept_for_it_and_is_counted():
    sent = Sent()
    outbox = Outbox(sent, limit=4)
    for n in range(5):
        outbox.put(f"t/{n}", b"")
    outbox.put_first("status", b"")
    assert sent == ["t/0", "t/1", "t/2", "status"] and outbox.in_flight == 4
    for _ in range(4):  # its acknowledgement frees a place like any other
        outbox.settled()
    assert sent[4:] == ["t/3", "t/4"] and outbox.in_flight == 2


def test_a_broker_that_takes_one_at_a_time_still_gets_everything():
    sent = Sent()
    outbox = Outbox(sent, limit=1)
    for n in range(3):
        outbox.put(f"t/{n}", b"")
    assert sent == ["t/0"]
    outbox.settled()
    outbox.settled()
    assert sent == ["t/0", "t/1", "t/2"]


def test_a_smaller_limit_after_a_reconnect_lets_the_messages_in_flight_drain_first():
    sent = Sent()
    outbox = Outbox(sent, limit=10)
    for n in range(12):
        outbox.put(f"t/{n}", b"")
    assert outbox.in_flight == 9
    outbox.limit = 4  # the new broker accepts fewer
    for _ in range(6):
        outbox.settled()
    assert outbox.in_flight == 3 and len(sent) == 9
    outbox.settled()
    assert len(sent) == 10 and outbox.in_flight == 3


def test_concurrent_puts_and_acks_lose_nothing():
    sent, lock = [], threading.Lock()

    def send(topic, payload, retain):
        with lock:
            sent.append(topic)

    outbox = Outbox(send, limit=20)
    acks = threading.Semaphore(0)

    def acknowledge():
        for _ in range(5000):
            acks.acquire()
            outbox.settled()

    acker = threading.Thread(target=acknowledge)
    acker.start()
    for n in range(5000):
        outbox.put(f"t/{n}", b"")
        acks.release()
    acker.join(timeout=30)
    assert sorted(sent) == sorted(f"t/{n}" for n in range(5000)) and outbox.in_flight == 0

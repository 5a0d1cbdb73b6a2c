"""A policy set's id from its policies (pure): 63 bits of the SHA-256 of their sorted ids, so that naming a
set needs no query and the id says the same in every process and database (registry.policies.sets)."""

import hashlib

IDS_OF_SET: dict[int, list[int]] = {}  # a set's id stands for its policies: true whatever commits


def set_id_of(policy_ids) -> int | None:
    """The id of the set of these policies; None for none."""
    if not policy_ids:
        return None
    ids = sorted(policy_ids)
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).digest()
    set_id = int.from_bytes(digest[:8], "big") >> 1
    IDS_OF_SET.setdefault(set_id, ids)
    return set_id

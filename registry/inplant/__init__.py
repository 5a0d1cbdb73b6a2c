"""A firm's in-plant fleet (厂内): transport vehicles that never leave the plant (the gate ledger's table 4);
its in-plant non-road machinery is registered in the machinery registry with the firm as its owner
(table 5), not kept a second time here."""

"""一车一档 (one truck, one story): a truck's gate passes, checkpoint passes, remote-sensing results,
black-smoke captures, remote OBD days and high-emitter listings on one timeline."""

"""The terminal protocol, pure: bytes in, frames and answers out, and back (docs/obd.md).

`frames` cuts a TCP stream into frames (start mark, header, data unit, BCC) and resynchronises after
garbage; `units` reads and writes each command's data unit in both layouts found in the field, and each
information type's body; `values` turns raw fields into measurements with their validity; `signing`
verifies an HJ 1239 data unit's SM2 signature. Nothing here touches a socket, a clock or a database."""

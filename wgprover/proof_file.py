"""Proof files: the wgprover-1 proof bytes, then the AIR they are about.

    proof bytes (PROTOCOL.md §7) || AIR JSON || u32 length of the AIR JSON || b"AIR1"

The verifier re-hashes the embedded AIR and compares it with the digest in the
proof header, so a proof file is self-contained; ``--air`` or ``--air-digest``
pins the expected AIR (docs/PROTOCOL.md §8). Files are written by
``files.write_output`` (atomic for regular files, umask honoured).
"""

from __future__ import annotations

import json
import os
import struct

from .air.language import Air
from .files import write_output

TRAILER = b"AIR1"


def proof_file_bytes(proof: bytes, air: Air) -> bytes:
    """The bytes of a proof file (module doc)."""
    # declaration order, never sort_keys: the order of periodic columns is part of
    # the AIR's canonical bytes and so of its digest (docs/PROTOCOL.md §2.1)
    air_json = json.dumps(air.to_dict()).encode()
    return proof + air_json + struct.pack("<I", len(air_json)) + TRAILER


def write_proof_file(path: str | os.PathLike, proof: bytes, air: Air) -> None:
    blob = proof_file_bytes(proof, air)
    write_output(path, lambda f: f.write(blob))


def split_proof_file(blob: bytes) -> tuple[bytes, Air | None, str | None]:
    """(proof bytes, embedded AIR or None, problem with the embedded AIR or None)."""
    if len(blob) < 8 or blob[-4:] != TRAILER:
        return blob, None, None
    (alen,) = struct.unpack("<I", blob[-8:-4])
    if alen > len(blob) - 8:
        return blob, None, "embedded AIR length is out of range"
    air_json = blob[-8 - alen : -8]
    proof = blob[: -8 - alen]
    try:
        return proof, Air.from_dict(json.loads(air_json.decode())), None
    except Exception as e:  # noqa: BLE001 - any parse problem is a rejection reason
        return proof, None, f"embedded AIR is malformed ({type(e).__name__})"

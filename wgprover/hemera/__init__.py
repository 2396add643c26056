"""hemera: Goldilocks Poseidon2 (t = 16) hash — permutation, byte sponge, tree mode,
and the field-native leaf/node hashing used by the prover (PROTOCOL.md, "Hemera").

``params`` (constants), ``reference`` (NumPy twins), ``scalar`` (one state in
Python ints), ``gpu`` (WGSL kernels).
"""

from .reference import derive_key, hash, hash_elements, hash_node, keyed_hash, permute, root_hash  # noqa: A004

__all__ = ["derive_key", "hash", "hash_elements", "hash_node", "keyed_hash", "permute", "root_hash"]

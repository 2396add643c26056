"""Field-native Merkle commitments with hemera (PROTOCOL.md, "Hemera field-native
hashing and Merkle commitments"): ``reference`` (NumPy) and ``gpu`` (WGSL)."""

"""NTT, coset LDE, bit reversal and Möbius/zeta transforms (NumPy reference + GPU)."""

"""Numba kernels: trusted inputs, no user-facing errors, no allocation of user outputs."""

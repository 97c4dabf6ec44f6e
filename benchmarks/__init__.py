"""sigconv's peer-comparison benchmarks (``python -m benchmarks [--quick]`` or ``sigconv bench``)."""

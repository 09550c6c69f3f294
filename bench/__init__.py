"""Benchmarks (``make bench`` / ``python -m bench``): each module with a ``main()`` prints its figures."""

# The plugins here register a proxy and a space when imported: tests/test_plugins.py loads
# them itself, in registries it restores afterwards; --doctest-modules must not import them.
collect_ignore = ["toy_proxy.py", "toy_space.py"]

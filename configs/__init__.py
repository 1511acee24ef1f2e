"""The study configs (one YAML per space; naslib/: NASLib run configs).

setup.py ships this folder inside the package as ``swap_plugin.configs``, so editable and
wheel installs read these same files; ``swap_plugin.studies.config.config_path`` finds them.
This file makes the folder a regular package, which editable installs need to map it."""

"""Plugins: your own proxies and search spaces, defined outside this package.

A plugin is a Python module that registers things when it is imported, with the same
decorators the package uses for its own (``@register_proxy("name")`` from
:mod:`swap_plugin.proxies`, ``@register_space("name")`` from :mod:`swap_plugin.spaces`).
Name it in either place:

* ``swap-nas <command> --plugin SPEC`` (repeatable), or
* the environment variable ``SWAP_PLUGINS``: specs separated by ``,`` or ``os.pathsep``
  (read at the first registry lookup of every process, so worker processes and NASLib runs
  see the same plugins).

A spec is the path of a ``.py`` file (loaded as a module named after its path) or the
dotted name of a module: an installed one, one on ``PYTHONPATH``, or one in the current
folder (``mymod`` for ``./mymod.py`` or ``./mymod/``, as ``python -m`` would find it).
Nothing is put on ``sys.path``. Loading the same spec twice does nothing; a spec that
fails to import is an error naming it and where it came from.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Dict, Iterable, List, Optional

ENV_VAR = "SWAP_PLUGINS"

_loaded: Dict[str, ModuleType] = {}  # spec as given (file paths resolved) -> module
_env_done = False


class PluginError(ImportError):
    """A plugin module could not be loaded; the message names it and what to do."""


def env_specs() -> List[str]:
    """The specs named by ``SWAP_PLUGINS`` (empty when unset)."""
    text = os.environ.get(ENV_VAR, "")
    return [s.strip() for s in re.split(f"[,{re.escape(os.pathsep)}]", text) if s.strip()]


def load_plugin(spec: str, origin: str = "--plugin") -> ModuleType:
    """Import one plugin (file path or module name); ``origin`` says where it was named,
    for the error message."""
    spec = str(spec).strip()
    if not spec:
        raise PluginError(f"{origin}: empty plugin name; give a .py file or a module name")
    is_file = spec.endswith(".py") or os.sep in spec or "/" in spec
    key = str(Path(spec).expanduser().resolve()) if is_file else spec
    if key in _loaded:
        return _loaded[key]
    if is_file:
        module = _load_file(Path(key), spec, origin)
    else:
        try:
            module = import_module(spec)
        except ModuleNotFoundError as err:
            if err.name and (spec == err.name or spec.startswith(err.name + ".")):
                raise PluginError(f"{origin} {spec!r}: no module of that name is importable (nor in the "
                                  f"current folder {Path.cwd()}); give the path of its .py file instead, or "
                                  "install its package / put its folder on PYTHONPATH") from None
            raise PluginError(f"{origin} {spec!r}: it imports {err.name!r}, which is not installed") from err
        except Exception as err:  # noqa: BLE001  (the plugin's own code failed)
            raise PluginError(f"{origin} {spec!r} failed to import: {type(err).__name__}: {err}") from err
    _loaded[key] = module
    return module


def import_module(name: str) -> ModuleType:
    """``importlib.import_module(name)``, and else the module or package of that name in
    the current folder (what ``python -m`` finds there), loaded by path: ``sys.path`` is
    left as it is. ModuleNotFoundError when neither exists."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as err:
        top = name.split(".")[0]
        if err.name != top or top in sys.modules:
            raise
        here = Path.cwd()
        if (here / top / "__init__.py").is_file():
            spec = importlib.util.spec_from_file_location(top, here / top / "__init__.py",
                                                          submodule_search_locations=[str(here / top)])
        elif (here / f"{top}.py").is_file():
            spec = importlib.util.spec_from_file_location(top, here / f"{top}.py")
        else:
            raise
        module = importlib.util.module_from_spec(spec)
        sys.modules[top] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[top]
            raise
        return importlib.import_module(name)


def _load_file(path: Path, spec: str, origin: str) -> ModuleType:
    if not path.is_file():
        raise PluginError(f"{origin} {spec!r}: no such file; give the path of a .py file or a module name")
    # a stable module name per file: worker processes that load the same file get the
    # same name, so pickled functions of the plugin resolve there too
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:10]
    name = f"swap_plugin_user_{re.sub(r'[^0-9A-Za-z_]', '_', path.stem)}_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None:
        raise PluginError(f"{origin} {spec!r}: cannot load it as a Python module")
    module = importlib.util.module_from_spec(module_spec)
    module.__swap_plugin_file__ = str(path)  # what registries record as its origin
    sys.modules[name] = module
    try:
        module_spec.loader.exec_module(module)
    except Exception as err:  # noqa: BLE001  (the plugin's own code failed)
        del sys.modules[name]
        raise PluginError(f"{origin} {spec!r} failed to import: {type(err).__name__}: {err}") from err
    return module


def load_plugins(specs: Iterable[str] = (), origin: str = "--plugin") -> List[ModuleType]:
    """Load ``specs`` and, once per process, those of ``SWAP_PLUGINS``."""
    mods = load_env_plugins()
    return mods + [load_plugin(s, origin) for s in specs]


def load_env_plugins() -> List[ModuleType]:
    """Load the ``SWAP_PLUGINS`` plugins (once per process; the registries call this at
    their first lookup). A lookup made while this package is still being imported (module
    code that registers built-ins) waits: a plugin importing the package then would meet
    it half made."""
    global _env_done
    if _env_done:
        return []
    if not env_specs():
        _env_done = True
        return []
    if _package_importing():
        return []
    _env_done = True
    try:
        return [load_plugin(s, f"{ENV_VAR}=") for s in env_specs()]
    except PluginError:
        _env_done = False  # report it again at the next lookup, not silently never
        raise


def _package_importing() -> bool:
    """Whether a module of this package is being imported now (its code still running)."""
    top = __name__.split(".")[0]
    return any(getattr(getattr(m, "__spec__", None), "_initializing", False)
               for n, m in list(sys.modules.items()) if n == top or n.startswith(top + "."))


def loaded() -> List[str]:
    """The specs loaded so far (file paths resolved), in order: what a worker process
    loads to see the same registries (:func:`load_plugins`)."""
    return list(_loaded)


def module_of(spec: str) -> Optional[ModuleType]:
    """The module loaded for ``spec``, or None."""
    return _loaded.get(spec) or _loaded.get(str(Path(spec).expanduser().resolve()))

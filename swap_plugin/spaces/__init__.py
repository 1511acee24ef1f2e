"""Search spaces: network builders and encodings, one file per benchmark family.

Nothing here knows about NASLib. ``get_space(name)`` returns a :class:`SearchSpace`.
"""
import importlib

from .base import Arch, SearchSpace, get_space, list_spaces, register_space, to_plain

# module name -> registers these space names when imported
_MODULES = ("nb201", "nb101", "darts", "tnb101")


def _load_all() -> None:
    for mod in _MODULES:
        try:
            importlib.import_module(f"{__name__}.{mod}")
        except ModuleNotFoundError as err:  # a space file not written yet
            if err.name != f"{__name__}.{mod}":
                raise


__all__ = ["Arch", "SearchSpace", "get_space", "list_spaces", "register_space", "to_plain"]

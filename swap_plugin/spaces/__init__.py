"""Search spaces: network builders and encodings, one file per benchmark family.

Nothing here knows about NASLib. ``get_space(name)`` returns a :class:`SearchSpace`.
Every space module is imported here, eagerly: a space that fails to import is an error,
never a space that silently goes missing. Your own spaces: :mod:`swap_plugin.plugins`.
"""
from .base import (Arch, SearchSpace, canonical_space, get_space, list_spaces, paper_presets, register_space,
                   space_class, space_for_naslib, to_plain)
from . import nb201, nb101, darts, tnb101  # noqa: E402,F401  (register)

__all__ = ["Arch", "SearchSpace", "canonical_space", "get_space", "list_spaces", "paper_presets", "register_space",
           "space_class", "space_for_naslib", "to_plain"]

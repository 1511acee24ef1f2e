"""Which activations SWAP hooks, and how their outputs become bits.

ReLU family (paper): the post-activation value is binarised, ``> 0 -> 1``.
Smooth activations (opt-in, the paper's future work): their *pre*-activation sign is
used, since GELU/SiLU outputs are negative for some positive-looking codes.
"""
from __future__ import annotations

import weakref
from contextlib import contextmanager
from typing import Callable, Iterator, List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

RELU_FAMILY: Tuple[type, ...] = (nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.PReLU, nn.RReLU)
SMOOTH_FAMILY: Tuple[type, ...] = (nn.GELU, nn.SiLU, nn.Hardswish, nn.Mish, nn.ELU,
                                   nn.CELU, nn.SELU, nn.Softplus)

# functional spellings captured when a model has no activation modules at all
_FUNCTIONAL_RELUS = {
    F.relu, F.relu_, torch.relu, torch.relu_, torch.Tensor.relu, torch.Tensor.relu_,
    F.relu6, F.leaky_relu, F.leaky_relu_, F.prelu, F.rrelu, F.rrelu_,
}

Sink = Callable[[torch.Tensor], None]


def hooked_kinds(include_smooth: bool = False) -> Tuple[type, ...]:
    """The activation module classes SWAP hooks."""
    return RELU_FAMILY + (SMOOTH_FAMILY if include_smooth else ())


def hookable_modules(model: nn.Module, include_smooth: bool = False) -> List[Tuple[str, nn.Module]]:
    """The activation modules SWAP hooks, in registration order."""
    kinds = hooked_kinds(include_smooth)
    return [(n, m) for n, m in model.named_modules() if isinstance(m, kinds)]


# outputs of these are >= 0, so "> 0" equals "!= 0", which the fast cast kernel computes
# (several times cheaper than a comparison on CPU). A NaN activation — impossible from
# finite inputs unless the network overflows — would count as active there.
NON_NEGATIVE: Tuple[type, ...] = (nn.ReLU, nn.ReLU6)
_NON_NEGATIVE_FUNCS = {F.relu, F.relu_, torch.relu, torch.relu_, torch.Tensor.relu, torch.Tensor.relu_, F.relu6}


def binarise(t: torch.Tensor, non_negative: bool = False) -> torch.Tensor:
    """``(S, ...)`` activations -> ``(S, units)`` contiguous bool, ``> 0 -> True``."""
    t = t.detach()
    bits = t.bool() if non_negative else t > 0
    return bits.reshape(t.shape[0], -1).contiguous()


@contextmanager
def capture_activations(model: nn.Module, sink: Sink, *, include_smooth: bool = False,
                        modules: Optional[List[nn.Module]] = None,
                        on_repeat: Optional[Callable[[int], None]] = None) -> Iterator[int]:
    """Within the block every hooked activation's bits go to ``sink``.

    Hooks ReLU-family modules; a model without any is captured at the functional
    level (``F.relu``, ``torch.relu``, ``Tensor.relu`` ...) instead. Yields the number of
    hooked modules (0 in functional mode). Hooks are always removed, also on error.
    ``modules``: ``list(model.modules())`` when the caller has it (saves a traversal).

    ``on_repeat(values)``: called *instead of* ``sink`` for a ReLU/ReLU6 whose input is
    the very tensor an earlier ReLU/ReLU6 of this forward already saw, unchanged since
    (same object, same version counter), with its number of values (all rows: a network
    may fold extra axes into the batch, so units = values / S). Its bits (``x > 0`` for
    both) repeat that layer's exactly, so they add nothing to a set of patterns: cells that feed one node
    to several ReLU-Conv-BN edges (NB201, DARTS) repeat 30-45 % of their units. (Writes
    through ``tensor.data`` bypass the version counter; a forward that edits activations
    that way between two ReLUs must not pass ``on_repeat``.)
    """
    kinds = hooked_kinds(include_smooth)
    modules = [m for m in (model.modules() if modules is None else modules) if isinstance(m, kinds)]
    if not modules:
        with _FunctionalCapture(sink):
            yield 0
        return

    seen: dict = {}  # id(input) -> (weak reference, version) of inputs already binarised

    def post_hook(m, inp, out):
        non_negative = isinstance(m, NON_NEGATIVE)
        if on_repeat is not None and non_negative and inp and isinstance(inp[0], torch.Tensor) \
                and inp[0] is not out:  # an in-place ReLU changed its input: never a repeat
            x = inp[0]
            known = seen.get(id(x))
            if known is not None and known[0]() is x and known[1] == x._version:
                on_repeat(out.numel())
                return
            seen[id(x)] = (weakref.ref(x), x._version)
        sink(binarise(out, non_negative=non_negative))

    def pre_sign_hook(_m, inp, _out):  # smooth activations: sign of the input
        sink(binarise(inp[0]))

    handles = [m.register_forward_hook(post_hook if isinstance(m, RELU_FAMILY) else pre_sign_hook)
               for m in modules]
    try:
        yield len(modules)
    finally:
        for h in handles:
            h.remove()


class _FunctionalCapture(TorchFunctionMode):
    """Sees every torch call in the forward; forwards ReLU-family results to a sink."""

    def __init__(self, sink: Sink):
        super().__init__()
        self.sink = sink

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if func in _FUNCTIONAL_RELUS and isinstance(out, torch.Tensor) and out.dim() >= 1:
            self.sink(binarise(out, non_negative=func in _NON_NEGATIVE_FUNCS))
        return out

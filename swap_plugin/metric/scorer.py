"""SWAP-Score Ψ, regularised Ψ' and |A| for any PyTorch model.

One :class:`SwapScorer` holds the input batch and the options; ``score(model)`` runs
the forward pass(es) with activation hooks and returns a :class:`ScoreResult`.
The caller's model is never changed: parameters, buffers (BatchNorm running
statistics included) and train/eval mode are as before the call.
"""
from __future__ import annotations

import copy
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import List, Optional, Tuple

import torch
import torch.nn as nn

from .activations import SMOOTH_FAMILY, capture_activations, hookable_modules
from .init import INITS, gaussian_init_, gaussian_parameters, repeat_generator
from .params import check_unit, parameter_total
from .patterns import SampleWisePatterns, StandardPatterns, Workspace
from .regulariser import FORMULAS, check_mu_sigma, regulariser

MODES = (None, "train", "eval")
PRECISIONS = (None, "float64")
# exact classes whose train-mode forward is the same with running-stat tracking off
# (subclasses such as SyncBatchNorm may override forward, so they keep the buffer copy)
_PLAIN_BATCHNORM = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)
# upper bound on the bool activations kept at once when repeats are batched
_BATCH_BYTES = 256 * 2**20
# progress=None: a score() call with repeats shows its bar once it has run this long
PROGRESS_DELAY_S = 2.0


@dataclass(frozen=True)
class ScoreResult:
    """One model's scores. ``params`` is Θ in ``size_unit`` ("M" millions, "K" thousands)."""

    swap: float                      # Ψ, mean over repeats
    params: float                    # Θ, auxiliary heads excluded
    size_unit: str
    units: int                       # V: hooked units per forward pass
    samples: int                     # S
    repeats: int
    seconds: float                   # wall time of the whole score() call
    per_repeat: tuple                # Ψ of each repeat (ints)
    reg_swap: Optional[float] = None  # Ψ' = Ψ · f(Θ); None without μ, σ
    regulariser: Optional[float] = None

    def as_dict(self) -> dict:
        d = asdict(self)
        d["per_repeat"] = list(self.per_repeat)
        return d


def check_inputs(inputs) -> torch.Tensor:
    """A clear error for every way an input batch can be unusable."""
    if not isinstance(inputs, torch.Tensor):
        raise TypeError(f"inputs must be a torch.Tensor of shape (S, C, H, W), got {type(inputs).__name__}")
    if inputs.dim() < 2:
        raise ValueError(f"inputs must have a batch dimension and at least one more (e.g. S x C x H x W); got shape {tuple(inputs.shape)}")
    if inputs.shape[0] == 0 or inputs.numel() == 0:
        raise ValueError("inputs is an empty batch: SWAP needs at least one sample (the paper uses 16-64 images)")
    if not inputs.is_floating_point():
        raise TypeError(f"inputs must be floating point (normalised images), got {inputs.dtype}; "
                        "use swap_plugin.data.load_batch or convert with .float() and normalise")
    if not torch.isfinite(inputs).all():
        raise ValueError("inputs contain NaN or inf values; check the normalisation of your batch")
    return inputs


class SwapScorer:
    """Scores many models on one input batch.

    >>> import torch, torch.nn as nn
    >>> net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU())
    >>> scorer = SwapScorer(torch.randn(8, 3, 6, 6), mu=0.0001, sigma=0.0001)
    >>> r = scorer.score(net)
    >>> r.units, r.samples, r.params  # 4 channels x 4 x 4 positions; 112 params in millions
    (64, 8, 0.000112)
    >>> 1 <= r.swap <= 64
    True

    Options (keyword-only):
      repeats      number of scorings averaged; each re-initialises when ``init`` is set
      init         None: score the model's current weights, one forward pass per repeat;
                   "gaussian": official re-init (Conv/Linear N(0,1), norms 1/0) on a copy,
                   seeded by (seed, repeat)
      mode         None: the model's own train/eval mode; "train" or "eval" force one on
                   the scored copy. Paper reproduction uses "train" (BatchNorm batch stats),
                   as the official code does.
      mu, sigma    regulariser centre and width, in ``size_unit``; both or neither
      formula      "paper": exp(-((Θ-μ)/σ)²); "official": exp(-(Θ-μ)²/σ)
      size_unit    "M" (millions, NASLib "MB", paper) or "K" (thousands, official code)
      include_smooth  also hook GELU/SiLU/... (pre-activation sign)
      batch_repeats   with init="gaussian": run the repeats in one vmapped forward
                   (same integers as the loop); "auto" falls back to the loop if vmap fails
      folded_batch  False: every hooked activation has the S samples as its batch; True:
                   a batch of k*S rows is read as S samples of k blocks, for networks that
                   fold an input axis into the batch as ``x.reshape(-1, ...)`` of
                   ``(S, k, ...)`` does (NASLib's jigsaw graph: 9 tiles per image)
      precision    None: the model's own dtype; "float64": score a float64 copy, so the
                   rounding differences between CPU and CUDA kernels (~1e-7 in float32)
                   cannot flip the sign of a near-zero activation: the same integers on
                   both (at ~2x the cost)
      progress     None (default): a progress bar (stderr) over the repeats of a call
                   with repeats > 1, shown only once that call has run for
                   PROGRESS_DELAY_S seconds, so quick calls print nothing; True: always
                   a bar; False: never (callers that show their own progress)

    On CUDA every forward runs with TF32 off and cuDNN in deterministic, non-benchmark
    mode (restored afterwards), so repeated runs give the same integers.
    """

    def __init__(self, inputs: torch.Tensor, *, repeats: int = 1, init: Optional[str] = None,
                 seed: int = 0, device=None, mode: Optional[str] = None,
                 mu: Optional[float] = None, sigma: Optional[float] = None,
                 formula: str = "paper", size_unit: str = "M", include_smooth: bool = False,
                 batch_repeats="auto", precision: Optional[str] = None, folded_batch: bool = False,
                 progress: Optional[bool] = None):
        self.inputs = check_inputs(inputs)
        if not isinstance(repeats, int) or repeats < 1:
            raise ValueError(f"repeats must be a positive int, got {repeats!r}")
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; use None (current weights) or 'gaussian'")
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; use None, 'train' or 'eval'")
        if formula not in FORMULAS:
            raise ValueError(f"unknown regulariser formula {formula!r}; use one of {FORMULAS}")
        check_unit(size_unit)
        if (mu is None) != (sigma is None):
            raise ValueError("give both mu and sigma (regularised score) or neither (plain Ψ)")
        if mu is not None:
            check_mu_sigma(mu, sigma)
        if precision not in PRECISIONS:
            raise ValueError(f"unknown precision {precision!r}; use None (the model's dtype) or 'float64'")
        if batch_repeats not in (True, False, "auto"):
            raise ValueError("batch_repeats must be True, False or 'auto'")
        if progress not in (None, True, False):
            raise ValueError(f"progress must be None (a bar for long calls), True or False, got {progress!r}")
        self.repeats, self.init, self.seed, self.mode = repeats, init, seed, mode
        self.mu, self.sigma, self.formula, self.size_unit = mu, sigma, formula, size_unit
        self.include_smooth = include_smooth
        self.batch_repeats = batch_repeats
        self.precision = precision
        self.folded_batch = bool(folded_batch)
        self.progress = progress
        self.device = torch.device(device) if device is not None else None
        self._inputs_on = {}
        self._local = threading.local()  # one scratch Workspace per thread

    def __getstate__(self):  # picklable for process pools: scratch memory stays behind
        state = dict(self.__dict__)
        del state["_local"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._local = threading.local()

    def _workspace(self) -> Workspace:
        ws = getattr(self._local, "workspace", None)
        if ws is None:
            ws = self._local.workspace = Workspace()
        return ws

    # ---- public -------------------------------------------------------------
    def score(self, model: nn.Module) -> ScoreResult:
        t0 = time.perf_counter()
        counts, n_params = self._counts(model, SampleWisePatterns)
        params = n_params / check_unit(self.size_unit)
        swap = sum(c for c, _ in counts) / len(counts)
        reg = factor = None
        if self.mu is not None:
            factor = regulariser(params, self.mu, self.sigma, self.formula)
            reg = swap * factor
        if self._device_of(model).type == "cuda":
            torch.cuda.synchronize()
        return ScoreResult(swap=swap, params=params, size_unit=self.size_unit, units=counts[0][1],
                           samples=int(self.inputs.shape[0]), repeats=self.repeats,
                           seconds=time.perf_counter() - t0, per_repeat=tuple(c for c, _ in counts),
                           reg_swap=reg, regulariser=factor)

    def activation_patterns(self, model: nn.Module) -> float:
        """|A| of Def 3.1 (distinct per-sample patterns, ≤ S), mean over repeats."""
        counts, _ = self._counts(model, StandardPatterns)
        return sum(c for c, _ in counts) / len(counts)

    # ---- internals ----------------------------------------------------------
    def _device_of(self, model: nn.Module) -> torch.device:
        if self.device is not None:
            return self.device
        for t in model.parameters():
            return t.device
        for t in model.buffers():
            return t.device
        return torch.device("cpu")

    def _copy_to(self, model: nn.Module, device: torch.device) -> nn.Module:
        work = copy.deepcopy(model).to(device)
        return work.double() if self.precision == "float64" else work

    def _x(self, device: torch.device) -> torch.Tensor:
        key = str(device)
        if key not in self._inputs_on:
            dtype = torch.float64 if self.precision == "float64" else None
            self._inputs_on[key] = self.inputs.to(device, dtype=dtype)
        return self._inputs_on[key]

    def _counts(self, model: nn.Module, acc_cls) -> Tuple[List[tuple], int]:
        """([(count, units)] for each repeat, raw parameter count Θ)."""
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        with self._progress_bar() as bar:
            return self._counts_with(model, acc_cls, bar)

    @contextmanager
    def _progress_bar(self):
        """A tqdm bar over the repeats (see ``progress``), or None."""
        if self.progress is False or (self.progress is None and self.repeats == 1):
            yield None
            return
        from tqdm import tqdm

        bar = tqdm(total=self.repeats, desc="SWAP repeats", unit="repeat", leave=False, dynamic_ncols=True,
                   delay=0 if self.progress else PROGRESS_DELAY_S)
        try:
            yield bar
        finally:
            bar.close()

    def _counts_with(self, model: nn.Module, acc_cls, bar) -> Tuple[List[tuple], int]:
        def done(result, n=1):
            if bar is not None:
                bar.update(n)
            return result

        device = self._device_of(model)
        if self.init is None:
            if _model_device(model) not in (None, device) or self.precision == "float64":
                model = self._copy_to(model, device)  # never move or cast the caller's model
            runs = [done(self._forward_count(model, device, acc_cls, with_params=r == 0))
                    for r in range(self.repeats)]
            return [r[:2] for r in runs], runs[0][2]
        work = self._copy_to(model, device)
        if self.mode is not None:
            work.train(self.mode == "train")
        count, units, n_params = done(self._forward_count(gaussian_init_(work, self.seed, 0), device, acc_cls,
                                                          with_params=True))
        out = [(count, units)]
        rest = list(range(1, self.repeats))
        if rest and self.batch_repeats and hookable_modules(work, self.include_smooth):
            try:
                return out + self._batched_counts(work, device, acc_cls, rest, units, done), n_params
            except (RuntimeError, NotImplementedError, ValueError):
                if self.batch_repeats is True:
                    raise
                if bar is not None:  # the loop below redoes the chunks done so far
                    bar.reset(total=self.repeats)
                    bar.update(1)
        return out + [done(self._forward_count(gaussian_init_(work, self.seed, r), device, acc_cls)[:2])
                      for r in rest], n_params

    @torch.no_grad()
    def _forward_count(self, model: nn.Module, device, acc_cls, with_params: bool = False) -> tuple:
        """(count, units, raw Θ or None); Θ only when asked: repeats share the first's."""
        x = self._x(device)
        acc = acc_cls(x.shape[0], device, workspace=self._workspace(), folded_batch=self.folded_batch)
        named = list(model.named_modules())  # one traversal, shared by everything below
        mods = [m for _, m in named]
        # per-module flags: a model may mix modes (e.g. frozen BatchNorm in a train model);
        # a model already in the wanted mode is left alone (no switch, nothing to restore)
        want = None if self.mode is None else self.mode == "train"
        modes = [(m, m.training) for m in mods] if want is not None and any(
            m.training != want for m in mods) else []
        if modes:
            model.train(want)
        # Train-mode BatchNorm normalises with batch statistics whether or not it tracks
        # running ones; switching tracking off for the forward leaves its buffers alone, so
        # only the other buffers need a copy to restore (cheaper than cloning ~2 per BN).
        untracked = [m for m in mods if type(m) in _PLAIN_BATCHNORM and m.training and m.track_running_stats]
        kept = {id(b) for m in untracked for b in m._buffers.values()}
        buffers = {id(b): b for m in mods for b in m._buffers.values() if b is not None}
        saved = [(b, b.clone()) for k, b in buffers.items() if k not in kept]
        try:
            for m in untracked:
                m.track_running_stats = False
            with exact_backends(device), capture_activations(
                    model, acc.add, include_smooth=self.include_smooth, modules=mods,
                    on_repeat=acc.add_repeat):
                model(x)
        finally:
            for m in untracked:
                m.track_running_stats = True
            for m, flag in modes:
                m.training = flag
            for b, old in saved:
                b.copy_(old)
        if acc.units == 0:
            raise NoActivationError(model, self.include_smooth, mods)
        return acc.count(), acc.units, parameter_total(named) if with_params else None

    @torch.no_grad()
    def _batched_counts(self, work: nn.Module, device, acc_cls, repeats: List[int], units: int,
                        done=lambda result, n=1: result) -> List[tuple]:
        """Several re-initialisations in one vmapped forward (grouped convolutions);
        ``done(result, n)`` is told of each chunk of ``n`` repeats as it finishes."""
        from torch.func import functional_call, vmap

        x = self._x(device)
        net = _without_running_stats(work) if work.training else work
        fixed = {**dict(net.named_parameters()), **dict(net.named_buffers())}
        chunk = max(1, _BATCH_BYTES // max(1, x.shape[0] * units))
        results = []
        for i in range(0, len(repeats), chunk):
            rs = repeats[i:i + chunk]
            news = [gaussian_parameters(net, repeat_generator(self.seed, r)) for r in rs]
            stacked = {n: torch.stack([p[n] for p in news]) for n in news[0]}
            const = {n: t for n, t in fixed.items() if n not in stacked}

            def forward(params):
                bits: List[torch.Tensor] = []
                with capture_activations(net, bits.append, include_smooth=self.include_smooth):
                    functional_call(net, {**const, **params}, (x,))
                return tuple(bits)

            with exact_backends(device):
                layers = vmap(forward, randomness="error")(stacked)
            chunk_results = []
            for j in range(len(rs)):
                acc = acc_cls(x.shape[0], device, workspace=self._workspace(), folded_batch=self.folded_batch)
                for layer in layers:
                    acc.add(layer[j])
                chunk_results.append((acc.count(), acc.units))
            results.extend(done(chunk_results, len(rs)))
        return results


class NoActivationError(ValueError):
    """A model with nothing SWAP can hook. The message suggests ``include_smooth`` only
    where it would help: the option is off and the model has smooth activation modules.
    :meth:`message` words that hint for another interface (the CLI's ``--include-smooth``)."""

    def __init__(self, model: nn.Module, include_smooth: bool, modules=None):
        self.model_name = type(model).__name__
        self.include_smooth = include_smooth
        mods = model.modules() if modules is None else modules
        self.smooth = sorted({type(m).__name__ for m in mods if isinstance(m, SMOOTH_FAMILY)})
        super().__init__(self.message())

    def message(self, option: str = "include_smooth=True") -> str:
        kinds = "ReLU-family or smooth (GELU/SiLU/...)" if self.include_smooth else "ReLU-family"
        text = (f"{self.model_name} has no {kinds} activation to hook (no nn.ReLU/ReLU6/LeakyReLU/"
                f"PReLU{'/GELU/SiLU/...' if self.include_smooth else ''} module and no functional relu "
                "call in forward); SWAP is defined on ReLU-family activations")
        if self.smooth and not self.include_smooth:
            text += f"; it has {', '.join(self.smooth)} modules: pass {option} to hook them (pre-activation sign)"
        return text


@contextmanager
def exact_backends(device: torch.device):
    """CUDA: TF32 off (it rounds conv/matmul inputs to 10 mantissa bits, enough to flip
    near-zero activations) and cuDNN deterministic without autotuning (another algorithm
    could round differently on the next run); all restored on exit. CPU: nothing to do."""
    if torch.device(device).type != "cuda":
        yield
        return
    cudnn, matmul = torch.backends.cudnn, torch.backends.cuda.matmul
    saved = (cudnn.allow_tf32, matmul.allow_tf32, cudnn.deterministic, cudnn.benchmark)
    cudnn.allow_tf32 = matmul.allow_tf32 = False
    cudnn.deterministic, cudnn.benchmark = True, False
    try:
        yield
    finally:
        cudnn.allow_tf32, matmul.allow_tf32, cudnn.deterministic, cudnn.benchmark = saved


def _model_device(model: nn.Module) -> Optional[torch.device]:
    for t in model.parameters():
        return t.device
    return None


def _without_running_stats(model: nn.Module) -> nn.Module:
    """Train-mode BatchNorm normalises with batch statistics either way; dropping the
    running buffers removes the in-place update that vmap cannot batch."""
    net = copy.deepcopy(model)
    for m in net.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.track_running_stats = False
            m.running_mean = m.running_var = m.num_batches_tracked = None
    return net




def swap_score(model: nn.Module, inputs: torch.Tensor, *, repeats: int = 1, init: Optional[str] = None,
               seed: int = 0, device=None, **options) -> float:
    """Ψ: distinct sample-wise activation patterns over all hooked units (mean over repeats).

    >>> import torch, torch.nn as nn
    >>> net = nn.Sequential(nn.Flatten(), nn.Linear(2, 3), nn.ReLU())
    >>> with torch.no_grad():
    ...     _ = net[1].weight.copy_(torch.tensor([[1., 0.], [0., 1.], [1., 1.]]))
    ...     _ = net[1].bias.zero_()
    >>> x = torch.tensor([[1., -1.], [-1., 1.]])  # unit patterns: (1,0), (0,1), (0,0)
    >>> swap_score(net, x)
    3.0
    """
    return SwapScorer(inputs, repeats=repeats, init=init, seed=seed, device=device, **options).score(model).swap


def reg_swap_score(model: nn.Module, inputs: torch.Tensor, *, mu: float, sigma: float,
                   formula: str = "paper", size_unit: str = "M", **options) -> float:
    """Ψ' = Ψ · f(Θ); μ and σ in ``size_unit`` (see :func:`swap_plugin.regulariser`)."""
    return SwapScorer(inputs, mu=mu, sigma=sigma, formula=formula, size_unit=size_unit,
                      **options).score(model).reg_swap


def activation_pattern_score(model: nn.Module, inputs: torch.Tensor, **options) -> float:
    """|A| (Def 3.1): distinct standard activation patterns, one per sample, ≤ S."""
    return SwapScorer(inputs, **options).activation_patterns(model)

"""The TransNAS-Bench-101 networks: backbones (micro cell / macro skeleton) and the
task-specific decoders the benchmark trained them with.

A re-implementation of the TransNAS-Bench-101 release (``yawen-d/TransNASBench``,
``lib/models/net_infer``, ``net_ops/cell_ops.py`` and ``task_models``; NASLib ships an
identical copy under ``naslib/search_spaces/transbench101/tnb101``).  Module and
attribute names follow the release so its state dicts line up
(``encoder.stem``, ``encoder.layer{i}``, ``MicroCell.edges``, ``ReLUConvBN.ops``,
``decoder.fc`` / ``decoder.model`` / ``decoder.conv1..14``).

Deliberate differences, none of which changes a parameter count or an output:

* every ReLU is a non-inplace ``nn.ReLU`` module (the release already uses modules;
  the SWAP metric hooks them);
* the release computes the decoder's number of upsamplings from a feature size that
  assumes a 224x224 input (``MacroNet(input_dim=(224, 224))``) although the tasks
  feed 256x256; ``num_upsample`` here is the same closed form (2 + number of
  stride-2 modules), which equals the release's value for every arch;
* ``SiameseNet`` also accepts a 4-D image batch and cuts it into a 3x3 grid of
  tiles (the release only accepts one 1x3x720x1080 test image that way).

One quirk is kept on purpose: the release's ``ResNetBasicblock`` shortcut BN is
``nn.BatchNorm2d(planes, affine, track_running_stats)`` with *positional* args, i.e.
``eps=1.0, momentum=1.0``; it is rebuilt with exactly those values.
"""
from __future__ import annotations

from typing import List, Sequence, Tuple

import torch
import torch.nn as nn

#: stride-2 modules in the backbone stem (the stem divides the resolution by 4)
STEM_REDUCTION = 4


# ---------------------------------------------------------------- cell ops
class ReLUConvBN(nn.Module):
    """ReLU -> Conv2d (no bias) -> BatchNorm2d, the release's ``ReLUConvBN``."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, padding: int,
                 affine: bool = True, track_running_stats: bool = True):
        super().__init__()
        self.ops = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding, bias=False),
            nn.BatchNorm2d(c_out, affine=affine, track_running_stats=track_running_stats),
        )
        self.C_in, self.C_out, self.stride = c_in, c_out, stride

    def forward(self, x):
        return self.ops(x)

    def extra_repr(self) -> str:
        return f"C_in={self.C_in}, C_out={self.C_out}, stride={self.stride}"


class Zero(nn.Module):
    """Op ``0`` (none): zeros of the output shape."""

    def __init__(self, c_in: int, c_out: int, stride: int):
        super().__init__()
        self.C_in, self.C_out, self.stride = c_in, c_out, stride
        self.is_zero = True

    def forward(self, x):
        if self.C_in == self.C_out:
            if self.stride == 1:
                return x.mul(0.0)
            return x[:, :, :: self.stride, :: self.stride].mul(0.0)
        n, _, h, w = x.shape
        return x.new_zeros((n, self.C_out, (h + 1) // self.stride, (w + 1) // self.stride))

    def extra_repr(self) -> str:
        return f"C_in={self.C_in}, C_out={self.C_out}, stride={self.stride}"


class Identity(nn.Module):
    """Op ``1`` (skip_connect) when shape is kept."""

    def forward(self, x):
        return x


class FactorizedReduce(nn.Module):
    """Op ``1`` (skip_connect) when the stride or the width changes: ReLU, two
    offset 1x1 convs each giving half the channels, concatenated, BN."""

    def __init__(self, c_in: int, c_out: int, stride: int, affine: bool = True,
                 track_running_stats: bool = True):
        super().__init__()
        if c_out % 2:
            raise ValueError(f"FactorizedReduce needs an even C_out, got {c_out}")
        self.C_in, self.C_out, self.stride = c_in, c_out, stride
        self.relu = nn.ReLU(inplace=False)
        halves = (c_out // 2, c_out - c_out // 2)
        self.convs = nn.ModuleList(
            nn.Conv2d(c_in, h, 1, stride=stride, padding=0, bias=False) for h in halves)
        self.pad = nn.ConstantPad2d((0, 1, 0, 1), 0)
        self.bn = nn.BatchNorm2d(c_out, affine=affine, track_running_stats=track_running_stats)

    def forward(self, x):
        x = self.relu(x)
        y = self.pad(x)
        out = torch.cat([self.convs[0](x), self.convs[1](y[:, :, 1:, 1:])], dim=1)
        return self.bn(out)

    def extra_repr(self) -> str:
        return f"C_in={self.C_in}, C_out={self.C_out}, stride={self.stride}"


def make_micro_op(code: str, c_in: int, c_out: int, stride: int) -> nn.Module:
    """TransNAS micro op digit -> module ('0' none, '1' skip, '2' conv1x1, '3' conv3x3)."""
    if code == "0":
        return Zero(c_in, c_out, stride)
    if code == "1":
        if stride == 1 and c_in == c_out:
            return Identity()
        return FactorizedReduce(c_in, c_out, stride)
    if code == "2":
        return ReLUConvBN(c_in, c_out, 1, stride, 0)
    if code == "3":
        return ReLUConvBN(c_in, c_out, 3, stride, 1)
    raise ValueError(f"unknown TransNAS micro op {code!r}")


# ------------------------------------------------------------------ cells
class MicroCell(nn.Module):
    """The 4-node micro cell.  ``cell_code`` is ``['', 'a', 'bc', 'def']``: node j
    sums op ``cell_code[j][i]`` applied to node i (i < j).  Edges out of node 0 carry
    the cell's stride and width change; ``edges`` is in string order."""

    expansion = 1

    def __init__(self, cell_code: Sequence[str], c_in: int, c_out: int, stride: int):
        super().__init__()
        cell_code = list(cell_code)
        if [len(c) for c in cell_code] != list(range(len(cell_code))):
            raise ValueError(f"bad micro cell code {cell_code!r}")
        if stride not in (1, 2):
            raise ValueError(f"invalid stride {stride}")
        self.cell_code = cell_code
        self.C_in, self.C_out, self.stride = c_in, c_out, stride
        self.edges = nn.ModuleList()
        #: per node >= 1: ((edge index, source node), ...)
        self.node_inputs: List[Tuple[Tuple[int, int], ...]] = []
        k = 0
        for node in range(1, len(cell_code)):
            inputs = []
            for src, op in enumerate(cell_code[node]):
                if src == 0:
                    self.edges.append(make_micro_op(op, c_in, c_out, stride))
                else:
                    self.edges.append(make_micro_op(op, c_out, c_out, 1))
                inputs.append((k, src))
                k += 1
            self.node_inputs.append(tuple(inputs))

    def forward(self, x):
        nodes = [x]
        for inputs in self.node_inputs:
            out = self.edges[inputs[0][0]](nodes[inputs[0][1]])
            for k, src in inputs[1:]:
                out = out + self.edges[k](nodes[src])
            nodes.append(out)
        return nodes[-1]


class ResNetBasicblock(nn.Module):
    """The macro space's cell: ReLUConvBN(3x3, stride) -> ReLUConvBN(3x3), plus a
    1x1-conv+BN shortcut when the stride or width changes."""

    expansion = 1

    def __init__(self, cell_code: str, inplanes: int, planes: int, stride: int = 1):
        super().__init__()
        if cell_code != "basic":
            raise ValueError(f"ResNetBasicblock needs cell code 'basic', got {cell_code!r}")
        if stride not in (1, 2):
            raise ValueError(f"invalid stride {stride}")
        self.conv_a = ReLUConvBN(inplanes, planes, 3, stride, 1)
        self.conv_b = ReLUConvBN(planes, planes, 3, 1, 1)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(
                nn.Conv2d(inplanes, planes, kernel_size=1, stride=stride, padding=0, bias=False),
                # the release passes (affine, track_running_stats) positionally,
                # which sets eps=1.0 and momentum=1.0 (affine stays True)
                nn.BatchNorm2d(planes, eps=1.0, momentum=1.0),
            )
        self.in_dim, self.out_dim, self.stride = inplanes, planes, stride

    def forward(self, x):
        feature = self.conv_b(self.conv_a(x))
        residual = self.downsample(x) if self.downsample is not None else x
        return residual + feature


# --------------------------------------------------------------- backbone
def parse_net_code(net_code: str) -> Tuple[int, str, object]:
    """``"64-41414-1_02_333"`` -> (64, "41414", ['', '1', '02', '333']);
    ``"64-1234-basic"`` -> (64, "1234", "basic")."""
    parts = net_code.split("-")
    if len(parts) != 3:
        raise ValueError(f"a TransNAS net code is 'C-skeleton-cell', got {net_code!r}")
    base, skeleton, cell = parts
    if not base.isdigit() or not skeleton or any(ch not in "1234" for ch in skeleton):
        raise ValueError(f"bad TransNAS net code {net_code!r}")
    if cell == "basic":
        return int(base), skeleton, "basic"
    return int(base), skeleton, [""] + cell.split("_")


def skeleton_plan(base_channel: int, skeleton: str) -> List[Tuple[int, int, int]]:
    """(C_in, C_out, stride) of the first cell of each module.  Module type digit:
    1 keep, 2 channels x2, 3 resolution /2, 4 both."""
    plan, c = [], base_channel
    for ch in skeleton:
        t = int(ch)
        c_out = c * 2 if t % 2 == 0 else c
        plan.append((c, c_out, 2 if t > 2 else 1))
        c = c_out
    return plan


class MacroNet(nn.Module):
    """TransNAS backbone (``structure='backbone'``): stem (conv3x3/2 -> BN ->
    ReLUConvBN3x3/2, 3 -> C/2 -> C) and one 2-cell module per skeleton digit.
    Output: the feature map (N, C_final, H / 2**(2 + #downsamples), ...)."""

    def __init__(self, net_code: str, blocks_per_module: int = 2):
        super().__init__()
        self.net_code = net_code
        self.base_channel, self.macro_code, self.micro_code = parse_net_code(net_code)
        c = self.base_channel
        self.stem = nn.Sequential(
            nn.Conv2d(3, c // 2, kernel_size=3, stride=2, padding=1, dilation=1, bias=False),
            nn.BatchNorm2d(c // 2, affine=True, track_running_stats=True),
            ReLUConvBN(c // 2, c, 3, 2, 1),
        )
        cell = ResNetBasicblock if self.micro_code == "basic" else MicroCell
        self.layers: List[str] = []
        for i, (c_in, c_out, stride) in enumerate(skeleton_plan(c, self.macro_code)):
            cells = [cell(self.micro_code, c_in, c_out, stride)]
            cells += [cell(self.micro_code, c_out, c_out, 1) for _ in range(1, blocks_per_module)]
            self.add_module(f"layer{i}", nn.Sequential(*cells))
            self.layers.append(f"layer{i}")
            c = c_out
        self.out_channels = c
        self.num_downsample = sum(int(ch) > 2 for ch in self.macro_code)
        self._kaiming_init()

    @property
    def reduction(self) -> int:
        """Input side / output side."""
        return STEM_REDUCTION * 2 ** self.num_downsample

    def output_dim(self, input_hw: Tuple[int, int] = (256, 256)) -> Tuple[int, int, int]:
        return (self.out_channels, input_hw[0] // self.reduction, input_hw[1] // self.reduction)

    def forward(self, x):
        x = self.stem(x)
        for name in self.layers:
            x = getattr(self, name)(x)
        return x

    def _kaiming_init(self):
        for m in self.modules():
            if getattr(getattr(m, "weight", None), "is_meta", False):
                continue  # built on the meta device (shape-only): nothing to draw
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)


# ---------------------------------------------------------------- decoders
class _ConvNormAct(nn.Module):
    """conv -> BN (when ``norm`` is one; a spectral-norm wrapper sits inside conv) -> act."""

    def forward(self, x):
        x = self.conv(x)
        if isinstance(self.norm, nn.BatchNorm2d):
            x = self.norm(x)
        if self.activation is not None:
            x = self.activation(x)
        return x


class ConvLayer(_ConvNormAct):
    """Conv2d (with bias) -> optional BN -> optional activation."""

    def __init__(self, c_in, c_out, kernel, stride, padding, activation, norm):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding)
        self.activation = activation
        self.norm = None
        if norm is not None:
            if norm is nn.BatchNorm2d:
                self.norm = norm(c_out)
            else:  # a wrapper such as nn.utils.spectral_norm
                self.norm = norm
                self.conv = norm(self.conv)


class DeconvLayer(_ConvNormAct):
    """ConvTranspose2d (stride 2, output_padding 1: doubles H, W) -> BN -> act."""

    def __init__(self, c_in, c_out, kernel, stride, padding, activation, norm):
        super().__init__()
        self.conv = nn.ConvTranspose2d(c_in, c_out, kernel, stride=stride, padding=padding,
                                       output_padding=1)
        self.activation = activation
        self.norm = norm(c_out) if norm is nn.BatchNorm2d else norm


def _lrelu():
    return nn.LeakyReLU(0.2, inplace=False)


class FFDecoder(nn.Module):
    """Global average pool + linear (class_scene, class_object, room_layout)."""

    def __init__(self, in_channels: int, out_dim: int):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(in_channels, out_dim)

    def forward(self, x):
        return self.fc(torch.flatten(self.avgpool(x), 1))


class SiameseDecoder(nn.Module):
    """Jigsaw head: the 9 tile features concatenated on channels, pool, linear."""

    def __init__(self, in_channels: int, out_dim: int, num_pieces: int = 9):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(in_channels * num_pieces, out_dim)

    def forward(self, x):
        return self.fc(torch.flatten(self.avgpool(x), 1))


def _check_upsample(num_upsample: int) -> int:
    if num_upsample not in (2, 3, 4, 5, 6):
        raise ValueError(f"invalid num_upsample: {num_upsample}")
    return num_upsample


class SegmentationDecoder(nn.Module):
    """segmentsemantic decoder: conv to 1024, (6 - n) halving convs, (n - 1)
    halving deconvs, one width-keeping deconv, conv to the class maps."""

    def __init__(self, in_channels: int, num_upsample: int, target_num_channel: int = 17):
        super().__init__()
        n = _check_upsample(num_upsample)
        bn = nn.BatchNorm2d
        model = [ConvLayer(in_channels, 1024, 3, 1, 1, _lrelu(), bn)]
        c = 1024
        for _ in range(6 - n):
            model.append(ConvLayer(c, c // 2, 3, 1, 1, _lrelu(), bn))
            c //= 2
        for _ in range(n - 1):
            model.append(DeconvLayer(c, c // 2, 3, 2, 1, _lrelu(), bn))
            c //= 2
        model.append(DeconvLayer(c, c, 3, 2, 1, _lrelu(), bn))
        model.append(ConvLayer(c, target_num_channel, 3, 1, 1, None, None))
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)


class GenerativeDecoder(nn.Module):
    """Pix2Pix-style decoder (autoencoder, normal): 14 conv / deconv layers, the
    deconvs placed so that exactly ``num_upsample`` of them double H and W; tanh."""

    def __init__(self, in_channels: int, num_upsample: int, target_num_channel: int = 3):
        super().__init__()
        n = _check_upsample(num_upsample)
        bn = nn.BatchNorm2d

        def conv(ci, co):
            return ConvLayer(ci, co, 3, 1, 1, nn.LeakyReLU(0.2), bn)

        def deconv(ci, co):
            return DeconvLayer(ci, co, 3, 2, 1, nn.LeakyReLU(0.2), bn)

        self.conv1 = conv(in_channels, 1024)
        self.conv2 = conv(1024, 1024)
        self.conv3 = deconv(1024, 512) if n == 6 else conv(1024, 512)
        self.conv4 = conv(512, 512)
        self.conv5 = deconv(512, 256) if n >= 5 else conv(512, 256)
        self.conv6 = conv(256, 128)
        self.conv7 = deconv(128, 64) if n >= 4 else conv(128, 64)
        self.conv8 = conv(64, 64)
        self.conv9 = deconv(64, 32) if n >= 3 else conv(64, 32)
        self.conv10 = conv(32, 32)
        self.conv11 = deconv(32, 16)
        self.conv12 = conv(16, 32)
        self.conv13 = deconv(32, 16)
        self.conv14 = ConvLayer(16, target_num_channel, 3, 1, 1, nn.Tanh(), None)

    def forward(self, x):
        for i in range(1, 15):
            x = getattr(self, f"conv{i}")(x)
        return x


class Discriminator(nn.Module):
    """The Pix2Pix discriminator the GAN tasks train alongside (spectral norm); it is
    not on the forward path of the task network."""

    def __init__(self, norm: str = "spectral"):
        super().__init__()
        if norm == "batch":
            norm_fn = nn.BatchNorm2d
        elif norm == "spectral":
            norm_fn = nn.utils.spectral_norm
        else:
            raise ValueError(f"{norm} is invalid!")
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.conv1 = ConvLayer(6, 64, 5, 4, 2, nn.LeakyReLU(0.2), norm_fn)
        self.conv2 = ConvLayer(64, 128, 5, 4, 2, nn.LeakyReLU(0.2), norm_fn)
        self.conv3 = ConvLayer(128, 256, 5, 4, 2, nn.LeakyReLU(0.2), norm_fn)
        self.conv4 = ConvLayer(256, 256, 3, 1, 1, nn.LeakyReLU(0.2), norm_fn)
        self.conv5 = ConvLayer(256, 512, 3, 1, 1, nn.LeakyReLU(0.2), norm_fn)
        self.conv6 = ConvLayer(512, 512, 3, 1, 1, nn.LeakyReLU(0.2), norm_fn)
        self.conv7 = ConvLayer(512, 1, 3, 1, 1, None, None)

    def forward(self, x):
        for i in range(1, 8):
            x = getattr(self, f"conv{i}")(x)
        return self.avgpool(x).flatten()


# ------------------------------------------------------------ task models
class FeedForwardNet(nn.Module):
    """encoder -> decoder (classification / regression heads)."""

    def __init__(self, encoder: nn.Module, decoder: nn.Module):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, x):
        return self.decoder(self.encoder(x))


class Segmentation(FeedForwardNet):
    """encoder -> SegmentationDecoder."""


class GAN(FeedForwardNet):
    """encoder -> GenerativeDecoder; ``discriminator`` (optional) is kept as a
    submodule like the release but is not called by ``forward``."""

    def __init__(self, encoder: nn.Module, decoder: nn.Module, discriminator: nn.Module = None):
        super().__init__(encoder, decoder)
        if discriminator is not None:
            self.discriminator = discriminator


def image_to_tiles(x: torch.Tensor, grid: int = 3) -> torch.Tensor:
    """(N, C, H, W) -> (N, grid*grid, C, H//grid, W//grid), row-major tiles."""
    n, c, h, w = x.shape
    th, tw = h // grid, w // grid
    x = x[:, :, : th * grid, : tw * grid]
    x = x.reshape(n, c, grid, th, grid, tw).permute(0, 2, 4, 1, 3, 5)
    return x.reshape(n, grid * grid, c, th, tw)


class SiameseNet(nn.Module):
    """Jigsaw: the shared encoder runs on each of the 9 tiles (N, 9, 3, h, w); the
    features are concatenated on channels and fed to the decoder."""

    def __init__(self, encoder: nn.Module, decoder: nn.Module):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, x):
        if x.dim() == 4:
            x = image_to_tiles(x)
        feats = [self.encoder(x[:, i]) for i in range(x.shape[1])]
        return self.decoder(torch.cat(feats, dim=1))

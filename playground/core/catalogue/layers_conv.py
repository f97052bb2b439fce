"""Convolution and pooling layers. Depthwise-separable convolutions use `groups`."""

from __future__ import annotations

import math

from playground.core.catalogue.checks import as_torch_arg, pair, require_float, require_image
from playground.core.catalogue.layer_type import Fix, InferContext, InferFn, Inferred, LayerType, TensorSpec
from playground.core.i18n import N_, _
from playground.core.params import ParamSpec as P

_OUT_CHANNELS = P("out_channels", "int", 16, N_("Number of filters, i.e. output channels."), minimum=1, maximum=4096)
_KERNEL = P("kernel_size", "int_or_pair", 3, N_("Size of each filter (k or [kh, kw])."), minimum=1, maximum=64)
_STRIDE = P("stride", "int_or_pair", 1, N_("Step between filter positions; 2 halves the size."), minimum=1, maximum=16)
_PADDING = P(
    "padding", "int_or_pair", 0, N_("Zeros added around the border; k//2 keeps the size."), minimum=0, maximum=32
)
_DILATION = P("dilation", "int_or_pair", 1, N_("Spacing between filter taps."), minimum=1, maximum=16, advanced=True)
_GROUPS = P(
    "groups",
    "int",
    1,
    N_("Split channels into groups; groups = in_channels makes a depthwise conv."),
    minimum=1,
    maximum=4096,
)
_BIAS = P("bias", "bool", True, N_("Learn an additive bias per output channel."))


def _conv_out(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _check_groups(ctx: InferContext, in_channels: int, out_channels: int) -> None:
    groups = ctx.params["groups"]
    if in_channels % groups or out_channels % groups:
        raise ctx.fail(
            _(
                "'{node}': groups={groups} must divide both in_channels={in_channels} and "
                "out_channels={out_channels} (for a depthwise conv set groups = {in_channels})"
            ).format(node=ctx.node_id, groups=groups, in_channels=in_channels, out_channels=out_channels)
        )


def _check_kernel_fits(
    ctx: InferContext,
    sizes: tuple[int, ...],
    kernels: tuple[int, ...],
    paddings: tuple[int, ...],
    dilations: tuple[int, ...],
) -> None:
    for size, kernel, padding, dilation in zip(sizes, kernels, paddings, dilations):
        span = dilation * (kernel - 1) + 1
        if span > size + 2 * padding:
            fit = size + 2 * padding
            fixes: tuple[Fix, ...] = ()
            if dilation == 1 and fit >= 1:
                fixes = (
                    Fix(
                        "set_param",
                        ctx.node_id,
                        _("Set kernel_size of '{node}' to {size}").format(node=ctx.node_id, size=min(fit, 64)),
                        params={"kernel_size": min(fit, 64)},
                    ),
                )
            shown = "×".join(map(str, kernels))
            raise ctx.fail(
                _(
                    "'{node}': kernel {kernel} is larger than its (padded) input {shape}: use a "
                    "smaller kernel_size, add padding, or remove a pooling layer before it"
                ).format(node=ctx.node_id, kernel=shown, shape=ctx.x.text()),
                *fixes,
            )


def _conv2d(ctx: InferContext) -> Inferred:
    x = require_image(ctx, "Conv2d")
    p = ctx.params
    channels, height, width = x.shape
    k, s, pad, d = pair(p["kernel_size"]), pair(p["stride"]), pair(p["padding"]), pair(p["dilation"])
    _check_groups(ctx, channels, p["out_channels"])
    _check_kernel_fits(ctx, (height, width), k, pad, d)
    out = TensorSpec(
        (p["out_channels"], _conv_out(height, k[0], s[0], pad[0], d[0]), _conv_out(width, k[1], s[1], pad[1], d[1]))
    )
    kwargs = {
        "in_channels": channels,
        "out_channels": p["out_channels"],
        "kernel_size": as_torch_arg(p["kernel_size"]),
        "stride": as_torch_arg(p["stride"]),
        "padding": as_torch_arg(p["padding"]),
        "dilation": as_torch_arg(p["dilation"]),
        "groups": p["groups"],
        "bias": p["bias"],
    }
    return Inferred(out, kwargs)


def _conv_macs(ctx: InferContext, inferred: Inferred) -> int:
    kernel = inferred.kwargs["kernel_size"]
    taps = math.prod(kernel) if isinstance(kernel, tuple) else kernel ** (ctx.x.rank - 1)
    per_output: int = inferred.kwargs["in_channels"] // inferred.kwargs["groups"] * taps
    return inferred.output.numel() * per_output


def _conv1d(ctx: InferContext) -> Inferred:
    require_float(ctx, "Conv1d")
    x = ctx.x
    if x.rank != 2:
        raise ctx.fail(
            _("Conv1d '{node}' needs (N, C, L) input but got {shape}").format(node=ctx.node_id, shape=x.text())
        )
    p = ctx.params
    channels, length = x.shape
    k, s, pad, d = p["kernel_size"], p["stride"], p["padding"], p["dilation"]
    _check_groups(ctx, channels, p["out_channels"])
    _check_kernel_fits(ctx, (length,), (k,), (pad,), (d,))
    out = TensorSpec((p["out_channels"], _conv_out(length, k, s, pad, d)))
    kwargs = {
        "in_channels": channels,
        "out_channels": p["out_channels"],
        "kernel_size": k,
        "stride": s,
        "padding": pad,
        "dilation": d,
        "groups": p["groups"],
        "bias": p["bias"],
    }
    return Inferred(out, kwargs)


def _conv_transpose2d(ctx: InferContext) -> Inferred:
    x = require_image(ctx, "ConvTranspose2d")
    p = ctx.params
    channels, height, width = x.shape
    k, s, pad, op = pair(p["kernel_size"]), pair(p["stride"]), pair(p["padding"]), pair(p["output_padding"])
    _check_groups(ctx, channels, p["out_channels"])
    if any(o >= st for o, st in zip(op, s)):
        raise ctx.fail(_("'{node}': output_padding must be smaller than stride").format(node=ctx.node_id))
    sizes = [(size - 1) * st - 2 * pa + (ke - 1) + o + 1 for size, st, pa, ke, o in zip((height, width), s, pad, k, op)]
    if min(sizes) < 1:
        raise ctx.fail(
            _("'{node}': padding is too large for input {shape}; lower padding").format(
                node=ctx.node_id, shape=x.text()
            )
        )
    out = TensorSpec((p["out_channels"], sizes[0], sizes[1]))
    kwargs = {
        "in_channels": channels,
        "out_channels": p["out_channels"],
        "kernel_size": as_torch_arg(p["kernel_size"]),
        "stride": as_torch_arg(p["stride"]),
        "padding": as_torch_arg(p["padding"]),
        "output_padding": as_torch_arg(p["output_padding"]),
        "groups": p["groups"],
        "bias": p["bias"],
    }
    return Inferred(out, kwargs)


def _conv_transpose_macs(ctx: InferContext, inferred: Inferred) -> int:
    k = pair(ctx.params["kernel_size"])
    out_channels: int = inferred.kwargs["out_channels"]
    groups: int = inferred.kwargs["groups"]
    return ctx.x.numel() * out_channels // groups * k[0] * k[1]


def _pool(kind: str) -> InferFn:
    def infer(ctx: InferContext) -> Inferred:
        x = require_image(ctx, kind)
        p = ctx.params
        k = pair(p["kernel_size"])
        s = pair(p["stride"]) if p["stride"] is not None else k
        pad = pair(p["padding"])
        if any(pa * 2 > ke for pa, ke in zip(pad, k)):
            raise ctx.fail(_("'{node}': padding must be at most half of kernel_size").format(node=ctx.node_id))
        _check_kernel_fits(ctx, x.shape[1:], k, pad, (1, 1))
        out = TensorSpec(
            (x.shape[0], _conv_out(x.shape[1], k[0], s[0], pad[0], 1), _conv_out(x.shape[2], k[1], s[1], pad[1], 1))
        )
        kwargs = {
            "kernel_size": as_torch_arg(p["kernel_size"]),
            "stride": as_torch_arg(p["stride"]) if p["stride"] is not None else None,
            "padding": as_torch_arg(p["padding"]),
        }
        return Inferred(out, kwargs)

    return infer


def _adaptive_avg_pool2d(ctx: InferContext) -> Inferred:
    x = require_image(ctx, "AdaptiveAvgPool2d")
    size = pair(ctx.params["output_size"])
    return Inferred(TensorSpec((x.shape[0], *size)), {"output_size": as_torch_arg(ctx.params["output_size"])})


def _dropout2d(ctx: InferContext) -> Inferred:
    require_image(ctx, "Dropout2d")
    return Inferred(ctx.x, {"p": ctx.params["p"]})


_POOL_PARAMS = (
    P("kernel_size", "int_or_pair", 2, N_("Size of the pooling window."), minimum=1, maximum=64),
    P(
        "stride",
        "int_or_pair",
        None,
        N_("Step between windows (default: the kernel size)."),
        minimum=1,
        maximum=64,
        optional=True,
    ),
    P(
        "padding",
        "int_or_pair",
        0,
        N_("Implicit padding (at most half the kernel)."),
        minimum=0,
        maximum=32,
        advanced=True,
    ),
)

LAYERS = (
    LayerType(
        "Conv1d",
        "Convolution",
        N_("Slides filters along a sequence: (N, C, L) → (N, out_channels, L')."),
        _conv1d,
        (
            _OUT_CHANNELS,
            P("kernel_size", "int", 3, _KERNEL.help, minimum=1, maximum=64),
            P("stride", "int", 1, _STRIDE.help, minimum=1, maximum=16),
            P("padding", "int", 0, _PADDING.help, minimum=0, maximum=32),
            P("dilation", "int", 1, _DILATION.help, minimum=1, maximum=16, advanced=True),
            _GROUPS,
            _BIAS,
        ),
        torch_class="Conv1d",
        formula="L' = ⌊(L + 2p − d(k−1) − 1)/s⌋ + 1",
        key_params=("out_channels", "kernel_size"),
        macs=_conv_macs,
        color="#dd8452",
    ),
    LayerType(
        "Conv2d",
        "Convolution",
        N_("Slides learned filters over an image; each filter looks at a small window of all input channels."),
        _conv2d,
        (_OUT_CHANNELS, _KERNEL, _STRIDE, _PADDING, _DILATION, _GROUPS, _BIAS),
        torch_class="Conv2d",
        formula="H' = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1",
        key_params=("out_channels", "kernel_size", "stride", "padding"),
        macs=_conv_macs,
        color="#dd8452",
    ),
    LayerType(
        "ConvTranspose2d",
        "Convolution",
        N_("Learned upsampling (a 'deconvolution'): stride 2 doubles the size."),
        _conv_transpose2d,
        (
            _OUT_CHANNELS,
            P("kernel_size", "int_or_pair", 2, _KERNEL.help, minimum=1, maximum=64),
            P("stride", "int_or_pair", 2, N_("Upsampling factor."), minimum=1, maximum=16),
            _PADDING,
            P(
                "output_padding",
                "int_or_pair",
                0,
                N_("Extra size added to one side of the output."),
                minimum=0,
                maximum=15,
                advanced=True,
            ),
            _GROUPS,
            _BIAS,
        ),
        torch_class="ConvTranspose2d",
        formula="H' = (H − 1)s − 2p + k + output_padding",
        key_params=("out_channels", "kernel_size", "stride"),
        macs=_conv_transpose_macs,
        color="#dd8452",
    ),
    LayerType(
        "MaxPool2d",
        "Convolution",
        N_("Keeps the largest value of each window: downsamples and adds a little translation invariance."),
        _pool("MaxPool2d"),
        _POOL_PARAMS,
        torch_class="MaxPool2d",
        formula="y = max over each k×k window",
        key_params=("kernel_size",),
        color="#c44e52",
    ),
    LayerType(
        "AvgPool2d",
        "Convolution",
        N_("Averages each window: a smoother downsampling than max-pooling."),
        _pool("AvgPool2d"),
        _POOL_PARAMS,
        torch_class="AvgPool2d",
        formula="y = mean over each k×k window",
        key_params=("kernel_size",),
        color="#c44e52",
    ),
    LayerType(
        "AdaptiveAvgPool2d",
        "Convolution",
        N_("Averages down to a fixed output size whatever the input size (output 1 = global average pooling)."),
        _adaptive_avg_pool2d,
        (P("output_size", "int_or_pair", 1, N_("Height and width of the output."), minimum=1, maximum=256),),
        torch_class="AdaptiveAvgPool2d",
        key_params=("output_size",),
        color="#c44e52",
    ),
    LayerType(
        "Dropout2d",
        "Convolution",
        N_("Drops whole channels at random during training."),
        _dropout2d,
        (P("p", "float", 0.2, N_("Probability of zeroing each channel."), minimum=0.0, maximum=0.99),),
        torch_class="Dropout2d",
        key_params=("p",),
        color="#937860",
    ),
)

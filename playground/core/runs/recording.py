"""A run as a short film for slides: the decision boundary and the loss curve, one frame per kept epoch.

Each frame is drawn from one weight snapshot of the time machine: the model with that epoch's
weights is asked for the boundary over the plane (the task view's own probe, as the Training
tab's time machine asks it), and the loss curve is drawn up to that epoch. Frames are Pillow images (the
optional `recording` extra); `write_recording` saves them as an animated GIF, or as MP4 where
imageio's ffmpeg is installed. Only 2-D point datasets have a decision boundary to film.
"""

from __future__ import annotations

import importlib.util
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from playground.core.errors import PlaygroundError
from playground.core.i18n import _

EXTRA_HINT = 'pip install "nn-playground[recording]"'
FRAME_SIZE = (960, 480)  # two panels side by side
CLASS_COLORS = ((245, 147, 34), (8, 119, 189), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75))
TRAIN_COLOR, VAL_COLOR, AXIS_COLOR = (31, 119, 180), (255, 127, 14), (90, 90, 90)
MAX_FRAMES = 600


class RecordingError(PlaygroundError):
    """The run cannot be recorded: the message says why and what to do."""


def require_pillow() -> None:
    if importlib.util.find_spec("PIL") is None:
        raise RecordingError(_("recordings need Pillow, which is not installed: {hint}").format(hint=EXTRA_HINT))


def _boundary_rgb(values: np.ndarray) -> np.ndarray:
    """(r, r, classes) probabilities (or (r, r) one-output values) as a pale (r, r, 3) picture, row 0 at the top."""
    if values.ndim == 2:  # one output: its sigmoid is the second class's probability
        probability = 1.0 / (1.0 + np.exp(-values))
        values = np.stack([1.0 - probability, probability], axis=-1)
    classes = values.shape[-1]
    palette = np.array([CLASS_COLORS[index % len(CLASS_COLORS)] for index in range(classes)], float)
    chosen = palette[values.argmax(axis=-1)]
    # sure: the class's colour; unsure (every class as likely): white, as TensorFlow Playground draws it
    confidence = np.clip((values.max(axis=-1, keepdims=True) - 1.0 / classes) / (1.0 - 1.0 / classes), 0.0, 1.0)
    pale = 255.0 - (255.0 - chosen) * (0.12 + 0.5 * confidence)
    picture: np.ndarray = np.clip(pale[::-1], 0, 255).astype(np.uint8)
    return picture


def _font(size: int) -> Any:
    """A scalable font that has Chinese glyphs where the system has one (Noto CJK), else Pillow's own."""
    from PIL import ImageFont  # lazy: the `recording` extra

    for name in (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/System/Library/Fonts/PingFang.ttc",
        "C:/Windows/Fonts/msyh.ttc",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ):
        if os.path.exists(name):
            try:
                return ImageFont.truetype(name, size)
            except OSError:
                continue
    return ImageFont.load_default(size)


def _boundary_panel(
    values: np.ndarray, points: np.ndarray | None, targets: np.ndarray | None, extent: tuple[float, float], size: int
) -> Any:
    from PIL import Image, ImageDraw  # lazy: the `recording` extra

    panel = Image.fromarray(_boundary_rgb(values), "RGB").resize((size, size), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(panel)
    if points is not None and targets is not None:
        low, high = extent
        scale = size / (high - low)
        for (x, y), label in zip(points[:600], targets[:600], strict=False):
            px, py = (x - low) * scale, size - (y - low) * scale
            color = CLASS_COLORS[int(label) % len(CLASS_COLORS)]
            draw.ellipse((px - 3, py - 3, px + 3, py + 3), fill=color, outline=(255, 255, 255))
    return panel


def _loss_panel(history: Sequence[dict[str, float | None]], epoch: int, width: int, height: int) -> Any:
    from PIL import Image, ImageDraw  # lazy: the `recording` extra

    panel = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(panel)
    left, top, right, bottom = 56, 36, width - 16, height - 40
    draw.rectangle((left, top, right, bottom), outline=AXIS_COLOR)
    finite = [
        float(value)
        for row in history
        for name in ("train_loss", "val_loss")
        if (value := row.get(name)) is not None and math.isfinite(value)
    ]
    epochs = max(1, len(history))
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    pad = (high - low) * 0.08 or max(abs(high), 1.0) * 0.05
    low, high = low - pad, high + pad

    def point(index: int, value: float) -> tuple[float, float]:
        share = (min(max(value, low), high) - low) / (high - low)
        return left + (right - left) * (index + 1) / epochs, bottom - (bottom - top) * share

    for name, color in (("train_loss", TRAIN_COLOR), ("val_loss", VAL_COLOR)):
        line = [point(i, float(v)) for i, row in enumerate(history[:epoch]) if (v := row.get(name)) is not None]
        if len(line) > 1:
            draw.line(line, fill=color, width=3)
        elif line:
            x, y = line[0]
            draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=color)
    x = left + (right - left) * epoch / epochs
    draw.line((x, top, x, bottom), fill=(180, 180, 180), width=1)
    font = _font(15)
    draw.text((left, 10), _("loss (blue: training, orange: validation)"), fill=AXIS_COLOR, font=font)
    draw.text((left, bottom + 8), "0", fill=AXIS_COLOR, font=font)
    last = _("epoch {epoch}").format(epoch=epochs)
    draw.text((right - draw.textlength(last, font=font), bottom + 8), last, fill=AXIS_COLOR, font=font)
    draw.text((6, top), f"{high:.3g}", fill=AXIS_COLOR, font=font)
    draw.text((6, bottom - 16), f"{low:.3g}", fill=AXIS_COLOR, font=font)
    return panel


def recording_frames(
    experiment: Any, dataset: Any, snapshots: Sequence[Any], history: Sequence[dict[str, float | None]]
) -> list[Any]:
    """One frame per snapshot (in epoch order): the boundary at that epoch beside the loss so far."""
    require_pillow()
    import torch
    from PIL import Image, ImageDraw  # lazy: the `recording` extra

    from playground.core.runs.probes import TaskProbe
    from playground.core.runs.replay import snapshot_model

    if not snapshots:
        raise RecordingError(_("the run kept no epochs to record: train it (with the time machine on) first"))
    if len(snapshots) > MAX_FRAMES:
        step = math.ceil(len(snapshots) / MAX_FRAMES)
        snapshots = [*snapshots[::step][: MAX_FRAMES - 1], snapshots[-1]]
    no_boundary = RecordingError(
        _("only a run on a 2-D dataset has a decision boundary to record ({dataset} has none)").format(
            dataset=experiment.data.dataset
        )
    )
    device = torch.device("cpu")
    task = TaskProbe(dataset, device, experiment=experiment)  # the boundary's grid, made once
    if task.kind != "boundary":
        raise no_boundary
    ordered = sorted(snapshots, key=lambda kept: kept.epoch)
    model = snapshot_model(experiment, dataset, ordered[0], device)  # built once, each epoch's weights loaded
    width, height = FRAME_SIZE
    frames = []
    points = getattr(dataset, "points_train", None)
    targets = dataset.y_train.numpy() if points is not None else None
    extent = dataset.point_range()
    for snapshot in ordered:
        model.load_state_dict(snapshot.weights())
        prediction = task.predict(model)
        if prediction is None or prediction.values is None:
            raise no_boundary
        frame = Image.new("RGB", (width, height), (255, 255, 255))
        frame.paste(_boundary_panel(prediction.values, points, targets, extent, height - 40), (10, 30))
        frame.paste(_loss_panel(history, snapshot.epoch, width - height - 10, height - 20), (height, 10))
        title = _("epoch {epoch}").format(epoch=snapshot.epoch)
        ImageDraw.Draw(frame).text((12, 6), title, fill=(30, 30, 30), font=_font(17))
        frames.append(frame)
    return frames


def mp4_available() -> bool:
    return importlib.util.find_spec("imageio_ffmpeg") is not None


def write_recording(frames: Sequence[Any], path: str | os.PathLike[str], seconds_per_frame: float = 0.2) -> Path:
    """Save the frames as an animated GIF (``.gif``, looping) or, with imageio's ffmpeg, an MP4."""
    from playground.core.safe_files import atomic_write

    target = Path(path)
    if not frames:
        raise RecordingError(_("there are no frames to write"))
    suffix = target.suffix.lower()
    if suffix == ".gif":
        milliseconds = max(20, int(seconds_per_frame * 1000))

        def write_gif(tmp: Path) -> None:
            frames[0].save(
                tmp, format="GIF", save_all=True, append_images=list(frames[1:]), duration=milliseconds, loop=0
            )

        atomic_write(target, write_gif)
        return target
    if suffix == ".mp4":
        if not mp4_available():
            raise RecordingError(_("MP4 needs an encoder: pip install imageio-ffmpeg, or write a .gif instead"))
        import imageio_ffmpeg  # lazy: an optional encoder (ffmpeg comes with it)

        def write_mp4(tmp: Path) -> None:
            width, height = frames[0].size
            fps = max(1.0, 1.0 / seconds_per_frame)
            writer = imageio_ffmpeg.write_frames(
                str(tmp), (width, height), fps=fps, codec="libx264", pix_fmt_in="rgb24", output_params=["-f", "mp4"]
            )
            writer.send(None)  # start the encoder
            try:
                for frame in frames:
                    writer.send(np.ascontiguousarray(np.asarray(frame.convert("RGB"))).tobytes())
            finally:
                writer.close()

        try:
            atomic_write(target, write_mp4)
        except (RuntimeError, OSError) as exc:
            raise RecordingError(_("the video could not be encoded: {reason}").format(reason=exc)) from None
        return target
    raise RecordingError(_("a recording is a .gif or an .mp4 file, got {name}").format(name=target.name))

"""`playground train FILE`: train an experiment headless, print its curve, save what was asked.

Human mode prints a line per epoch (with a progress bar on a terminal) and a summary; `--json`
prints only JSON Lines: one ``{"event": "epoch", ...}`` per epoch and a final
``{"event": "summary", ...}``. Exit status: 0 when the run finished (whatever its status:
completed, early_stopped, diverged or stopped), 1 for a user error (unreadable or invalid
experiment, unusable checkpoint), 2 for usage errors. Ctrl-C stops the run cleanly at the next
step (a second Ctrl-C interrupts at once).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playground.core.errors import ExperimentError, PlaygroundError
from playground.core.i18n import N_, _, language
from playground.core.params import INT_MAX, MAX_EPOCHS
from playground.core.safe_files import atomic_write, atomic_write_text, describe_os_error


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "train",
        help=_("train an experiment without the GUI"),
        description=_(
            "Train an experiment headless: one line per epoch, then a summary with test metrics. "
            "Exits 0 when the run finished (completed, early_stopped, diverged or stopped), 1 when the "
            "experiment or checkpoint cannot be used."
        ),
    )
    parser.add_argument("file", metavar="FILE", help=_("the experiment file (.json)"))
    parser.add_argument(
        "--epochs",
        type=_epochs,
        metavar="N",
        help=_("train this many epochs in all (1 to {limit})").format(limit=f"{MAX_EPOCHS:,}"),
    )
    parser.add_argument("--seed", type=_seed, metavar="S", help=_("training seed (weights and batch order)"))
    parser.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), help=_("where to train"))
    parser.add_argument("--json", action="store_true", help=_("print JSON Lines only (epoch events and a summary)"))
    parser.add_argument("--metrics-out", metavar="FILE.csv", help=_("write the per-epoch metrics as CSV"))
    parser.add_argument("--save-weights", metavar="FILE.safetensors", help=_("save the final weights (safetensors)"))
    parser.add_argument(
        "--checkpoint", metavar="DIR", help=_("save a checkpoint here after every epoch and at the end")
    )
    parser.add_argument("--resume", metavar="DIR", help=_("continue from the checkpoint in DIR"))
    parser.add_argument(
        "--tensorboard",
        metavar="DIR",
        help=_("write TensorBoard logs (scalars, weight and gradient histograms, the graph) into DIR"),
    )
    parser.add_argument(
        "--threads",
        type=_threads,
        metavar="N",
        help=_("CPU threads for torch (1 to {limit}; default: 1 for a small model, else torch's default)").format(
            limit=MAX_THREADS
        ),
    )


def bounded_int(low: int, high: int) -> Any:
    """An argparse type: a whole number from `low` to `high`, refused with the range otherwise."""

    def parse(text: str) -> int:
        stripped = text.strip()
        if len(stripped) > 20 or not stripped.lstrip("+-").isdigit():
            if stripped.lstrip("+-").isdigit():
                raise argparse.ArgumentTypeError(
                    _("must be from {low} to {high}, got a {digits}-digit number").format(
                        low=f"{low:,}", high=f"{high:,}", digits=len(stripped)
                    )
                )
            raise argparse.ArgumentTypeError(_("not a whole number: {text!r}").format(text=text))
        value = int(stripped)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                _("must be from {low} to {high}, got {value}").format(
                    low=f"{low:,}", high=f"{high:,}", value=f"{value:,}"
                )
            )
        return value

    return parse


MAX_THREADS = 256  # more than any machine this runs on has cores; torch would start them all
_threads = bounded_int(1, MAX_THREADS)
_epochs = bounded_int(1, MAX_EPOCHS)
_seed = bounded_int(0, INT_MAX)


# ---- output -------------------------------------------------------------------------------------


class JsonOutput:
    """JSON Lines on stdout: epoch events and the summary, nothing else."""

    def on_event(self, event: Any) -> None:
        if event.kind == "epoch":
            self._print(event.as_dict())

    def summary(self, summary: Any) -> None:
        self._print(summary.as_dict())

    def error(self, messages: list[str]) -> None:
        self._print({"event": "error", "errors": messages})

    @staticmethod
    def _print(record: dict[str, Any]) -> None:
        print(json.dumps(record, allow_nan=False), flush=True)


class TextOutput:
    """A line per epoch on stdout; on a terminal, a progress bar with ETA on stderr."""

    def __init__(self, epochs: int, batches: int, start_epoch: int) -> None:
        self.epochs, self.batches, self.start_epoch = epochs, batches, start_epoch
        self.started = time.perf_counter()
        self.live = sys.stderr.isatty()
        self._bar_shown = False

    def on_event(self, event: Any) -> None:
        if event.kind == "step" and self.live:
            self._progress(
                event.epoch - 1 + event.batch / event.batches,
                _("epoch {epoch}/{epochs}").format(epoch=event.epoch, epochs=self.epochs),
            )
        elif event.kind == "epoch":
            self._clear()
            print(self._epoch_line(event), flush=True)
        elif event.kind == "state" and event.state == "lr":
            self._clear()
            print(event.message, flush=True)

    def _epoch_line(self, event: Any) -> str:
        width = len(str(self.epochs))
        parts = [
            _("epoch {epoch}/{epochs}").format(epoch=f"{event.epoch:>{width}}", epochs=self.epochs),
            f"train_loss {_num(event.train_loss)}",
        ]
        if event.val_loss is not None:
            parts.append(f"val_loss {_num(event.val_loss)}")
        if event.val_accuracy is not None:
            parts.append(f"val_accuracy {event.val_accuracy:.2%}")
        if event.val_mae is not None:
            parts.append(f"val_mae {_num(event.val_mae)}")
        if event.val_r2 is not None:
            parts.append(f"val_r2 {_num(event.val_r2)}")
        parts.append(f"lr {event.lr:.3g}")
        parts.append(f"{event.seconds:.2f}s")
        if event.improved:
            parts.append("*")
        return "  ".join(parts)

    def _progress(self, done_epochs: float, label: str) -> None:
        total = max(1e-9, self.epochs - self.start_epoch)
        share = min(1.0, max(0.0, (done_epochs - self.start_epoch) / total))
        elapsed = time.perf_counter() - self.started
        eta = elapsed / share - elapsed if share > 0 else 0.0
        bar = "#" * int(share * 30)
        eta_text = _("ETA {time}").format(time=_duration(eta))
        sys.stderr.write(f"\r{label}  [{bar:<30}] {share:4.0%}  {eta_text} ")
        sys.stderr.flush()
        self._bar_shown = True

    def _clear(self) -> None:
        if self._bar_shown:
            sys.stderr.write("\r" + " " * 70 + "\r")
            sys.stderr.flush()
            self._bar_shown = False

    def summary(self, summary: Any) -> None:
        self._clear()
        rate = _("{count} samples/s").format(count=f"{summary.samples_per_second:,.0f}")
        print(
            "\n"
            + _("{status}: {epochs} epochs, {steps} steps in {duration} ({rate})").format(
                status=status_text(summary.status),
                epochs=summary.epochs,
                steps=summary.steps,
                duration=_duration(summary.seconds),
                rate=rate,
            )
        )
        print(summary.message)
        rows = [("train_loss", summary.train_loss), ("val_loss", summary.val_loss)]
        if summary.task == "classification":
            rows += [
                ("val_accuracy", summary.val_accuracy),
                ("test_loss", summary.test_loss),
                ("test_accuracy", summary.test_accuracy),
            ]
        else:
            rows += [
                ("val_mae", summary.val_mae),
                ("val_r2", summary.val_r2),
                ("test_loss", summary.test_loss),
                ("test_mae", summary.test_mae),
                ("test_r2", summary.test_r2),
            ]
        for name, value in rows:
            if value is not None:
                shown = f"{value:.2%}" if name.endswith("accuracy") else _num(value)
                print(f"  {name:<14}{shown}")
        if summary.best_epoch is not None:
            best = (
                _("{epoch} (weights restored)").format(epoch=summary.best_epoch)
                if summary.restored_best
                else str(summary.best_epoch)
            )
            label = _padded(_("best epoch"), 14)
            print(f"  {label}{best}")

    def error(self, messages: list[str]) -> None:
        print(_("error: {message}").format(message="\n".join(messages)), file=sys.stderr)


# the words for a run's status (`Status` of playground.core.training.events) in the summary line
_STATUS_TEXT = {
    "completed": N_("completed"),
    "early_stopped": N_("early_stopped"),
    "diverged": N_("diverged"),
    "stopped": N_("stopped"),
}


def status_text(status: str) -> str:
    """A run's status in the current language (an unknown one as it is)."""
    return _(_STATUS_TEXT[status]) if status in _STATUS_TEXT else status


def _padded(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns (a Chinese character takes two)."""
    import unicodedata  # lazy: only a summary needs it

    used = sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)
    return text + " " * max(0, width - used)


def _num(value: float) -> str:
    return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.3e}"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest:02d}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


# ---- files --------------------------------------------------------------------------------------


def write_metrics_csv(path: Path, history: list[dict[str, float | None]]) -> None:
    """One row per epoch; empty cells for values a run does not have (or NaN)."""
    from playground.core.csv_text import csv_text  # lazy: keeps csv (~2 ms) out of `playground --help`

    columns: list[str] = []
    for row in history:
        for key in row:
            if key not in columns:
                columns.append(key)
    rows = ([index, *(_cell(row.get(column)) for column in columns)] for index, row in enumerate(history, start=1))
    atomic_write_text(path, csv_text(["epoch", *columns], rows))


def _cell(value: float | None) -> str:
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return ""
    return repr(float(value))


def save_weights(path: Path, trainer: Any) -> None:
    """The model's state dict as safetensors, with the experiment name and graph as metadata."""
    from safetensors.torch import save_file  # lazy: saves ~2 s (torch) for `playground --help`

    from playground.core.training.checkpoint import graph_signature  # lazy: saves ~2 s (torch) for `playground --help`

    tensors = {k: v.detach().cpu().contiguous().clone() for k, v in trainer.model.state_dict().items()}
    metadata = {
        "format": "nn-playground.weights",
        "experiment": trainer.experiment.name,
        "graph": json.dumps(graph_signature(trainer.experiment.model)),
    }
    atomic_write(path, lambda temporary: save_file(tensors, str(temporary), metadata=metadata))


def _expanded(raw: str, option: str) -> Path:
    try:
        return Path(raw).expanduser()
    except RuntimeError:  # "~nosuchuser/..."
        raise PlaygroundError(
            _("{option} {path}: there is no such user's home folder").format(option=option, path=raw)
        ) from None


def check_output_file(raw: str, option: str, experiment_file: Path) -> Path:
    """Refuse, before any training, an output path that could not be written at the end."""
    path = _expanded(raw, option)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise PlaygroundError(_("{option} {path}: is a folder; give a file name").format(option=option, path=raw))
    if not folder.is_dir():
        raise PlaygroundError(
            _("{option} {path}: the folder {folder} does not exist; create it first").format(
                option=option, path=raw, folder=folder
            )
        )
    if not os.access(folder, os.W_OK):
        raise PlaygroundError(
            _("{option} {path}: the folder {folder} is not writable").format(option=option, path=raw, folder=folder)
        )
    if _same_file(path, experiment_file):
        raise PlaygroundError(
            _("{option} {path}: is the experiment file itself; choose another name").format(option=option, path=raw)
        )
    return path


def check_checkpoint_folder(raw: str, experiment_file: Path) -> Path:
    """The folder `--checkpoint` writes to must exist (or be creatable) before training starts."""
    path = _expanded(raw, "--checkpoint")
    if path.exists() and not path.is_dir():
        raise PlaygroundError(
            _("--checkpoint {path}: is a file, but a checkpoint is a folder; give a folder name").format(path=raw)
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PlaygroundError(
            _("--checkpoint {path}: cannot create the folder ({reason})").format(path=raw, reason=exc.strerror or exc)
        ) from None
    if not os.access(path, os.W_OK):
        raise PlaygroundError(_("--checkpoint {path}: the folder is not writable").format(path=raw))
    return path


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _checked_outputs(args: argparse.Namespace, experiment_file: Path) -> dict[str, Path]:
    outputs: dict[str, Path] = {}
    for option, raw in (("--metrics-out", args.metrics_out), ("--save-weights", args.save_weights)):
        if raw:
            outputs[option] = check_output_file(raw, option, experiment_file)
    if len(outputs) == 2 and outputs["--metrics-out"].resolve() == outputs["--save-weights"].resolve():
        raise PlaygroundError(_("--metrics-out and --save-weights name the same file; give each its own name"))
    if args.checkpoint:
        outputs["--checkpoint"] = check_checkpoint_folder(args.checkpoint, experiment_file)
    return outputs


def _save_results(outputs: dict[str, Path], summary: Any, trainer: Any, output: Any) -> bool:
    """Write what was asked; a failure is reported, and trained weights are never lost."""
    ok = True
    if "--metrics-out" in outputs:
        try:
            write_metrics_csv(outputs["--metrics-out"], summary.history)
        except OSError as exc:
            _report(output, [_("the metrics were not saved: {reason}").format(reason=describe_os_error(exc))])
            ok = False
    if "--save-weights" in outputs:
        target = outputs["--save-weights"]
        try:
            save_weights(target, trainer)
        except OSError as exc:
            rescue = _rescue_weights(target, trainer)
            reason = describe_os_error(exc)
            message = (
                _("the weights were not saved: {reason}; they were saved to {path} instead").format(
                    reason=reason, path=rescue
                )
                if rescue
                else _("the weights were not saved: {reason}").format(reason=reason)
            )
            _report(output, [message])
            ok = False
    return ok


def _rescue_weights(target: Path, trainer: Any) -> Path | None:
    """A new file in the temporary folder for weights that could not go where they were asked."""
    try:
        handle, name = tempfile.mkstemp(prefix=f"{target.stem}-", suffix=".safetensors")
        os.close(handle)
        save_weights(Path(name), trainer)
    except OSError:
        return None
    return Path(name)


# ---- the command ---------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    output: Any = JsonOutput() if args.json else None
    try:
        return _train(args, output)
    except PlaygroundError as exc:
        _report(output, _messages(exc) if output is not None else [str(exc)])
        return 1
    except OSError as exc:
        _report(output, [describe_os_error(exc)])
        return 1


def _report(output: Any, messages: list[str]) -> None:
    (output or TextOutput(1, 1, 0)).error(messages)


def _messages(exc: PlaygroundError) -> list[str]:
    if isinstance(exc, ExperimentError) and len(exc.problems) > 1:
        head = f"{exc.source}: " if exc.source else ""
        return [f"{head}{problem}" for problem in exc.problems]
    return [str(exc)]


def _train(args: argparse.Namespace, output: Any) -> int:
    from playground.core.data import load_dataset  # lazy: saves ~2 s (torch) for `playground --help`
    from playground.core.experiment import (  # lazy: saves ~2 s (torch) for `playground --help`
        copy_experiment,
        load_experiment,
    )
    from playground.core.graph import check_experiment  # lazy: saves ~2 s (torch) for `playground --help`
    from playground.core.training import (  # lazy: saves ~2 s (torch) for `playground --help`
        Trainer,
        TrainerOptions,
        TrainingControl,
    )

    path = Path(args.file)
    experiment = copy_experiment(load_experiment(path))
    outputs = _checked_outputs(args, path)
    if outputs.get("--checkpoint") is not None:  # before training: never write over a user's checkpoint.json
        from playground.core.training.checkpoint import (  # lazy: saves ~2 s (torch) for `playground --help`
            check_checkpoint_target,
        )

        check_checkpoint_target(outputs["--checkpoint"])
    training = experiment.training
    if args.epochs is not None:
        training.epochs = args.epochs
    if args.seed is not None:
        training.seed = args.seed
    if args.device is not None:
        training.device = args.device

    dataset = load_dataset(experiment.data, base_dir=path.parent)
    report = check_experiment(experiment, dataset.info)
    if not report.valid:
        messages = [_("{path}: the experiment is not valid:").format(path=path)]
        messages += [f"  - {issue}" for issue in report.errors]
        _report(output, messages if output is None else [str(issue) for issue in report.errors])
        return 1

    control = TrainingControl()
    options = TrainerOptions(
        num_threads=args.threads or "auto", checkpoint_dir=outputs.get("--checkpoint"), max_step_events_per_second=10.0
    )
    trainer = Trainer(experiment, dataset=dataset, base_dir=path.parent, control=control, options=options)
    if args.resume:
        trainer.load_checkpoint(args.resume)
    if output is None:
        output = TextOutput(trainer.epochs, trainer.batches_per_epoch, trainer.epoch)
        facts = {
            "name": experiment.localized_name(language()),
            "samples": f"{trainer.train_samples:,}",
            "batches": trainer.batches_per_epoch,
            "epochs": trainer.epochs,
            "device": trainer.device,
        }
        print(
            _(
                "{name}: {samples} training samples, {batches} batches per epoch, {epochs} epochs on {device} "
                "(resuming after epoch {epoch})"
            ).format(**facts, epoch=trainer.epoch)
            if args.resume
            else _(
                "{name}: {samples} training samples, {batches} batches per epoch, {epochs} epochs on {device}"
            ).format(**facts),
            flush=True,
        )
        if trainer.device.type == "cpu":
            from playground.core.training.threads import (  # lazy: keeps torch out of `playground --help`
                describe_threads,
            )

            print(
                _("training with {threads}").format(threads=describe_threads(trainer.threads or 1, trainer.model)),
                flush=True,
            )
    trainer.observer = output.on_event
    if args.tensorboard:
        from playground.core.export.common import example_input  # lazy: keeps torch out of `playground --help`
        from playground.core.training.tensorboard import TensorBoardLog, chained

        log = TensorBoardLog(args.tensorboard, trainer.model, example_input(dataset.info, 2))
        trainer.observer = chained(output.on_event, log.on_event)

    restore = _stop_on_interrupt(control)
    try:
        summary = trainer.run()
    except RuntimeError as exc:  # a shape torch rejects that the checker let through
        _report(output, [_("training failed: {error}").format(error=exc)])
        return 1
    finally:
        restore()

    saved = _save_results(outputs, summary, trainer, output)
    output.summary(summary)
    return 0 if saved else 1


def _stop_on_interrupt(control: Any):  # noqa: ANN202
    """First Ctrl-C: stop at the next step (the summary still prints); second: leave at once with
    status 130, whatever the process is doing (files are written atomically, so none is half)."""
    if not hasattr(signal, "SIGINT"):
        return lambda: None
    try:
        previous = signal.getsignal(signal.SIGINT)

        def handler(_signum: int, _frame: Any) -> None:
            if control.stop_requested:
                interrupted_exit()
            control.stop()
            print("\n" + _("stopping after this step (Ctrl-C again to abort)"), file=sys.stderr, flush=True)

        signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread
        return lambda: None
    return lambda: signal.signal(signal.SIGINT, previous)


def interrupted_exit() -> None:
    """Say "interrupted" and end the process with status 130 now, without unwinding."""
    try:
        sys.stdout.flush()
        print("\n" + _("interrupted"), file=sys.stderr, flush=True)
    finally:
        os._exit(130)

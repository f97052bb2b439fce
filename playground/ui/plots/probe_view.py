"""Look inside one node of the student's model: what it computes for one sample, live.

Pick a node and a sample (a test image, a sequence, a point; for images also one drawn with the
mouse). The training worker answers between two steps (`core/runs/inside.py`), only while this view
is shown: its `probe_changed` signal says what to look at, and None when nobody looks. The view
draws what it is given, by what the node is:

- a convolution: the feature maps of every channel for the sample, the filters as images, and the
  receptive field of the unit clicked on a map, framed on the input;
- attention: the weights of every head (queries down, keys across);
- a recurrent layer: the hidden state over time, and the gates of an LSTM or a GRU;
- every node: its output for the sample, the distribution of its outputs and of the loss's
  gradients over a batch of test samples, with dead and saturated units counted (and framed);
- image data: the saliency map of the predicted class beside the input.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from playground.core.graph.blocks import expand_blocks
from playground.core.runs.records import ProbeRequest, ProbeResult
from playground.ui import theme
from playground.ui.plots.style import TRAIN_COLOR, VAL_COLOR, PaintCost, color, export_widget
from playground.ui.plots.tiles import HistogramChart, Tile, TileGrid, gray_image, heat_image


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f} %"


class ProbeView(QWidget):
    """The Training tab's look inside a node (see the module docstring)."""

    probe_changed = Signal(object)  # a ProbeRequest, or None: nobody looks

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("probeView")
        self.paint_cost = PaintCost()
        self._result: ProbeResult | None = None
        self._error = ""
        self._class_names: list[str] = []
        self._unit: tuple[int, int] | None = None  # the feature-map unit whose receptive field is framed
        self._custom: np.ndarray | None = None  # the user's drawing, while it is the sample
        self._looking = False
        self._nodes: list[tuple[str, str]] = []
        self._exits: dict[str, str] = {}  # block instance -> the flat layer its result leaves from
        self.experiment_source: Callable[[], Any] | None = None  # the model to offer the nodes of

        self.node_box = QComboBox(self)
        self.node_box.setObjectName("probeNode")
        self.node_box.setMinimumContentsLength(8)
        self.node_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.node_box.setToolTip(QCoreApplication.translate("ProbeView", "The node to look inside"))
        self.sample_box = QSpinBox(self)
        self.sample_box.setObjectName("probeSample")
        self.sample_box.setRange(0, 0)
        self.sample_box.setToolTip(
            QCoreApplication.translate("ProbeView", "Which sample of the test split goes through the model")
        )
        self.draw_button = QPushButton(QCoreApplication.translate("ProbeView", "Draw…"), self)
        self.draw_button.setObjectName("probeDraw")
        self.draw_button.setToolTip(
            QCoreApplication.translate(
                "ProbeView", "Draw your own input with the mouse and look at what the node does with it"
            )
        )
        self.draw_button.hide()
        self.status = QLabel(self)
        self.status.setObjectName("probeStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status.setStyleSheet("QLabel#probeStatus { color: palette(placeholder-text); }")
        # two short rows rather than one long one: the view shares a narrow column with the diagnostics
        bar = QGridLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        self.node_label = QLabel(QCoreApplication.translate("ProbeView", "Node:"), self)
        self.sample_label = QLabel(QCoreApplication.translate("ProbeView", "Sample:"), self)
        bar.addWidget(self.node_label, 0, 0)
        bar.addWidget(self.node_box, 0, 1, 1, 2)
        bar.addWidget(self.sample_label, 1, 0)
        bar.addWidget(self.sample_box, 1, 1)
        bar.addWidget(self.draw_button, 1, 2, Qt.AlignmentFlag.AlignLeft)
        bar.setColumnStretch(3, 1)

        self.message = QLabel(self)
        self.message.setObjectName("probeMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        content = QWidget()
        self._sections = QVBoxLayout(content)
        self._sections.setContentsMargins(2, 2, 2, 2)
        self._sections.setSpacing(4)
        self.input_title, self.input_tiles = self._section("probeInput")
        self.maps_title, self.maps = self._section("probeMaps", max_tile=84)
        self.filters_title, self.filters = self._section("probeFilters", max_tile=48, min_tile=18)
        self.attention_title, self.attention = self._section("probeAttention", max_tile=150, min_tile=80)
        self.recurrent_title, self.recurrent = self._section(
            "probeRecurrent", max_tile=170, min_tile=80, max_height=150
        )
        self.output_title, self.output = self._section("probeOutput", max_tile=400, min_tile=60)
        self.stats_title = self._title("probeStats")
        self.output_histogram = HistogramChart()
        self.gradient_histogram = HistogramChart()
        charts = QHBoxLayout()
        charts.addWidget(self.output_histogram)
        charts.addWidget(self.gradient_histogram)
        self._sections.addLayout(charts)
        self.units_label = QLabel()
        self.units_label.setObjectName("probeUnits")
        self.units_label.setWordWrap(True)
        self.units_label.setTextFormat(Qt.TextFormat.RichText)
        self._sections.addWidget(self.units_label)
        self._sections.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(content)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self._content = content

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addWidget(self.scroll_area, 1)

        self.node_box.currentIndexChanged.connect(self._on_node_chosen)
        self.sample_box.valueChanged.connect(self._on_sample_chosen)
        self.draw_button.clicked.connect(self._on_draw)
        self.maps.tile_clicked.connect(self._on_map_clicked)
        self.input_tiles.tile_clicked.connect(self._on_input_clicked)
        theme.notifier().changed.connect(self._on_theme_changed)
        self.refresh()

    def _title(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name + "Title")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        self._sections.addWidget(label)
        return label

    def _section(
        self, name: str, max_tile: int = 120, min_tile: int = 28, max_height: int | None = None
    ) -> tuple[QLabel, TileGrid]:
        title = self._title(name)
        grid = TileGrid(max_tile=max_tile, min_tile=min_tile, max_height=max_height)
        grid.setObjectName(name)
        self._sections.addWidget(grid)
        return title, grid

    # ---- what to look at -----------------------------------------------------------------------
    def set_experiment(self, experiment: Any) -> None:
        """The nodes of the model a probe can look inside (the selection stays where it can); a
        block's layers are listed by their flat names (`res1_conv1`), as the built model has them."""
        expansion = expand_blocks(experiment) if experiment else None
        self._exits = dict(expansion.exits) if expansion is not None else {}
        flat = expansion.experiment.model.nodes if expansion is not None else []
        nodes = [(node.id, node.type) for node in flat if node.type != "Input"]
        if nodes == self._nodes:
            return
        current = self.node()
        self._nodes = nodes
        self.node_box.blockSignals(True)
        self.node_box.clear()
        for node_id, kind in nodes:
            self.node_box.addItem(
                QCoreApplication.translate("ProbeView", "{node} · {type}").format(node=node_id, type=kind), node_id
            )
        index = self.node_box.findData(current)
        self.node_box.setCurrentIndex(index if index >= 0 else self._default_node())
        self.node_box.blockSignals(False)
        if self.node() != current:
            self._result = None
            self._ask()

    def _default_node(self) -> int:
        """The first node worth a look: a convolution, attention or recurrent layer, else the first."""
        for index, (_node, kind) in enumerate(self._nodes):
            if kind in ("Conv2d", "TransformerEncoderLayer", "MultiheadAttention", "LSTM", "GRU", "RNN"):
                return index
        return 0 if self._nodes else -1

    def set_class_names(self, names: list[str]) -> None:
        self._class_names = list(names)

    def node(self) -> str:
        data = self.node_box.currentData()
        return str(data) if data is not None else ""

    def look_inside(self, node_id: str) -> bool:
        """Choose `node_id` (the canvas's "Look inside"; a block card: the layer its result leaves
        from); False when the model has no such node."""
        index = self.node_box.findData(self._exits.get(node_id, node_id))
        if index < 0:
            return False
        self.node_box.setCurrentIndex(index)
        return True

    def request(self) -> ProbeRequest | None:
        node = self.node()
        if not node:
            return None
        return ProbeRequest(node, sample=self.sample_box.value(), custom=self._custom)

    def use_drawing(self, drawing: np.ndarray | None) -> None:
        """Look at the user's own input (None: back to the test samples)."""
        self._custom = None if drawing is None else np.asarray(drawing, dtype=np.float32)
        self._ask()

    def _on_node_chosen(self, _index: int) -> None:
        self._unit = None
        self._ask()

    def _on_sample_chosen(self, _value: int) -> None:
        self._custom = None
        self._ask()

    def _ask(self) -> None:
        if self._looking:
            self.probe_changed.emit(self.request())
        self.refresh()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.experiment_source is not None:
            self.set_experiment(self.experiment_source())
        if not self._looking:
            self._looking = True
            self.probe_changed.emit(self.request())

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)
        if self._looking:
            self._looking = False
            self.probe_changed.emit(None)  # nobody looks: the worker stops probing

    def is_looking(self) -> bool:
        return self._looking

    # ---- data ------------------------------------------------------------------------------------
    def set_result(self, result: ProbeResult) -> None:
        if result.node != self.node():
            return  # an answer to an earlier question
        self._result, self._error = result, ""
        if result.samples and self.sample_box.maximum() != result.samples - 1:
            self.sample_box.blockSignals(True)
            self.sample_box.setMaximum(max(0, result.samples - 1))
            self.sample_box.blockSignals(False)
        self.draw_button.setVisible(result.sample_input.ndim == 3 and result.saliency is not None)

    def set_error(self, text: str) -> None:
        self._error = text

    def clear(self) -> None:
        self._result, self._error = None, ""
        self.refresh()

    def result(self) -> ProbeResult | None:
        return self._result

    def paint_seconds(self) -> float:
        return self.paint_cost.seconds

    def export(self, path: str | Path) -> None:
        export_widget(self, path)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(420, 520)

    # ---- drawing -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        result = self._result
        has_nodes = bool(self._nodes)
        for widget in (self.node_label, self.node_box, self.sample_label, self.sample_box):
            widget.setEnabled(has_nodes)
        if result is None:
            self._show_message(self._empty_text())
            return
        self.message.setVisible(bool(self._error))
        self.message.setText(self._error)
        self.scroll_area.show()
        self.status.setText(
            QCoreApplication.translate(
                "ProbeView", "As the weights were after epoch {epoch}, step {step} (looked in {ms:.0f} ms)"
            ).format(epoch=result.epoch, step=result.step, ms=1000 * result.seconds)
        )
        self._draw_input(result)
        self._draw_maps(result)
        self._draw_filters(result)
        self._draw_attention(result)
        self._draw_recurrent(result)
        self._draw_output(result)
        self._draw_statistics(result)
        self._content.adjustSize()

    def _empty_text(self) -> str:
        if self._error:
            return self._error
        if not self._nodes:
            return QCoreApplication.translate("ProbeView", "Build a model to look inside it.")
        return QCoreApplication.translate(
            "ProbeView",
            "Train (F5) or step (F10) to look inside {node}: what it computes for one sample, live, "
            "on the weights being trained.",
        ).format(node=self.node())

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.scroll_area.hide()
        self.status.setText("")

    def _label_text(self, value: int | float | None) -> str:
        if value is None:
            return ""
        if isinstance(value, int) and 0 <= value < len(self._class_names):
            return str(self._class_names[value])
        return f"{value:.4g}" if isinstance(value, float) else str(value)

    def _draw_input(self, result: ProbeResult) -> None:
        picture = result.sample_input
        if result.sample < 0:
            where = QCoreApplication.translate("ProbeView", "Your drawing")
        else:
            where = QCoreApplication.translate("ProbeView", "Test sample {index}").format(index=result.sample)
        parts = [where]
        if result.target is not None and self._class_names:
            parts.append(
                QCoreApplication.translate("ProbeView", "label {label}").format(label=self._label_text(result.target))
            )
        elif result.target is not None:
            parts.append(
                QCoreApplication.translate("ProbeView", "true value {value}").format(
                    value=self._label_text(result.target)
                )
            )
        if result.predicted is not None:
            predicted = QCoreApplication.translate("ProbeView", "predicted {label}").format(
                label=self._label_text(result.predicted)
            )
            if result.confidence is not None:
                predicted += f" ({_percent(result.confidence)})"
            parts.append(predicted)
        self.input_title.setText(" · ".join(parts))
        tiles: list[Tile] = []
        if picture.ndim == 3:  # an image (C, H, W)
            box = None
            field = result.receptive_field
            if field is not None and result.feature_maps is not None:
                row, column = self._chosen_unit(result)
                box = field.box(row, column)
            tiles.append(Tile(gray_image(picture), QCoreApplication.translate("ProbeView", "input"), box=box))
            if result.saliency is not None:
                tiles.append(
                    Tile(heat_image(result.saliency, signed=False), QCoreApplication.translate("ProbeView", "saliency"))
                )
        elif picture.ndim == 2:  # a sequence (T, F): time across
            tiles.append(Tile(heat_image(picture.T), QCoreApplication.translate("ProbeView", "input over time")))
        elif picture.ndim == 1 and result.tokens:
            tiles.append(
                Tile(
                    heat_image(picture[None, :], signed=False),
                    QCoreApplication.translate("ProbeView", "tokens"),
                    column_labels=[str(int(v)) for v in picture],
                )
            )
        elif picture.ndim == 1:
            tiles.append(Tile(heat_image(picture[None, :]), QCoreApplication.translate("ProbeView", "input features")))
        self.input_tiles.max_tile = 150 if picture.ndim == 3 else 400
        self.input_tiles.set_tiles(tiles)
        self.input_title.setVisible(bool(tiles))
        self.input_tiles.setVisible(bool(tiles))

    def _chosen_unit(self, result: ProbeResult) -> tuple[int, int]:
        maps = result.feature_maps
        assert maps is not None
        height, width = maps.shape[-2], maps.shape[-1]
        row, column = self._unit if self._unit is not None else (height // 2, width // 2)
        return min(row, height - 1), min(column, width - 1)

    def _draw_maps(self, result: ProbeResult) -> None:
        maps = result.feature_maps
        shown = maps is not None and maps.ndim == 3
        self.maps_title.setVisible(shown)
        self.maps.setVisible(shown)
        if not shown:
            return
        assert maps is not None
        channels, height, width = maps.shape
        field = result.receptive_field
        text = QCoreApplication.translate("ProbeView", "Feature maps: {count} channels of {height}×{width}").format(
            count=result.units, height=height, width=width
        )
        if field is not None:
            row, column = self._chosen_unit(result)
            text += " · " + QCoreApplication.translate(
                "ProbeView",
                "the framed unit sees {size}×{size} input pixels (its receptive field; click a map to move it)",
            ).format(size=f"{field.size[0]:g}")
        self.maps_title.setText(text)
        scale = float(np.nanmax(np.abs(maps))) if maps.size else 1.0
        marks = result.dead | result.saturated
        unit = self._chosen_unit(result) if field is not None else None
        self.maps.set_tiles(
            [
                Tile(
                    heat_image(maps[c], scale=scale or 1.0),
                    QCoreApplication.translate("ProbeView", "dead {channel}").format(channel=c)
                    if result.dead[c]
                    else str(c),
                    mark=bool(marks[c]),
                    point=unit,
                )
                for c in range(channels)
            ]
        )

    def _draw_filters(self, result: ProbeResult) -> None:
        filters = result.filters
        shown = filters is not None and filters.ndim == 4
        self.filters_title.setVisible(shown)
        self.filters.setVisible(shown)
        if not shown:
            return
        assert filters is not None
        out, inputs, kh, kw = filters.shape
        if inputs == 1:
            text = QCoreApplication.translate(
                "ProbeView", "Filters: {count} kernels of {kh}×{kw} (blue adds, orange subtracts)"
            )
        else:
            text = QCoreApplication.translate(
                "ProbeView", "Filters: {count} kernels of {kh}×{kw}, averaged over their {inputs} input channels"
            )
        self.filters_title.setText(text.format(count=out, kh=kh, kw=kw, inputs=inputs))
        kernels = filters.mean(axis=1)
        scale = float(np.nanmax(np.abs(kernels))) or 1.0
        self.filters.set_tiles([Tile(heat_image(kernels[c], signed=True, scale=scale), str(c)) for c in range(out)])

    def _draw_attention(self, result: ProbeResult) -> None:
        weights = result.attention
        shown = weights is not None and weights.ndim == 3
        self.attention_title.setVisible(shown)
        self.attention.setVisible(shown)
        if not shown:
            return
        assert weights is not None
        heads, queries, keys = weights.shape
        peak = float(np.nanmax(weights)) if weights.size else 1.0
        self.attention_title.setText(
            QCoreApplication.translate(
                "ProbeView",
                "Attention weights of {heads} heads: row i shows where position i looks (each row sums to 1; "
                "the darkest cell is {peak:.2f}, an even spread would be {even:.2f})",
            ).format(heads=heads, peak=peak, even=1.0 / max(1, keys))
        )
        tokens = result.sample_input
        labels: list[str] = []
        if result.tokens and tokens.ndim == 1 and tokens.size == keys:
            labels = [str(int(v)) for v in tokens]
        self.attention.set_tiles(
            [
                Tile(
                    heat_image(weights[h], signed=False, scale=peak or 1.0),
                    QCoreApplication.translate("ProbeView", "head {number}").format(number=h + 1),
                    row_labels=labels,
                    column_labels=labels,
                )
                for h in range(heads)
            ]
        )

    def _draw_recurrent(self, result: ProbeResult) -> None:
        hidden = result.hidden
        shown = hidden is not None and hidden.ndim == 2
        self.recurrent_title.setVisible(shown)
        self.recurrent.setVisible(shown)
        if not shown:
            return
        assert hidden is not None
        steps, units = hidden.shape
        self.recurrent_title.setText(
            QCoreApplication.translate(
                "ProbeView", "Over {steps} time steps (across) for {units} units (down): the hidden state and the gates"
            ).format(steps=steps, units=units)
        )
        tiles = [
            Tile(
                heat_image(hidden.T, signed=True, scale=1.0), QCoreApplication.translate("ProbeView", "hidden state h")
            )
        ]
        gate_captions = {
            "input": QCoreApplication.translate("ProbeView", "input gate i"),
            "forget": QCoreApplication.translate("ProbeView", "forget gate f"),
            "cell": QCoreApplication.translate("ProbeView", "candidate g"),
            "output": QCoreApplication.translate("ProbeView", "output gate o"),
            "reset": QCoreApplication.translate("ProbeView", "reset gate r"),
            "update": QCoreApplication.translate("ProbeView", "update gate z"),
            "new": QCoreApplication.translate("ProbeView", "candidate n"),
        }
        if result.gates is not None:
            for name, gate in zip(result.gate_names, result.gates):
                signed = name in ("cell", "new")
                tiles.append(Tile(heat_image(gate.T, signed=signed, scale=1.0), gate_captions.get(name, name)))
        self.recurrent.set_tiles(tiles)

    def _draw_output(self, result: ProbeResult) -> None:
        output = result.sample_output
        shown = output.ndim == 1 and output.size > 0 and result.feature_maps is None
        self.output_title.setVisible(shown)
        self.output.setVisible(shown)
        if not shown:
            return
        self.output_title.setText(
            QCoreApplication.translate(
                "ProbeView", "Its output for this sample: {units} values, from {low:.3g} to {high:.3g}"
            ).format(units=output.size, low=float(output.min()), high=float(output.max()))
        )
        strip = output[:4096]
        self.output.set_tiles([Tile(heat_image(strip[None, :]), "")])

    def _draw_statistics(self, result: ProbeResult) -> None:
        self.stats_title.setText(
            QCoreApplication.translate("ProbeView", "Over {count} test samples").format(count=result.batch)
        )
        self.output_histogram.set_histogram(
            result.outputs.counts,
            result.outputs.edges,
            QCoreApplication.translate("ProbeView", "Outputs of {node}").format(node=result.node),
            color(TRAIN_COLOR),
        )
        if result.gradients is not None:
            self.gradient_histogram.set_histogram(
                result.gradients.counts,
                result.gradients.edges,
                QCoreApplication.translate("ProbeView", "Gradients of the loss at {node}").format(node=result.node),
                color(VAL_COLOR),
            )
            self.gradient_histogram.show()
        else:
            self.gradient_histogram.hide()
        dead, saturated = int(result.dead.sum()), int(result.saturated.sum())
        parts = []
        if dead:
            parts.append(
                QCoreApplication.translate(
                    "ProbeView",
                    "{dead} of {units} units are dead: their output is 0 for every sample, so no gradient reaches their weights.",
                ).format(dead=dead, units=result.units)
            )
        if saturated:
            parts.append(
                QCoreApplication.translate(
                    "ProbeView",
                    "{saturated} of {units} units are saturated: stuck at an end of their range, where the gradient vanishes.",
                ).format(saturated=saturated, units=result.units)
            )
        if not parts:
            parts.append(
                QCoreApplication.translate(
                    "ProbeView", "All {units} units are alive: none is stuck at 0 or at an end of its range."
                ).format(units=result.units)
            )
        colors = theme.colors()
        style = colors.warning if dead or saturated else colors.ok
        self.units_label.setText(f"<span style='color:{style}'>{html.escape(' '.join(parts))}</span>")

    def _on_theme_changed(self, _name: str) -> None:
        self.refresh()

    # ---- interaction -------------------------------------------------------------------------------
    def _on_map_clicked(self, _tile: int, row: int, column: int) -> None:
        self._unit = (row, column)
        self.refresh()

    def _on_input_clicked(self, tile: int, row: int, column: int) -> None:
        result = self._result
        if tile != 0 or result is None or result.receptive_field is None or result.feature_maps is None:
            return
        field = result.receptive_field
        height, width = result.feature_maps.shape[-2:]
        unit_row = int(round((row - field.start[0]) / max(field.jump[0], 1e-9)))
        unit_column = int(round((column - field.start[1]) / max(field.jump[1], 1e-9)))
        self._unit = (min(max(unit_row, 0), height - 1), min(max(unit_column, 0), width - 1))
        self.refresh()

    def _on_draw(self) -> None:
        from playground.ui.plots.draw_pad import DrawPadDialog  # noqa: PLC0415 - opened on demand

        result = self._result
        if result is None or result.sample_input.ndim != 3:
            return
        dialog = DrawPadDialog(result.sample_input, self)
        if dialog.exec():
            self.use_drawing(dialog.drawing())

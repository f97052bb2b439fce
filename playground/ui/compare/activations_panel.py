"""Activations side by side: f(x) and f'(x) over a chosen range, what a learner should know about each, and a race.

The curves come from the real torch modules (derivatives by autograd). "Race" trains the current
experiment once per checked activation, every activation node swapped, from identical weights.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from playground.core.compare.activations import ACTIVATIONS, activation_curves
from playground.core.compare.history import RunHistory
from playground.core.compare.race import activation_contenders, activation_nodes
from playground.core.document import ExperimentDocument
from playground.core.experiment.schema import Experiment
from playground.ui import theme
from playground.ui.compare.common import (
    CompareTab,
    color_for,
    color_icon,
    heading,
    make_curve,
    make_plot,
    set_curve,
    split_panel,
)
from playground.ui.compare.race_view import RaceSection
from playground.ui.i18n import language_events
from playground.ui.subscriptions import Subscriptions

DEFAULT_CHECKED = ("Sigmoid", "Tanh", "ReLU", "GELU")


def facts_tr(text: str) -> str:
    return QCoreApplication.translate("ActivationFacts", text)


class ActivationsPanel(CompareTab):
    def __init__(
        self,
        document: ExperimentDocument,
        undo_stack: QUndoStack | None = None,
        history: RunHistory | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(document, undo_stack, history, parent)
        self._curves: dict[str, tuple] = {}

        # ---- the functions -------------------------------------------------------------------
        splitter, top, top_layout = split_panel(self)
        side = QVBoxLayout()
        side.addWidget(heading(self.tr("Activations"), top))
        self.list = QListWidget(top)
        self.list.setMaximumWidth(190)
        for name in ACTIVATIONS:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in DEFAULT_CHECKED else Qt.CheckState.Unchecked)
            item.setToolTip(facts_tr(ACTIVATIONS[name].formula))
            self.list.addItem(item)
        side.addWidget(self.list, 1)
        form = QFormLayout()
        self.x_min = self._spin(-100, 100, -5.0, 0.5)
        self.x_max = self._spin(-100, 100, 5.0, 0.5)
        self.slope = self._spin(0.0, 1.0, 0.1, 0.01)
        self.slope.setDecimals(3)
        self.slope.setToolTip(
            self.tr(
                "LeakyReLU's slope α for x < 0 (PyTorch's default is 0.01; "
                "0.1 is easier to see). The race uses this value too."
            )
        )
        form.addRow(self.tr("x from"), self.x_min)
        form.addRow(self.tr("x to"), self.x_max)
        form.addRow(self.tr("LeakyReLU α"), self.slope)
        side.addLayout(form)
        top_layout.addLayout(side)

        self.value_plot = make_plot(top, self.tr("Activation f(x)"), "x", "f(x)", legend="top-left")
        self.derivative_plot = make_plot(top, self.tr("Derivative f′(x)"), "x", "f′(x)", legend="top-left")
        self.derivative_plot.setXLink(self.value_plot)
        top_layout.addWidget(self.value_plot, 3)
        top_layout.addWidget(self.derivative_plot, 3)
        self.facts = QTextBrowser(top)
        self.facts.setOpenExternalLinks(False)
        self.facts.setMinimumWidth(300)
        top_layout.addWidget(self.facts, 3)

        # ---- the race --------------------------------------------------------------------------
        self.race = RaceSection(
            document,
            self.history,
            self._contenders,
            self.tr("Activation race"),
            self.tr("Race the checked activations"),
            parent=splitter,
        )
        self.race.status_message.connect(self.status_message)
        splitter.addWidget(top)
        splitter.addWidget(self.race)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)

        self.list.itemChanged.connect(lambda _item: self.redraw())
        self.list.currentItemChanged.connect(lambda *_: self._show_facts())
        for spin in (self.x_min, self.x_max, self.slope):
            spin.valueChanged.connect(lambda _value: self.redraw())
        self.list.setCurrentRow(list(ACTIVATIONS).index("ReLU"))
        self.redraw()
        # the facts are the core's text, which no Qt catalogue relabels
        Subscriptions(self).connect(language_events().changed, self._on_language_changed)

    def _on_language_changed(self, language: str) -> None:
        """Show the facts in the new language."""
        self._show_facts()

    def _spin(self, low: float, high: float, value: float, step: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(self)
        spin.setRange(low, high)
        spin.setSingleStep(step)
        spin.setValue(value)
        return spin

    # ---- selection -----------------------------------------------------------------------------
    def checked(self) -> list[str]:
        return [
            self.list.item(row).text()
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, names) -> None:
        wanted = set(names)
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.text() in wanted else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self.redraw()

    def params_for(self, name: str) -> dict:
        return {"negative_slope": round(self.slope.value(), 4)} if name == "LeakyReLU" else {}

    def _contenders(self, experiment: Experiment):
        names = self.checked()
        if not names:
            raise ValueError(self.tr("Check at least one activation to race."))
        if not activation_nodes(experiment):
            raise ValueError(
                self.tr("The model has no activation layer to swap: add one (e.g. ReLU) after a Linear layer.")
            )
        return activation_contenders(experiment, [(name, self.params_for(name)) for name in names])

    # ---- drawing -------------------------------------------------------------------------------
    def redraw(self) -> None:
        x_min, x_max = self.x_min.value(), self.x_max.value()
        if x_max <= x_min:
            x_max = x_min + 1.0
        names = self.checked()
        for plot in (self.value_plot, self.derivative_plot):
            legend = plot.getPlotItem().legend
            if legend is not None:
                legend.clear()
        for name, (value_curve, derivative_curve) in self._curves.items():
            if name not in names:
                value_curve.setData([], [])
                derivative_curve.setData([], [])
        for index, name in enumerate(names):
            color = color_for(index)
            if name not in self._curves:
                self._curves[name] = (
                    make_curve(self.value_plot.getPlotItem(), color),
                    make_curve(self.derivative_plot.getPlotItem(), color),
                )
            value_curve, derivative_curve = self._curves[name]
            for curve in (value_curve, derivative_curve):
                curve.setPen(color=color, width=2.5)
            x, y, dy = activation_curves(name, x_min, x_max, 401, self.params_for(name))
            set_curve(value_curve, x, y)
            set_curve(derivative_curve, x, dy)
            self.value_plot.getPlotItem().legend.addItem(value_curve, name)
            self.derivative_plot.getPlotItem().legend.addItem(derivative_curve, name)
        self.list.blockSignals(True)  # icons change items: no itemChanged recursion
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.text() in names:
                item.setIcon(color_icon(color_for(names.index(item.text()))))
            else:
                item.setIcon(color_icon(theme.colors().base))
        self.list.blockSignals(False)
        self._show_facts()

    def curve_count(self) -> int:
        return sum(
            1
            for value_curve, _ in self._curves.values()
            if value_curve.getOriginalDataset()[0] is not None and len(value_curve.getOriginalDataset()[0])
        )

    def _show_facts(self) -> None:
        current = self.list.currentItem()
        name = current.text() if current is not None else "ReLU"
        facts = ACTIVATIONS[name]
        colors = theme.colors()
        yes, no = self.tr("yes"), self.tr("no")
        rows = [
            (self.tr("Formula"), facts.formula),
            (self.tr("Derivative"), facts.derivative),
            (self.tr("Output range"), facts.output_range),
            (self.tr("Zero-centred"), yes if facts.zero_centred else no),
            (self.tr("Vanishing gradient"), facts.vanishing_gradient_text),
            (self.tr("Dead neurons"), facts.dead_neurons_text),
            (self.tr("Cost"), facts.cost_text),
        ]
        table = "".join(
            f"<tr><td style='color:{colors.muted_text}; padding-right:8px'>{html.escape(k)}</td>"
            f"<td><b>{html.escape(v)}</b></td></tr>"
            for k, v in rows
        )
        pros = "".join(f"<li>{html.escape(p)}</li>" for p in facts.pros_text)
        cons = "".join(f"<li>{html.escape(c)}</li>" for c in facts.cons_text)
        overview = "".join(
            f"<tr><td><b>{html.escape(f.name)}</b></td><td>{html.escape(f.output_range)}</td>"
            f"<td>{html.escape(f.vanishing_gradient_text)}</td><td>{html.escape(f.dead_neurons_text)}</td>"
            f"<td>{yes if f.zero_centred else no}</td></tr>"
            for f in (ACTIVATIONS[n] for n in self.checked())
        )
        words = {
            "pros": self.tr("Pros"),
            "cons": self.tr("Cons"),
            "checked": self.tr("Checked activations"),
            "name": self.tr("name"),
            "range": self.tr("range"),
            "vanishing": self.tr("vanishing"),
            "dead": self.tr("dead"),
            "centred": self.tr("zero-centred"),
        }
        self.facts.setHtml(
            f"<div style='font-size:11pt'><h3 style='margin:0'>{html.escape(name)}</h3>"
            f"<table cellspacing='2'>{table}</table>"
            f"<p style='margin:4px 0 0 0; color:{colors.ok}'><b>{words['pros']}</b></p><ul style='margin:0'>{pros}</ul>"
            f"<p style='margin:4px 0 0 0; color:{colors.error}'><b>{words['cons']}</b></p>"
            f"<ul style='margin:0'>{cons}</ul>"
            f"<p style='margin:6px 0 2px 0'><b>{words['checked']}</b></p>"
            f"<table cellspacing='3' style='font-size:10pt'><tr><th align='left'>{words['name']}</th>"
            f"<th align='left'>{words['range']}</th><th align='left'>{words['vanishing']}</th>"
            f"<th align='left'>{words['dead']}</th><th align='left'>{words['centred']}</th></tr>"
            f"{overview}</table></div>"
        )

    # ---- lifetime ------------------------------------------------------------------------------
    def shutdown(self) -> None:
        self.race.shutdown()
